package sqldb

import (
	"context"
	"fmt"
)

// PlayerRegisteredAgain reports whether the player of registration id has
// another registration for the same tryout that holds a seat (paid, or
// pending with a live hold). Paying the first one again is then refused
// (see BeginCheckout), so pages do not offer it.
func (db *DB) PlayerRegisteredAgain(ctx context.Context, id string) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM registrations r JOIN registrations o
			ON o.tryout_id = r.tryout_id AND o.player_id = r.player_id AND o.id <> r.id
		WHERE r.id = $1 AND (o.status = 'paid' OR (o.status = 'pending' AND o.hold_until > $2))`,
		id, db.ts(db.Now())).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("find other registrations: %w", err)
	}
	return n > 0, nil
}
