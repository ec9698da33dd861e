package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"basketball"
)

// statusIn renders "status IN ('a', 'b')" for a column from the domain's
// status constants, so SQL never spells a status list of its own.
func statusIn(col string, statuses []string) string {
	q := make([]string, len(statuses))
	for i, s := range statuses {
		q[i] = "'" + s + "'"
	}
	return col + " IN (" + strings.Join(q, ", ") + ")"
}

// holdsSeat is the SQL form of basketball.HoldsSeat for registrations r.
var holdsSeat = statusIn("r.status", basketball.SeatHoldingStatuses())

// assign is one more column a transition sets, as "col = expr" where expr
// uses ? for the value (COALESCE(?, col) keeps a value Stripe did not send).
type assign struct {
	col, expr string
	val       any
}

func set(col string, val any) assign  { return assign{col, "?", val} }
func keep(col string, val any) assign { return assign{col, "COALESCE(?, " + col + ")", val} }

// transition applies the state machine to a registration read with its row
// locked: the trigger moves it from its status to the next (the domain's
// table decides), taking or freeing its seat and promo code use as the two
// statuses require, in the caller's transaction. Every status change of a
// registration goes through here. A pair the state machine does not list
// changes nothing and is reported with OutcomeIgnoredStatus.
//
// A transition that takes a seat fails with ETryoutFull when none is free
// (unless the row allows going over) and with EInvalidPromo when the
// registration's promo code has no use left.
func (db *DB) transition(ctx context.Context, tx *sql.Tx, r basketball.Registration, trigger string, now time.Time, more ...assign) (basketball.Transition, error) {
	t, ok := basketball.Next(r.Status, trigger)
	if !ok {
		return basketball.Transition{From: r.Status, Trigger: trigger, To: r.Status, Outcome: basketball.OutcomeIgnoredStatus}, nil
	}
	if t.TakesSeat() {
		if err := db.takePlace(ctx, tx, r.TryoutID, r.PromoCodeID, t.OverCapacity, now); err != nil {
			return t, err
		}
	}
	if t.From != t.To || len(more) > 0 {
		cols := append([]assign{set("status", t.To), set("updated_at", db.ts(now))}, more...)
		var b strings.Builder
		args := make([]any, 0, len(cols)+2)
		b.WriteString("UPDATE registrations SET ")
		for i, a := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, a.val)
			fmt.Fprintf(&b, "%s = %s", a.col, strings.Replace(a.expr, "?", fmt.Sprintf("$%d", len(args)), 1))
		}
		args = append(args, r.ID, t.From)
		fmt.Fprintf(&b, " WHERE id = $%d AND status = $%d", len(args)-1, len(args))
		res, err := tx.ExecContext(ctx, b.String(), args...)
		if err != nil {
			return t, fmt.Errorf("%s registration: %w", trigger, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// The caller read the row locked; this is a bug, not a race.
			return t, fmt.Errorf("%s registration %s: status is no longer %s", trigger, r.ID, t.From)
		}
	}
	if t.FreesSeat() {
		if err := db.freePlace(ctx, tx, r.TryoutID, r.PromoCodeID, trigger, now); err != nil {
			return t, err
		}
	}
	return t, nil
}
