-- +goose Up
-- Mirrors ../sqlite/00004_payments_and_notifications.sql.
-- The money as Stripe reported it, and whether it matched what was due.
ALTER TABLE registrations ADD COLUMN paid_currency TEXT;
ALTER TABLE registrations ADD COLUMN amount_mismatch BOOLEAN NOT NULL DEFAULT FALSE;

-- Refunds and disputes that arrived before any registration had their
-- payment intent (Stripe does not guarantee order): applied when one gets it.
CREATE TABLE payment_adjustments (
    event_id          TEXT PRIMARY KEY,
    payment_intent_id TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('refund', 'dispute_lost')),
    received_at       TIMESTAMPTZ NOT NULL,
    applied_at        TIMESTAMPTZ,
    registration_id   TEXT REFERENCES registrations (id)
);
CREATE INDEX payment_adjustments_pi ON payment_adjustments (payment_intent_id);

-- Notifications get a subject of any kind (a registration, a waitlist
-- entry) and data for their template.
ALTER TABLE notifications DROP CONSTRAINT notifications_registration_id_fkey;
ALTER TABLE notifications RENAME COLUMN registration_id TO subject_id;
ALTER TABLE notifications ADD COLUMN data TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications RENAME CONSTRAINT notifications_registration_id_kind_dedupe_key_key TO notifications_subject_id_kind_dedupe_key_key;

-- +goose Down
DROP TABLE payment_adjustments;
