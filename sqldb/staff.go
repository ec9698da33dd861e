package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"basketball"
)

// StaffLeaseTime bounds how long one staff action may hold a registration
// while it talks to Stripe (two calls of at most 20 s each, and a margin)
// before another may start.
const StaffLeaseTime = 60 * time.Second

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

// ClubRegistration returns a registration of the club. Another club's
// registration is ERegistrationNotFound, worded as for an unknown id.
func (db *DB) ClubRegistration(ctx context.Context, clubSlug, id string) (basketball.Registration, error) {
	return db.clubRegistration(ctx, db.sql, clubSlug, id, false)
}

func (db *DB) clubRegistration(ctx context.Context, q querier, clubSlug, id string, lock bool) (basketball.Registration, error) {
	r, err := db.registration(ctx, q, id, lock)
	if err == nil && r.ClubSlug != clubSlug {
		return basketball.Registration{}, basketball.Errorf(basketball.ERegistrationNotFound, "no registration %q", basketball.Echo(id))
	}
	return r, err
}

// BeginStaffAction takes the staff lease of a club's registration and
// returns it with the registration as it is now. With refund, it counts a
// new refund attempt (its number goes into the Stripe idempotency key).
// basketball.ErrStaffBusy means another staff action holds the lease, or
// a parent's checkout session is being created (its session would escape
// a cancellation): wait and try again.
func (db *DB) BeginStaffAction(ctx context.Context, clubSlug, id string, refund bool) (basketball.Registration, basketball.StaffLease, error) {
	var reg basketball.Registration
	var lease basketball.StaffLease
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		r, err := db.clubRegistration(ctx, tx, clubSlug, id, true)
		if err != nil {
			return err
		}
		var staffLease, checkoutLease timeCol
		var attempts int
		if err := tx.QueryRowContext(ctx, `SELECT staff_lease_until, checkout_lease_until, refund_attempts FROM registrations WHERE id = $1`, id).
			Scan(&staffLease, &checkoutLease, &attempts); err != nil {
			return fmt.Errorf("read staff lease: %w", err)
		}
		if (staffLease.Valid && staffLease.T.After(now)) ||
			(r.Status == basketball.StatusPending && checkoutLease.Valid && checkoutLease.T.After(now)) {
			return basketball.ErrStaffBusy
		}
		if refund {
			attempts++
		}
		lease = basketball.StaffLease{RegistrationID: id, Until: now.Add(StaffLeaseTime).Truncate(time.Microsecond), RefundAttempt: attempts}
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET staff_lease_until = $1, refund_attempts = $2 WHERE id = $3`,
			db.ts(lease.Until), attempts, id); err != nil {
			return fmt.Errorf("take staff lease: %w", err)
		}
		reg = r
		return nil
	})
	return reg, lease, err
}

// EndStaffAction gives the lease back after an action that changed
// nothing (Stripe failed, the state did not allow it). A lease that lapsed
// and was taken by another action is left alone.
func (db *DB) EndStaffAction(ctx context.Context, lease basketball.StaffLease) error {
	_, err := db.exec(ctx, `UPDATE registrations SET staff_lease_until = NULL WHERE id = $1 AND staff_lease_until = $2`,
		lease.RegistrationID, db.ts(lease.Until))
	if err != nil {
		return fmt.Errorf("end staff action: %w", err)
	}
	return nil
}

// FinishCancel records a staff cancellation in one transaction: the state
// machine moves the registration from c.From to canceled (or refunded,
// with the refund), freeing its seat and promo use; the parent's
// cancellation email is stored with its job; the action goes to the audit
// log; the staff lease ends. A registration that left c.From meanwhile is
// EInvalidState and nothing is written — except that a refund whose own
// charge.refunded webhook arrived first finds the registration refunded
// already, and the rest is recorded all the same.
func (db *DB) FinishCancel(ctx context.Context, clubSlug string, c basketball.Cancellation, audit basketball.AuditEntry) (basketball.Registration, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		r, err := db.clubRegistration(ctx, tx, clubSlug, c.RegistrationID, true)
		if err != nil {
			return err
		}
		trigger := basketball.TriggerCanceled
		more := []assign{set("staff_lease_until", nil)}
		if c.Refund != nil {
			trigger = basketball.TriggerRefunded
			more = append(more, keep("stripe_refund_id", nullable(c.Refund.ID)), set("amount_refunded_cents", c.Refund.AmountCents))
		}
		switch {
		case r.Status == c.From:
			t, err := db.transition(ctx, tx, r, trigger, now, more...)
			if err != nil {
				return err
			}
			if t.Outcome == basketball.OutcomeIgnoredStatus {
				return basketball.Errorf(basketball.EInvalidState, "a %s registration cannot be %s", r.Status, trigger)
			}
		case trigger == basketball.TriggerRefunded && r.Status == basketball.StatusRefunded && c.From == basketball.StatusPaid:
			// Our refund's webhook was quicker than this transaction.
			if _, err := tx.ExecContext(ctx, `UPDATE registrations SET staff_lease_until = NULL,
				stripe_refund_id = COALESCE($1, stripe_refund_id), amount_refunded_cents = $2 WHERE id = $3`,
				nullable(c.Refund.ID), c.Refund.AmountCents, r.ID); err != nil {
				return fmt.Errorf("record refund: %w", err)
			}
		default:
			return basketball.Errorf(basketball.EInvalidState, "the registration is %s now, no longer %s; nothing was changed", r.Status, c.From)
		}
		data := basketball.CancellationData{StatusBefore: c.From, Currency: r.Currency}
		if c.Refund != nil {
			data.Refunded, data.RefundCents = true, c.Refund.AmountCents
			if c.Refund.Currency != "" {
				data.Currency = c.Refund.Currency
			}
		}
		b, err := json.Marshal(data)
		if err != nil {
			return err
		}
		if _, err := db.notifyTx(ctx, tx, r.ID, basketball.NotifyCancellation, "", string(b)); err != nil {
			return err
		}
		return db.addAudit(ctx, tx, r.ClubID, audit, now)
	})
	if err != nil {
		return basketball.Registration{}, err
	}
	return db.Registration(ctx, c.RegistrationID)
}
