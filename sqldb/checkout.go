package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"basketball"
)

// CheckoutReuseMargin is how long a checkout session must still be open to
// be handed out again rather than replaced.
const CheckoutReuseMargin = 5 * time.Minute

// BeginCheckout prepares a payment attempt for a pending card registration.
// When its checkout session is still open for a while, it returns the
// registration with reuse true and the session's URL in CheckoutURL.
// Otherwise it counts a new attempt (CheckoutAttempts is its number, part of
// the Stripe idempotency key) and the caller creates a session and calls
// AttachCheckout. A registration that cannot be paid is ENotPayable; one
// whose seat hold lapsed becomes expired.
func (db *DB) BeginCheckout(ctx context.Context, id string) (reg basketball.Registration, reuse bool, err error) {
	lapsed := false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		r, err := db.registration(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if r.Status != basketball.StatusPending || r.Method != basketball.MethodCard {
			return basketball.Errorf(basketball.ENotPayable, "registration is %s; only a pending card registration can be paid", r.Status)
		}
		if !r.HoldUntil.After(now) {
			lapsed = true
			return db.endPending(ctx, tx, id, basketball.StatusExpired, now)
		}
		if r.StripeCheckoutSessionID != "" && r.CheckoutURL != "" && r.CheckoutExpiresAt != nil &&
			r.CheckoutExpiresAt.After(now.Add(CheckoutReuseMargin)) {
			reg, reuse = r, true
			return nil
		}
		r.CheckoutAttempts++
		_, err = tx.ExecContext(ctx, `UPDATE registrations SET checkout_attempts = $1, updated_at = $2 WHERE id = $3`,
			r.CheckoutAttempts, db.ts(now), id)
		if err != nil {
			return fmt.Errorf("count checkout attempt: %w", err)
		}
		reg = r
		return nil
	})
	if err == nil && lapsed {
		err = basketball.Errorf(basketball.ENotPayable, "the seat hold of this registration has lapsed; please register again")
	}
	return reg, reuse, err
}

// AttachCheckout stores the session created for attempt, and moves the
// registration's seat hold to the session's expiry. A session of an
// attempt that is no longer the latest, or for a registration no longer
// pending, is not stored.
func (db *DB) AttachCheckout(ctx context.Context, id string, attempt int, sessionID, url string, expiresAt time.Time) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE registrations SET stripe_checkout_session_id = $1, checkout_url = $2,
			checkout_expires_at = $3, hold_until = $4, updated_at = $5
		WHERE id = $6 AND status = 'pending' AND checkout_attempts = $7`,
		sessionID, url, db.ts(expiresAt), db.ts(expiresAt.Add(CheckoutReuseMargin)), db.ts(db.Now()), id, attempt)
	if err != nil {
		return fmt.Errorf("attach checkout session: %w", err)
	}
	return nil
}
