package sqldb

import (
	"context"
	"fmt"
	"time"

	"basketball"
)

// PlayerRegisteredAgain reports whether the player of registration id has
// another registration for the same tryout that holds a seat (paid, or
// pending with a live hold). Paying the first one again is then refused
// (BeginCheckout), so pages do not offer it.
func (db *DB) PlayerRegisteredAgain(ctx context.Context, id string) (bool, error) {
	return db.registeredAgain(ctx, db.sql, id, db.Now())
}

// registeredAgain is the one test of "the player has registered again",
// shared by the pages and the checkout.
func (db *DB) registeredAgain(ctx context.Context, q querier, id string, now time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM registrations o JOIN registrations r
			ON o.tryout_id = r.tryout_id AND o.player_id = r.player_id AND o.id <> r.id
		WHERE r.id = $1 AND (o.status = $3 OR (o.status = $4 AND o.hold_until > $2))`,
		id, db.ts(now), basketball.StatusPaid, basketball.StatusPending).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("find other registrations: %w", err)
	}
	return n > 0, nil
}
