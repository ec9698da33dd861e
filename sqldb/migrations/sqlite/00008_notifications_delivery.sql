-- +goose Up
-- Mirrors ../postgres/00008_notifications_delivery.sql.
-- When this registration's job asked Keycloak to email its own
-- set-password link (ACCOUNT_DELIVERY=invite): recorded here, never in a
-- user attribute (Keycloak 24+ drops undeclared ones), so that a retry
-- never asks twice.
ALTER TABLE registrations ADD COLUMN account_invite_sent_at TEXT;

-- The attempt of a notification that last began handing its email to the
-- mail server: a later attempt knows an earlier email may have arrived.
ALTER TABLE notifications ADD COLUMN send_attempt INTEGER;

-- The reminder job looks for tryouts whose reminder time has come.
CREATE INDEX tryouts_starts_at ON tryouts (starts_at);

-- +goose Down
DROP INDEX tryouts_starts_at;
ALTER TABLE notifications DROP COLUMN send_attempt;
ALTER TABLE registrations DROP COLUMN account_invite_sent_at;
