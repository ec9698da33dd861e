package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"basketball"
)

// CreateTryout validates and stores a tryout of the club.
func (db *DB) CreateTryout(ctx context.Context, clubSlug string, in basketball.TryoutInput) (basketball.Tryout, error) {
	var t basketball.Tryout
	err := db.tx(ctx, func(tx *sql.Tx) (err error) {
		t, err = db.createTryout(ctx, tx, clubSlug, in)
		return err
	})
	return t, err
}

// createTryout is CreateTryout in the caller's transaction.
func (db *DB) createTryout(ctx context.Context, tx *sql.Tx, clubSlug string, in basketball.TryoutInput) (basketball.Tryout, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return basketball.Tryout{}, err
	}
	club, err := clubBySlug(ctx, tx, clubSlug)
	if err != nil {
		return basketball.Tryout{}, err
	}
	t := basketball.Tryout{
		ID: basketball.NewID("try"), ClubID: club.ID, Name: in.Name,
		StartsAt: in.StartsAt.Truncate(time.Second), EndsAt: in.EndsAt.Truncate(time.Second),
		TimeZone: in.TimeZone, Location: in.Location, FeeCents: in.FeeCents, Currency: in.Currency,
		Capacity: in.Capacity, Open: in.Open, Eligibility: in.Eligibility, CreatedAt: db.Now().Truncate(time.Microsecond),
	}
	t.SeatsLeft = t.Capacity
	_, err = tx.ExecContext(ctx, `INSERT INTO tryouts
		(id, club_id, name, starts_at, ends_at, timezone, location, fee_cents, currency, capacity, open,
		 min_age, max_age, age_on, seats_held, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15)`,
		t.ID, t.ClubID, t.Name, db.ts(t.StartsAt), db.ts(t.EndsAt), t.TimeZone, t.Location,
		t.FeeCents, t.Currency, t.Capacity, t.Open, t.MinAge, t.MaxAge, t.AgeOn, db.ts(t.CreatedAt))
	if err != nil {
		return t, fmt.Errorf("insert tryout: %w", err)
	}
	return t, nil
}

// SetTryoutOpen opens or closes a tryout for registration.
func (db *DB) SetTryoutOpen(ctx context.Context, tryoutID string, open bool) error {
	res, err := db.exec(ctx, `UPDATE tryouts SET open = $1 WHERE id = $2`, open, tryoutID)
	if err != nil {
		return fmt.Errorf("update tryout: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return basketball.Errorf(basketball.ETryoutNotFound, "no tryout %q", basketball.Echo(tryoutID))
	}
	return nil
}

// seatsTaken is what holds a seat: the counter, less the pending holds that
// have lapsed but are not swept yet (an index range, usually empty), so a
// lapsed hold stops counting at once.
const seatsTaken = `t.seats_held - (SELECT count(*) FROM registrations r WHERE r.tryout_id = t.id
	AND r.status = '` + basketball.StatusPending + `' AND r.hold_until <= $1)`

const tryoutCols = `t.id, t.club_id, t.name, t.starts_at, t.ends_at, t.timezone, t.location,
	t.fee_cents, t.currency, t.capacity, t.open, t.min_age, t.max_age, t.age_on, t.created_at, ` + seatsTaken

// ListTryouts returns the club's tryouts in start order with seats left.
// With upcomingOpen, only open tryouts that have not started are listed.
func (db *DB) ListTryouts(ctx context.Context, clubSlug string, upcomingOpen bool) ([]basketball.Tryout, error) {
	club, err := clubBySlug(ctx, db.sql, clubSlug)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	q := `SELECT ` + tryoutCols + ` FROM tryouts t WHERE t.club_id = $2`
	args := []any{db.ts(now), club.ID}
	if upcomingOpen {
		q += ` AND t.open = $3 AND t.starts_at > $1`
		args = append(args, true)
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY t.starts_at, t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tryouts: %w", err)
	}
	defer rows.Close()
	out := []basketball.Tryout{}
	for rows.Next() {
		t, err := scanTryout(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Tryout returns one tryout of the club with seats left, or ETryoutNotFound.
func (db *DB) Tryout(ctx context.Context, clubSlug, tryoutID string) (basketball.Tryout, error) {
	return db.tryout(ctx, db.sql, clubSlug, tryoutID)
}

func (db *DB) tryout(ctx context.Context, q querier, clubSlug, tryoutID string) (basketball.Tryout, error) {
	club, err := clubBySlug(ctx, q, clubSlug)
	if err != nil {
		return basketball.Tryout{}, err
	}
	row := q.QueryRowContext(ctx, `SELECT `+tryoutCols+` FROM tryouts t WHERE t.id = $2 AND t.club_id = $3`,
		db.ts(db.Now()), tryoutID, club.ID)
	t, err := scanTryout(row)
	if errors.Is(err, sql.ErrNoRows) {
		return t, basketball.Errorf(basketball.ETryoutNotFound, "no tryout %q in club %q", basketball.Echo(tryoutID), basketball.Echo(clubSlug))
	}
	return t, err
}

type scanner interface{ Scan(dest ...any) error }

func scanTryout(s scanner) (basketball.Tryout, error) {
	var t basketball.Tryout
	var starts, ends, created timeCol
	var capacity, minAge, maxAge sql.NullInt64
	var ageOn sql.NullString
	var taken int
	err := s.Scan(&t.ID, &t.ClubID, &t.Name, &starts, &ends, &t.TimeZone, &t.Location,
		&t.FeeCents, &t.Currency, &capacity, &t.Open, &minAge, &maxAge, &ageOn, &created, &taken)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return t, err
		}
		return t, fmt.Errorf("scan tryout: %w", err)
	}
	t.StartsAt, t.EndsAt, t.CreatedAt = starts.T, ends.T, created.T
	t.MinAge, t.MaxAge = intPtr(minAge), intPtr(maxAge)
	if ageOn.Valid {
		t.AgeOn = &ageOn.String
	}
	if capacity.Valid {
		c := int(capacity.Int64)
		left := max(c-taken, 0)
		t.Capacity, t.SeatsLeft = &c, &left
	}
	return t, nil
}
