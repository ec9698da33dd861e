-- +goose Up
-- The second wave's foundations (mirrors ../postgres/00002_state_machine.sql):
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

-- SQLite cannot change a CHECK constraint in place: the registrations
-- table is rebuilt with the offline method and the details as given.
CREATE TABLE registrations_new (
    id                         TEXT PRIMARY KEY,
    club_id                    TEXT NOT NULL REFERENCES clubs (id),
    tryout_id                  TEXT NOT NULL REFERENCES tryouts (id),
    parent_id                  TEXT NOT NULL REFERENCES parents (id),
    player_id                  TEXT NOT NULL REFERENCES players (id),
    status                     TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'payment_failed', 'refunded', 'canceled')),
    method                     TEXT NOT NULL CHECK (method IN ('card', 'promo', 'offline')),
    amount_cents               INTEGER NOT NULL CHECK (amount_cents >= 0),
    currency                   TEXT NOT NULL,
    promo_code_id              TEXT REFERENCES promo_codes (id),
    -- The parent's details as given with this registration: a later
    -- registration with the same email never changes them.
    parent_first_name          TEXT NOT NULL DEFAULT '',
    parent_last_name           TEXT NOT NULL DEFAULT '',
    parent_phone               TEXT NOT NULL DEFAULT '',
    -- The player's details as given with this registration.
    player_grade               INTEGER,
    player_position            TEXT NOT NULL DEFAULT '',
    player_height_inches       INTEGER,
    stripe_checkout_session_id TEXT,
    checkout_url               TEXT,
    checkout_expires_at        TEXT,
    checkout_attempts          INTEGER NOT NULL DEFAULT 0,
    stripe_payment_intent_id   TEXT,
    amount_paid_cents          INTEGER,
    hold_until                 TEXT NOT NULL,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL,
    paid_at                    TEXT,
    account_created_at         TEXT,
    confirmation_sent_at       TEXT,
    -- Set while a Checkout Session is being created, so concurrent "pay"
    -- clicks wait for that session instead of making more.
    checkout_lease_until       TEXT,
    -- The checkout completed with a delayed payment method; Stripe has yet
    -- to say whether the money arrived.
    awaiting_async_payment     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO registrations_new
    (id, club_id, tryout_id, parent_id, player_id, status, method, amount_cents, currency, promo_code_id,
     parent_first_name, parent_last_name, parent_phone, player_grade, player_position, player_height_inches,
     stripe_checkout_session_id, checkout_url, checkout_expires_at, checkout_attempts, stripe_payment_intent_id,
     amount_paid_cents, hold_until, created_at, updated_at, paid_at, account_created_at, confirmation_sent_at,
     checkout_lease_until, awaiting_async_payment)
SELECT r.id, r.club_id, r.tryout_id, r.parent_id, r.player_id, r.status, r.method, r.amount_cents, r.currency, r.promo_code_id,
     p.first_name, p.last_name, p.phone, pl.grade, pl.position, pl.height_inches,
     r.stripe_checkout_session_id, r.checkout_url, r.checkout_expires_at, r.checkout_attempts, r.stripe_payment_intent_id,
     r.amount_paid_cents, r.hold_until, r.created_at, r.updated_at, r.paid_at, r.account_created_at, r.confirmation_sent_at,
     r.checkout_lease_until, r.awaiting_async_payment
FROM registrations r JOIN parents p ON p.id = r.parent_id JOIN players pl ON pl.id = r.player_id;
DROP TABLE registrations;
ALTER TABLE registrations_new RENAME TO registrations;
CREATE INDEX registrations_tryout ON registrations (tryout_id, status, hold_until);
CREATE INDEX registrations_hold ON registrations (status, hold_until);
CREATE INDEX registrations_club ON registrations (club_id, created_at);
CREATE INDEX registrations_player ON registrations (player_id, tryout_id);
CREATE INDEX registrations_parent ON registrations (parent_id);
CREATE INDEX registrations_payment_intent ON registrations (stripe_payment_intent_id);

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
    lease_until     TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (registration_id, kind, dedupe_key)
);
-- Paid registrations have had their confirmation (sent or still due).
INSERT INTO notifications (id, registration_id, kind, dedupe_key, status, created_at, sent_at)
SELECT 'ntf_' || id, id, 'confirmation', '', CASE WHEN confirmation_sent_at IS NULL THEN 'pending' ELSE 'sent' END,
    COALESCE(paid_at, created_at), confirmation_sent_at
FROM registrations WHERE paid_at IS NOT NULL;

-- +goose Down
DROP TABLE notifications;
