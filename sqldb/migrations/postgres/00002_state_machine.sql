-- +goose Up
-- The second wave's foundations (mirrors ../sqlite/00002_state_machine.sql):
-- eligibility per tryout, a held-seat counter per tryout, the offline
-- payment method, the parent's and player's details as given on each
-- registration, and one notification record per email.
ALTER TABLE tryouts ADD COLUMN min_age INTEGER CHECK (min_age BETWEEN 0 AND 120);
ALTER TABLE tryouts ADD COLUMN max_age INTEGER CHECK (max_age BETWEEN 0 AND 120);
ALTER TABLE tryouts ADD COLUMN age_on TEXT; -- YYYY-MM-DD; NULL: the start date in the tryout's zone
-- Registrations in a seat-holding status (pending, paid). Changed only by
-- the store's status transitions, in the transaction that changes the
-- status.
ALTER TABLE tryouts ADD COLUMN seats_held INTEGER NOT NULL DEFAULT 0 CHECK (seats_held >= 0);

ALTER TABLE registrations DROP CONSTRAINT registrations_method_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_method_check CHECK (method IN ('card', 'promo', 'offline'));
-- The parent's details as given with this registration: a later
-- registration with the same email never changes them.
ALTER TABLE registrations ADD COLUMN parent_first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN parent_last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN parent_phone TEXT NOT NULL DEFAULT '';
-- The player's details as given with this registration.
ALTER TABLE registrations ADD COLUMN player_grade INTEGER;
ALTER TABLE registrations ADD COLUMN player_position TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN player_height_inches INTEGER;
UPDATE registrations r SET parent_first_name = p.first_name, parent_last_name = p.last_name, parent_phone = p.phone
    FROM parents p WHERE p.id = r.parent_id;
UPDATE registrations r SET player_grade = pl.grade, player_position = pl.position, player_height_inches = pl.height_inches
    FROM players pl WHERE pl.id = r.player_id;
ALTER TABLE registrations DROP COLUMN post_payment_lease_until;
DROP INDEX registrations_tryout;
CREATE INDEX registrations_tryout ON registrations (tryout_id, status, hold_until);
CREATE INDEX registrations_hold ON registrations (status, hold_until);

UPDATE tryouts SET seats_held = (SELECT count(*) FROM registrations r
    WHERE r.tryout_id = tryouts.id AND r.status IN ('pending', 'paid'));

-- One row per email a registration gets (kind: confirmation, cancellation,
-- reminder, …; dedupe_key tells apart emails of one kind that are meant to
-- go out more than once, such as a resend). The row makes each email
-- exactly-once: its job sends only while it is pending.
CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations (id),
    kind            TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'canceled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    UNIQUE (registration_id, kind, dedupe_key)
);
-- Paid registrations have had their confirmation (sent or still due).
INSERT INTO notifications (id, registration_id, kind, dedupe_key, status, created_at, sent_at)
SELECT 'ntf_' || id, id, 'confirmation', '', CASE WHEN confirmation_sent_at IS NULL THEN 'pending' ELSE 'sent' END,
    COALESCE(paid_at, created_at), confirmation_sent_at
FROM registrations WHERE paid_at IS NOT NULL;

-- +goose Down
DROP TABLE notifications;
