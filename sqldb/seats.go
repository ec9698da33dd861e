package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"basketball"
)

// Seats are counted, not scanned: tryouts.seats_held is the number of the
// tryout's registrations in a seat-holding status, changed only here, in
// the transaction that changes such a status. Taking a seat is one
// conditional UPDATE of that counter, which on PostgreSQL also serialises
// registrations for the last seats of one tryout.

// takePlace takes a seat of the tryout and, when promoID is set, a use of
// the promo code, for a registration entering a seat-holding status. Locks
// are taken in the order tryout, then promo code, everywhere.
func (db *DB) takePlace(ctx context.Context, tx *sql.Tx, tryoutID, promoID string, overCapacity bool, now time.Time) error {
	ok, err := db.takeSeat(ctx, tx, tryoutID, overCapacity)
	if err == nil && !ok {
		// Full: holds that lapsed without word from Stripe still count
		// until swept. Sweep this tryout's now and look again.
		var swept int
		if swept, err = db.sweepTryout(ctx, tx, tryoutID, now); err == nil && swept > 0 {
			ok, err = db.takeSeat(ctx, tx, tryoutID, overCapacity)
		}
	}
	if err != nil {
		return err
	}
	if !ok {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM tryouts WHERE id = $1`, tryoutID).Scan(&name); err != nil {
			return fmt.Errorf("tryout name: %w", err)
		}
		return basketball.Errorf(basketball.ETryoutFull, "%q is full", name)
	}
	if promoID == "" {
		return nil
	}
	if overCapacity {
		// Money already taken: the use is taken back whatever the limit.
		if _, err := tx.ExecContext(ctx, `UPDATE promo_codes SET uses = uses + 1 WHERE id = $1`, promoID); err != nil {
			return fmt.Errorf("retake promo use: %w", err)
		}
		return nil
	}
	ok, err = db.takePromoUse(ctx, tx, promoID, now)
	if err != nil {
		return err
	}
	if !ok {
		return basketball.Errorf(basketball.EInvalidPromo, "the promo code of this registration can no longer be used; please register again")
	}
	return nil
}

// takeSeat counts one more seat held, if one is free (or overCapacity).
func (db *DB) takeSeat(ctx context.Context, tx *sql.Tx, tryoutID string, overCapacity bool) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE tryouts SET seats_held = seats_held + 1
		WHERE id = $1 AND (capacity IS NULL OR seats_held < capacity OR $2)`, tryoutID, overCapacity)
	if err != nil {
		return false, fmt.Errorf("take seat: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// freePlace gives back a registration's seat and promo code use, then
// announces the freed seat.
func (db *DB) freePlace(ctx context.Context, tx *sql.Tx, tryoutID, promoID, reason string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE tryouts SET seats_held = seats_held - 1 WHERE id = $1 AND seats_held > 0`, tryoutID); err != nil {
		return fmt.Errorf("free seat: %w", err)
	}
	if promoID != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE promo_codes SET uses = uses - 1 WHERE id = $1 AND uses > 0`, promoID); err != nil {
			return fmt.Errorf("release promo use: %w", err)
		}
	}
	return db.seatsFreed(ctx, tx, tryoutID, reason, now)
}

// seatsFreed is the one place where a freed seat is announced, in the
// transaction that freed it: a lapsed hold, an expired or failed checkout,
// a cancellation, a refund, or more capacity.
func (db *DB) seatsFreed(ctx context.Context, tx *sql.Tx, tryoutID, reason string, now time.Time) error {
	return nil
}

// sweepTryout expires the tryout's pending registrations whose hold has
// lapsed, freeing their seats, and returns how many it expired.
func (db *DB) sweepTryout(ctx context.Context, tx *sql.Tx, tryoutID string, now time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM registrations
		WHERE tryout_id = $1 AND status = $2 AND hold_until <= $3`, tryoutID, basketball.StatusPending, db.ts(now))
	if err != nil {
		return 0, fmt.Errorf("find lapsed holds: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := db.lapse(ctx, tx, id, now); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// lapse expires one pending registration whose hold has run out.
func (db *DB) lapse(ctx context.Context, tx *sql.Tx, id string, now time.Time) error {
	r, err := db.registration(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if r.Status != basketball.StatusPending || r.HoldUntil.After(now) {
		return nil // paid or held again meanwhile
	}
	_, err = db.transition(ctx, tx, r, basketball.TriggerHoldLapsed, now)
	return err
}

// SweepLapsedHolds expires every pending registration whose seat hold has
// run out (no word from Stripe, an offer not taken up), one transaction
// each, and returns how many it expired. A periodic job runs it, so a seat
// frees on time even when Stripe's expired event never comes.
func (db *DB) SweepLapsedHolds(ctx context.Context) (int, error) {
	now := db.Now()
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM registrations
		WHERE status = $1 AND hold_until <= $2 ORDER BY hold_until LIMIT 500`, basketball.StatusPending, db.ts(now))
	if err != nil {
		return 0, fmt.Errorf("find lapsed holds: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := db.tx(ctx, func(tx *sql.Tx) error { return db.lapse(ctx, tx, id, now) })
		if err != nil {
			return n, fmt.Errorf("sweep %s: %w", id, err)
		}
		n++
	}
	return n, nil
}

func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan id: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SeatMismatch is a tryout or promo code whose counter disagrees with its
// registrations.
type SeatMismatch struct {
	What, ID      string
	Counted, Held int
}

// CheckCounters recounts what the counters keep (seats held per tryout,
// uses per promo code) from the registrations and returns every
// disagreement. Tests run it after every concurrency test; `doctor` runs
// it for operators.
func (db *DB) CheckCounters(ctx context.Context) ([]SeatMismatch, error) {
	var out []SeatMismatch
	for _, q := range []struct{ what, query string }{
		{"tryout", `SELECT t.id, t.seats_held, (SELECT count(*) FROM registrations r WHERE r.tryout_id = t.id AND ` + holdsSeat + `) FROM tryouts t`},
		{"promo code", `SELECT p.id, p.uses, (SELECT count(*) FROM registrations r WHERE r.promo_code_id = p.id AND ` + holdsSeat + `) FROM promo_codes p`},
	} {
		rows, err := db.sql.QueryContext(ctx, q.query)
		if err != nil {
			return nil, fmt.Errorf("recount %s: %w", q.what, err)
		}
		for rows.Next() {
			m := SeatMismatch{What: q.what}
			if err := rows.Scan(&m.ID, &m.Counted, &m.Held); err != nil {
				rows.Close()
				return nil, err
			}
			if m.Counted != m.Held {
				out = append(out, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
