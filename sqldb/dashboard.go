package sqldb

import (
	"context"
	"fmt"

	"basketball"
)

// TryoutStats returns the club's tryouts in start order, each with its
// paid and pending registrations (pending with a live hold), seats left,
// and what the paid ones paid.
func (db *DB) TryoutStats(ctx context.Context, clubSlug string) ([]basketball.TryoutStats, error) {
	club, err := clubBySlug(ctx, db.sql, clubSlug)
	if err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+tryoutCols+`,
		(SELECT count(*) FROM registrations r WHERE r.tryout_id = t.id AND r.status = $3),
		(SELECT count(*) FROM registrations r WHERE r.tryout_id = t.id AND r.status = $4 AND r.hold_until > $1),
		(SELECT CAST(COALESCE(sum(COALESCE(r.amount_paid_cents, r.amount_cents)), 0) AS BIGINT) FROM registrations r
			WHERE r.tryout_id = t.id AND r.status = $3)
		FROM tryouts t WHERE t.club_id = $2 ORDER BY t.starts_at, t.id`,
		db.ts(db.Now()), club.ID, basketball.StatusPaid, basketball.StatusPending)
	if err != nil {
		return nil, fmt.Errorf("tryout stats: %w", err)
	}
	defer rows.Close()
	out := []basketball.TryoutStats{}
	for rows.Next() {
		var s basketball.TryoutStats
		t, err := scanTryout(withExtra{rows, []any{&s.Paid, &s.Pending, &s.RevenueCents}})
		if err != nil {
			return nil, err
		}
		s.Tryout = t
		out = append(out, s)
	}
	return out, rows.Err()
}
