package sqldb

import (
	"context"
	"fmt"

	"basketball"
)

// ListClubs returns every club of the deployment in slug order.
func (db *DB) ListClubs(ctx context.Context) ([]basketball.Club, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, slug, name, email_from, created_at FROM clubs ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("list clubs: %w", err)
	}
	defer rows.Close()
	out := []basketball.Club{}
	for rows.Next() {
		var c basketball.Club
		var created timeCol
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name, &c.EmailFrom, &created); err != nil {
			return nil, fmt.Errorf("scan club: %w", err)
		}
		c.CreatedAt = created.T
		out = append(out, c)
	}
	return out, rows.Err()
}
