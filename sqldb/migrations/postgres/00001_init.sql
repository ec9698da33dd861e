-- +goose Up
CREATE TABLE clubs (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    email_from TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE tryouts (
    id         TEXT PRIMARY KEY,
    club_id    TEXT NOT NULL REFERENCES clubs (id),
    name       TEXT NOT NULL,
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL,
    timezone   TEXT NOT NULL,
    location   TEXT NOT NULL,
    fee_cents  BIGINT NOT NULL CHECK (fee_cents >= 0),
    currency   TEXT NOT NULL,
    capacity   INTEGER CHECK (capacity > 0),
    open       BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX tryouts_club ON tryouts (club_id, starts_at);

CREATE TABLE parents (
    id         TEXT PRIMARY KEY,
    club_id    TEXT NOT NULL REFERENCES clubs (id),
    email      TEXT NOT NULL, -- always lower-cased
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (club_id, email)
);

CREATE TABLE players (
    id             TEXT PRIMARY KEY,
    parent_id      TEXT NOT NULL REFERENCES parents (id),
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    first_name_key TEXT NOT NULL, -- lower-cased, to find the same child again
    last_name_key  TEXT NOT NULL,
    birth_date     TEXT NOT NULL, -- YYYY-MM-DD, a calendar date without zone
    grade          INTEGER,
    position       TEXT NOT NULL DEFAULT '',
    height_inches  INTEGER,
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (parent_id, first_name_key, last_name_key, birth_date)
);

CREATE TABLE promo_codes (
    id               TEXT PRIMARY KEY,
    club_id          TEXT NOT NULL REFERENCES clubs (id),
    code             TEXT NOT NULL,
    code_key         TEXT NOT NULL, -- lower-cased
    percent_off      INTEGER CHECK (percent_off BETWEEN 1 AND 100),
    amount_off_cents BIGINT CHECK (amount_off_cents > 0),
    max_uses         INTEGER CHECK (max_uses > 0),
    uses             INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    expires_at       TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (club_id, code_key),
    CHECK ((percent_off IS NULL) <> (amount_off_cents IS NULL))
);

CREATE TABLE registrations (
    id                         TEXT PRIMARY KEY,
    club_id                    TEXT NOT NULL REFERENCES clubs (id),
    tryout_id                  TEXT NOT NULL REFERENCES tryouts (id),
    parent_id                  TEXT NOT NULL REFERENCES parents (id),
    player_id                  TEXT NOT NULL REFERENCES players (id),
    status                     TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'payment_failed', 'refunded', 'canceled')),
    method                     TEXT NOT NULL CHECK (method IN ('card', 'promo')),
    amount_cents               BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency                   TEXT NOT NULL,
    promo_code_id              TEXT REFERENCES promo_codes (id),
    stripe_checkout_session_id TEXT,
    checkout_url               TEXT,
    checkout_expires_at        TIMESTAMPTZ,
    checkout_attempts          INTEGER NOT NULL DEFAULT 0,
    stripe_payment_intent_id   TEXT,
    amount_paid_cents          BIGINT,
    hold_until                 TIMESTAMPTZ NOT NULL,
    created_at                 TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL,
    paid_at                    TIMESTAMPTZ,
    account_created_at         TIMESTAMPTZ,
    confirmation_sent_at       TIMESTAMPTZ,
    -- The post-payment step holds this lease while it runs, so the job and
    -- the promo path's inline run never work on one registration at once.
    post_payment_lease_until   TIMESTAMPTZ,
    -- Set while a Checkout Session is being created, so concurrent "pay"
    -- clicks wait for that session instead of making more.
    checkout_lease_until       TIMESTAMPTZ,
    -- The checkout completed with a delayed payment method; Stripe has yet
    -- to say whether the money arrived.
    awaiting_async_payment     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX registrations_tryout ON registrations (tryout_id, status);
CREATE INDEX registrations_club ON registrations (club_id, created_at);
CREATE INDEX registrations_player ON registrations (player_id, tryout_id);
CREATE INDEX registrations_parent ON registrations (parent_id);
CREATE INDEX registrations_payment_intent ON registrations (stripe_payment_intent_id);

CREATE TABLE stripe_events (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    registration_id TEXT,
    detail          TEXT NOT NULL DEFAULT '',
    received_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE stripe_events;
DROP TABLE registrations;
DROP TABLE promo_codes;
DROP TABLE players;
DROP TABLE parents;
DROP TABLE tryouts;
DROP TABLE clubs;
