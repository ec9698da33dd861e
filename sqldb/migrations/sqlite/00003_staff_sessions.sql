-- +goose Up
-- Staff sign-in sessions (github.com/alexedwards/scs). The staff package
-- stores the SHA-256 of the cookie as token, never the cookie itself;
-- expiry is UTC TEXT like every time here. Mirrors ../postgres/00020_staff_sessions.sql.
CREATE TABLE staff_sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TEXT NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expiry);

-- +goose Down
DROP TABLE staff_sessions;
