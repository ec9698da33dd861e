-- +goose Up
-- The club's admin area (mirrors ../postgres/00006_admin.sql): staff
-- actions on a registration (a lease, the refund attempt that names the
-- Stripe idempotency key, the refund made), disabled promo codes, a change
-- counter per tryout (one "tryout changed" email per change), every
-- Checkout Session made (for the registration's timeline), and the audit
-- log of staff actions.
ALTER TABLE registrations ADD COLUMN refund_attempts INTEGER NOT NULL DEFAULT 0;
-- Held while a staff action (cancel, refund, mark paid) talks to Stripe,
-- so two clicks at once make one refund.
ALTER TABLE registrations ADD COLUMN staff_lease_until TEXT;
ALTER TABLE registrations ADD COLUMN stripe_refund_id TEXT;
ALTER TABLE registrations ADD COLUMN amount_refunded_cents INTEGER;

ALTER TABLE promo_codes ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

ALTER TABLE tryouts ADD COLUMN change_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE checkout_sessions (
    id              TEXT PRIMARY KEY, -- Stripe's cs_…
    registration_id TEXT NOT NULL REFERENCES registrations (id),
    attempt         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX checkout_sessions_registration ON checkout_sessions (registration_id);
INSERT INTO checkout_sessions (id, registration_id, attempt, created_at, expires_at)
SELECT stripe_checkout_session_id, id, checkout_attempts, updated_at, checkout_expires_at FROM registrations
WHERE stripe_checkout_session_id IS NOT NULL AND checkout_expires_at IS NOT NULL;

-- Every staff action: who (the identity provider's subject and email, or
-- "cli"), what, on what, when. Listed per club, newest first.
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY,
    club_id       TEXT NOT NULL REFERENCES clubs (id),
    at            TEXT NOT NULL,
    actor_subject TEXT NOT NULL,
    actor_email   TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    target        TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_club ON audit_log (club_id, at, id);
CREATE INDEX audit_log_target ON audit_log (target);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE checkout_sessions;
