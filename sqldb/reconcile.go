package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// reconcileCursorName is the one cursor there is: Stripe's events list.
const reconcileCursorName = "stripe_events"

// ReconcileCursor returns the creation time of the newest Stripe event
// reconciliation has seen, and false before its first pass.
func (db *DB) ReconcileCursor(ctx context.Context) (time.Time, bool, error) {
	var c timeCol
	err := db.sql.QueryRowContext(ctx, `SELECT created_at FROM reconcile_cursor WHERE name = $1`, reconcileCursorName).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read reconcile cursor: %w", err)
	}
	return c.T, true, nil
}

// AdvanceReconcileCursor moves the cursor forward to t (never back: two
// passes at once leave the later of their two).
func (db *DB) AdvanceReconcileCursor(ctx context.Context, t time.Time) error {
	_, err := db.exec(ctx, `INSERT INTO reconcile_cursor (name, created_at, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at
		WHERE reconcile_cursor.created_at < excluded.created_at`,
		reconcileCursorName, db.ts(t), db.ts(db.Now()))
	if err != nil {
		return fmt.Errorf("advance reconcile cursor: %w", err)
	}
	return nil
}
