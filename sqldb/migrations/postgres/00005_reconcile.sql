-- +goose Up
-- Mirrors ../sqlite/00005_reconcile.sql.
-- Where reconciliation with Stripe's events list stopped: the creation
-- time of the newest event it has seen. The next pass reads from there,
-- less a margin.
CREATE TABLE reconcile_cursor (
    name       TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE reconcile_cursor;
