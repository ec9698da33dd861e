package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"basketball"
)

// CreateClub validates and stores a new club. A taken slug is EConflict.
func (db *DB) CreateClub(ctx context.Context, in basketball.ClubInput) (basketball.Club, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return basketball.Club{}, err
	}
	c := basketball.Club{ID: basketball.NewID("club"), Slug: in.Slug, Name: in.Name, EmailFrom: in.EmailFrom, CreatedAt: db.Now().Truncate(time.Microsecond)}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO clubs (id, slug, name, email_from, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING`,
			c.ID, c.Slug, c.Name, c.EmailFrom, db.ts(c.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert club: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return basketball.Errorf(basketball.EConflict, "a club with slug %q already exists", c.Slug)
		}
		return nil
	})
	return c, err
}

// ClubBySlug returns the club or EClubNotFound.
func (db *DB) ClubBySlug(ctx context.Context, slug string) (basketball.Club, error) {
	return clubBySlug(ctx, db.sql, slug)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func clubBySlug(ctx context.Context, q querier, slug string) (basketball.Club, error) {
	var c basketball.Club
	var created timeCol
	err := q.QueryRowContext(ctx, `SELECT id, slug, name, email_from, created_at FROM clubs WHERE slug = $1`, slug).
		Scan(&c.ID, &c.Slug, &c.Name, &c.EmailFrom, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, basketball.Errorf(basketball.EClubNotFound, "no club %q", basketball.Echo(slug))
	}
	if err != nil {
		return c, fmt.Errorf("club %q: %w", basketball.Echo(slug), err)
	}
	c.CreatedAt = created.T
	return c, nil
}
