-- +goose Up
-- Mirrors ../postgres/00004_payments_and_notifications.sql.
-- The money as Stripe reported it, and whether it matched what was due.
ALTER TABLE registrations ADD COLUMN paid_currency TEXT;
ALTER TABLE registrations ADD COLUMN amount_mismatch INTEGER NOT NULL DEFAULT 0;

-- Refunds and disputes that arrived before any registration had their
-- payment intent (Stripe does not guarantee order): applied when one gets it.
CREATE TABLE payment_adjustments (
    event_id          TEXT PRIMARY KEY,
    payment_intent_id TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('refund', 'dispute_lost')),
    received_at       TEXT NOT NULL,
    applied_at        TEXT,
    registration_id   TEXT REFERENCES registrations (id)
);
CREATE INDEX payment_adjustments_pi ON payment_adjustments (payment_intent_id);

-- Notifications get a subject of any kind (a registration, a waitlist
-- entry) and data for their template; SQLite rebuilds the table to drop
-- the foreign key of the old registration_id column.
CREATE TABLE notifications_new (
    id          TEXT PRIMARY KEY,
    subject_id  TEXT NOT NULL, -- a registration (reg_…) or waitlist entry id
    kind        TEXT NOT NULL,
    dedupe_key  TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '', -- JSON for the template; never a secret
    status      TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'canceled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (subject_id, kind, dedupe_key)
);
INSERT INTO notifications_new (id, subject_id, kind, dedupe_key, status, attempts, lease_until, created_at, sent_at)
SELECT id, registration_id, kind, dedupe_key, status, attempts, lease_until, created_at, sent_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;

-- +goose Down
DROP TABLE payment_adjustments;
