package sqldb

import (
	"context"
	"database/sql"

	"basketball"
)

// Cancel applies a staff trigger that needs nothing from Stripe (cancel
// without refund) to a registration: the state machine decides, a pair it
// does not list is EInvalidState and changes nothing.
func (db *DB) Cancel(ctx context.Context, id string) (basketball.Transition, error) {
	var t basketball.Transition
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.registration(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if _, ok := basketball.Next(r.Status, basketball.TriggerCanceled); !ok {
			return basketball.Errorf(basketball.EInvalidState, "a %s registration cannot be canceled", r.Status)
		}
		t, err = db.transition(ctx, tx, r, basketball.TriggerCanceled, db.Now())
		return err
	})
	return t, err
}
