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

// CheckoutLease bounds how long one request may take to create a session
// before another request may start a new attempt.
const CheckoutLease = 40 * time.Second

// AsyncPaymentHold is how long a registration whose checkout completed
// with a delayed payment method (bank debit) keeps its seat while Stripe
// settles it; async_payment_succeeded or _failed ends the wait.
const AsyncPaymentHold = 30 * 24 * time.Hour

// BeginCheckout prepares a payment attempt for a card registration.
// When its checkout session is still open for a while, it returns the
// registration with reuse true and the session's URL in CheckoutURL.
// Otherwise it counts a new attempt (CheckoutAttempts is its number, part of
// the Stripe idempotency key), takes the checkout lease, and the caller
// creates a session and calls AttachCheckout (or ReleaseCheckout when that
// failed). An expired registration comes back to pending when its tryout
// still has a seat for it. A registration that cannot be paid is
// ENotPayable; basketball.ErrCheckoutBusy means another request holds the
// lease.
func (db *DB) BeginCheckout(ctx context.Context, id string) (reg basketball.Registration, reuse bool, err error) {
	lapsed := false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		r, err := db.registration(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if r.Method != basketball.MethodCard {
			return basketball.Errorf(basketball.ENotPayable, "registration is %s and needs no payment", r.Status)
		}
		var lease, staffLease timeCol
		if err := tx.QueryRowContext(ctx, `SELECT checkout_lease_until, staff_lease_until FROM registrations WHERE id = $1`, id).
			Scan(&lease, &staffLease); err != nil {
			return fmt.Errorf("read checkout lease: %w", err)
		}
		switch {
		case staffLease.Valid && staffLease.T.After(now):
			// Staff are canceling it or marking it paid: a session made
			// now would escape the cancellation.
			return basketball.ErrCheckoutBusy
		case basketball.CanPayAgain(r.Status) && r.Status != basketball.StatusPending:
			if err := db.revive(ctx, tx, r, now); err != nil {
				return err
			}
			r.Status = basketball.StatusPending
		case r.Status != basketball.StatusPending:
			return basketball.Errorf(basketball.ENotPayable, "registration is %s; only a pending card registration can be paid", r.Status)
		case r.AwaitingAsyncPayment:
			return basketball.Errorf(basketball.ENotPayable, "the payment of this registration is being processed")
		case !r.HoldUntil.After(now):
			lapsed = true
			return db.lapse(ctx, tx, id, now)
		case lease.Valid && lease.T.After(now):
			return basketball.ErrCheckoutBusy
		case r.StripeCheckoutSessionID != "" && r.CheckoutURL != "" && r.CheckoutExpiresAt != nil &&
			r.CheckoutExpiresAt.After(now.Add(CheckoutReuseMargin)):
			reg, reuse = r, true
			return nil
		}
		r.CheckoutAttempts++
		_, err = tx.ExecContext(ctx, `UPDATE registrations SET checkout_attempts = $1, checkout_lease_until = $2, updated_at = $3 WHERE id = $4`,
			r.CheckoutAttempts, db.ts(now.Add(CheckoutLease)), db.ts(now), id)
		if err != nil {
			return fmt.Errorf("count checkout attempt: %w", err)
		}
		reg = r
		return nil
	})
	if err == nil && lapsed {
		// The expiry is committed; paying again revives it if a seat is left.
		return db.BeginCheckout(ctx, id)
	}
	return reg, reuse, err
}

// revive brings an expired registration back to pending when the parent
// pays again: the tryout must still take registrations, the player must not
// have registered again meanwhile, and the state machine's seat rule (a
// free seat, and a use left of its promo code) must hold.
func (db *DB) revive(ctx context.Context, tx *sql.Tx, r basketball.Registration, now time.Time) error {
	t, err := db.tryout(ctx, tx, r.ClubSlug, r.TryoutID)
	if err != nil {
		return err
	}
	if !t.AcceptsRegistrations(now) {
		return basketball.Errorf(basketball.ERegistrationClosed, "registration for %q is closed", t.Name)
	}
	again, err := db.registeredAgain(ctx, tx, r.ID, now)
	if err != nil {
		return err
	}
	if again {
		return basketball.Errorf(basketball.ENotPayable, "this player has a newer registration for this tryout")
	}
	_, err = db.transition(ctx, tx, r, basketball.TriggerPayAgain, now, set("hold_until", db.ts(now.Add(InitialHold))))
	return err
}

// AttachCheckout stores the session created for attempt, moves the
// registration's seat hold to the session's expiry and frees the checkout
// lease. A session of an attempt that is no longer the latest, or for a
// registration no longer pending, is not stored. Every session stored is
// also kept in checkout_sessions, for the registration's timeline.
func (db *DB) AttachCheckout(ctx context.Context, id string, attempt int, sessionID, url string, expiresAt time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.ts(db.Now())
		res, err := tx.ExecContext(ctx, `UPDATE registrations SET stripe_checkout_session_id = $1, checkout_url = $2,
				checkout_expires_at = $3, hold_until = $4, checkout_lease_until = NULL, updated_at = $5
			WHERE id = $6 AND status = $7 AND checkout_attempts = $8`,
			sessionID, url, db.ts(expiresAt), db.ts(expiresAt.Add(CheckoutReuseMargin)), now, id, basketball.StatusPending, attempt)
		if err != nil {
			return fmt.Errorf("attach checkout session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO checkout_sessions (id, registration_id, attempt, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, sessionID, id, attempt, now, db.ts(expiresAt))
		if err != nil {
			return fmt.Errorf("record checkout session: %w", err)
		}
		return nil
	})
}

// ReleaseCheckout frees the checkout lease after a failed attempt, so the
// next request may try again at once.
func (db *DB) ReleaseCheckout(ctx context.Context, id string, attempt int) error {
	_, err := db.exec(ctx, `UPDATE registrations SET checkout_lease_until = NULL WHERE id = $1 AND checkout_attempts = $2`, id, attempt)
	if err != nil {
		return fmt.Errorf("release checkout lease: %w", err)
	}
	return nil
}
