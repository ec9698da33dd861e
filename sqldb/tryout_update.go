package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"basketball"
)

// CreateTryoutAudited is CreateTryout with the staff action written to the
// audit log in the same transaction.
func (db *DB) CreateTryoutAudited(ctx context.Context, clubSlug string, in basketball.TryoutInput, audit basketball.AuditEntry) (basketball.Tryout, error) {
	var t basketball.Tryout
	err := db.tx(ctx, func(tx *sql.Tx) (err error) {
		if t, err = db.createTryout(ctx, tx, clubSlug, in); err != nil {
			return err
		}
		audit.Target = t.ID
		return db.addAudit(ctx, tx, t.ClubID, audit, db.Now())
	})
	return t, err
}

// UpdateTryout applies staff's changes to a tryout of the club, in one
// transaction with what they bring:
//   - more capacity (or none) frees seats: seatsFreed is announced;
//   - less capacity than the seats taken is refused (EInvalid);
//   - a new time or location counts a change and records one
//     tryout_changed notification per paid registration (dedupe key
//     the change counter, the calendar event's SEQUENCE; data the old and
//     new time and place);
//   - the audit entry, with what changed (audit.Detail is prefixed).
//
// A patch that changes nothing writes nothing. Another club's tryout is
// ETryoutNotFound.
func (db *DB) UpdateTryout(ctx context.Context, clubSlug, id string, p basketball.TryoutPatch, audit basketball.AuditEntry) (basketball.Tryout, error) {
	var out basketball.Tryout
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		old, err := db.tryout(ctx, tx, clubSlug, id)
		if err != nil {
			return err
		}
		if db.engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM tryouts WHERE id = $1 FOR UPDATE`, id); err != nil {
				return fmt.Errorf("lock tryout: %w", err)
			}
			if old, err = db.tryout(ctx, tx, clubSlug, id); err != nil {
				return err
			}
		}
		in, changes, err := p.Apply(old, now)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			out = old
			return nil
		}
		if in.Capacity != nil && (old.Capacity == nil || *in.Capacity < *old.Capacity) {
			// Lapsed holds do not count against the new capacity.
			if _, err := db.sweepTryout(ctx, tx, id, now); err != nil {
				return err
			}
			var held int
			if err := tx.QueryRowContext(ctx, `SELECT seats_held FROM tryouts WHERE id = $1`, id).Scan(&held); err != nil {
				return fmt.Errorf("seats held: %w", err)
			}
			if *in.Capacity < held {
				return basketball.FieldErrors(map[string]string{
					"capacity": fmt.Sprintf("must be at least %d: that many seats are taken (paid, or held for a payment)", held)})
			}
		}
		moved := basketball.TimeOrPlaceChanged(old, in)
		bump := 0
		if moved {
			bump = 1
		}
		_, err = tx.ExecContext(ctx, `UPDATE tryouts SET name = $1, starts_at = $2, ends_at = $3, location = $4, fee_cents = $5,
			capacity = $6, open = $7, min_age = $8, max_age = $9, age_on = $10, change_count = change_count + $11 WHERE id = $12`,
			in.Name, db.ts(in.StartsAt.Truncate(time.Second)), db.ts(in.EndsAt.Truncate(time.Second)), in.Location, in.FeeCents,
			in.Capacity, in.Open, in.MinAge, in.MaxAge, in.AgeOn, bump, id)
		if err != nil {
			return fmt.Errorf("update tryout: %w", err)
		}
		if old.Capacity != nil && (in.Capacity == nil || *in.Capacity > *old.Capacity) {
			if err := db.seatsFreed(ctx, tx, id, "capacity_raised", now); err != nil {
				return err
			}
		}
		if out, err = db.tryout(ctx, tx, clubSlug, id); err != nil {
			return err
		}
		if moved {
			n, err := db.tellPaidParents(ctx, tx, old, out)
			if err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("%d paid parents told", n))
		}
		audit.Target = id
		audit.Detail = strings.Join(changes, "; ")
		return db.addAudit(ctx, tx, out.ClubID, audit, now)
	})
	return out, err
}

// tellPaidParents records a tryout_changed notification for every paid
// registration of the tryout, keyed by the tryout's change count (the
// updated calendar event's SEQUENCE), and
// returns how many.
func (db *DB) tellPaidParents(ctx context.Context, tx *sql.Tx, old, now basketball.Tryout) (int, error) {
	var change int
	if err := tx.QueryRowContext(ctx, `SELECT change_count FROM tryouts WHERE id = $1`, old.ID).Scan(&change); err != nil {
		return 0, fmt.Errorf("change count: %w", err)
	}
	data, err := json.Marshal(basketball.TryoutChange{
		OldStartsAt: old.StartsAt.UTC(), OldEndsAt: old.EndsAt.UTC(), OldLocation: old.Location,
		NewStartsAt: now.StartsAt.UTC(), NewEndsAt: now.EndsAt.UTC(), NewLocation: now.Location,
	})
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM registrations WHERE tryout_id = $1 AND status = $2 ORDER BY created_at, id`,
		old.ID, basketball.StatusPaid)
	if err != nil {
		return 0, fmt.Errorf("paid registrations: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return 0, err
	}
	key := strconv.Itoa(change) // the calendar event's SEQUENCE
	for _, id := range ids {
		if _, err := db.notifyTx(ctx, tx, id, basketball.NotifyTryoutChanged, key, string(data)); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
