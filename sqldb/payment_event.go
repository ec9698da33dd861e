package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"basketball"
)

// ApplyPaymentEvent records a verified Stripe event and applies its effect
// in the same transaction, so each event id takes effect at most once even
// when Stripe delivers it twice at the same moment: the second insert of
// the id waits for the first transaction and then finds the row. Events
// that do not concern a registration of ours are recorded with an outcome
// saying why and change nothing else. It returns the outcome and the
// registration concerned, if any.
func (db *DB) ApplyPaymentEvent(ctx context.Context, ev basketball.PaymentEvent) (outcome, regID string, err error) {
	if ev.ID == "" {
		return "", "", basketball.Errorf(basketball.EInvalid, "event has no id")
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO stripe_events (id, type, outcome, received_at)
			VALUES ($1, $2, 'processing', $3) ON CONFLICT (id) DO NOTHING`, ev.ID, ev.Type, db.ts(now))
		if err != nil {
			return fmt.Errorf("record event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			outcome = basketball.OutcomeDuplicate
			return nil
		}
		var detail string
		outcome, regID, detail, err = db.applyEvent(ctx, tx, ev, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE stripe_events SET outcome = $1, registration_id = $2, detail = $3 WHERE id = $4`,
			outcome, nullable(regID), truncate(detail, 500), ev.ID)
		if err != nil {
			return fmt.Errorf("record event outcome: %w", err)
		}
		return nil
	})
	return outcome, regID, err
}

func (db *DB) applyEvent(ctx context.Context, tx *sql.Tx, ev basketball.PaymentEvent, now time.Time) (outcome, regID, detail string, err error) {
	switch {
	case ev.Type == basketball.EventChargeRefunded:
		return db.applyRefund(ctx, tx, ev, now)
	case ev.IsDispute():
		return db.applyDispute(ctx, tx, ev, now)
	case !ev.IsSessionEvent():
		return basketball.OutcomeIgnoredType, "", "", nil
	}
	trigger, skip, detail := ev.SessionTrigger()
	switch {
	case skip == basketball.OutcomeIgnoredType:
		return skip, "", "", nil
	case ev.Malformed != "":
		return basketball.OutcomeMalformed, "", ev.Malformed, nil
	case ev.MetadataType != basketball.MetadataTypeRegistration:
		return basketball.OutcomeIgnoredMetadata, "", "metadata.type=" + ev.MetadataType, nil
	case ev.RegistrationRef == "":
		return basketball.OutcomeMissingMetadata, "", "no metadata.registration_id", nil
	}
	r, err := db.registration(ctx, tx, ev.RegistrationRef, true)
	if basketball.ErrorCode(err) == basketball.ERegistrationNotFound {
		return basketball.OutcomeUnknownReg, "", "metadata.registration_id=" + ev.RegistrationRef, nil
	}
	if err != nil {
		return "", "", "", err
	}
	if skip != "" {
		return skip, r.ID, detail, nil
	}
	var more []assign
	mismatch := false
	switch trigger {
	case basketball.TriggerPaid:
		// The money is recorded as Stripe reports it; an event without
		// amount_total or currency paid what was due.
		var amount int64
		var currency string
		amount, currency, mismatch = ev.PaymentDue(r.AmountCents, r.Currency)
		if r.Status != basketball.StatusPaid {
			// Whatever the status, the money Stripe took is recorded, so
			// staff can see and refund a payment that came too late.
			more = []assign{keep("stripe_checkout_session_id", nullable(ev.SessionID)),
				keep("stripe_payment_intent_id", nullable(ev.PaymentIntentID)), set("amount_paid_cents", amount),
				set("paid_currency", currency), set("amount_mismatch", mismatch)}
			if t, ok := basketball.Next(r.Status, trigger); ok && t.To == basketball.StatusPaid {
				more = append(more, set("paid_at", db.ts(now)), set("awaiting_async_payment", false))
			}
		}
	case basketball.TriggerAwaitingPayment:
		// The checkout is done and the money on its way (a bank debit):
		// the seat stays held until Stripe says whether it arrived.
		more = []assign{keep("stripe_checkout_session_id", nullable(ev.SessionID)),
			keep("stripe_payment_intent_id", nullable(ev.PaymentIntentID)),
			set("awaiting_async_payment", true), set("hold_until", db.ts(now.Add(AsyncPaymentHold)))}
	case basketball.TriggerExpired:
		if r.Status == basketball.StatusPending && r.CheckoutAttempts > 1 && ev.SessionID != "" &&
			r.StripeCheckoutSessionID != "" && ev.SessionID != r.StripeCheckoutSessionID {
			// An older attempt's session expired, but the parent has a newer
			// checkout, which still holds the seat.
			return basketball.OutcomeStaleSession, r.ID, "session " + ev.SessionID, nil
		}
	}
	t, err := db.transition(ctx, tx, r, trigger, now, more...)
	if err != nil {
		return "", "", "", err
	}
	outcome = t.Outcome
	switch {
	case t.Outcome == basketball.OutcomeAlreadyPaid && samePayment(r, ev):
		outcome = basketball.OutcomeAlreadyConfirmed
	case t.Outcome == basketball.OutcomeIgnoredStatus:
		detail = "status " + r.Status
	case mismatch && t.To == basketball.StatusPaid && t.From != basketball.StatusPaid:
		outcome = basketball.OutcomeAmountMismatch
		detail = fmt.Sprintf("paid %d %s (%s), due %d %s", ev.AmountTotal, ev.Currency, ev.PaymentStatus, r.AmountCents, r.Currency)
	}
	if t.To == basketball.StatusPaid && t.From != basketball.StatusPaid {
		pi := ev.PaymentIntentID
		if pi == "" {
			pi = r.StripePaymentIntentID
		}
		err = db.enterPaid(ctx, tx, r.ID, pi, time.Time{})
	}
	return outcome, r.ID, detail, err
}

// samePayment reports whether ev confirms the payment r already records
// (its session or payment intent) rather than a second one.
func samePayment(r basketball.Registration, ev basketball.PaymentEvent) bool {
	return (ev.SessionID != "" && ev.SessionID == r.StripeCheckoutSessionID) ||
		(ev.PaymentIntentID != "" && ev.PaymentIntentID == r.StripePaymentIntentID)
}

func (db *DB) applyRefund(ctx context.Context, tx *sql.Tx, ev basketball.PaymentEvent, now time.Time) (outcome, regID, detail string, err error) {
	if ev.Malformed != "" {
		return basketball.OutcomeMalformed, "", ev.Malformed, nil
	}
	if !ev.FullyRefunded {
		return basketball.OutcomePartialRefund, "", "", nil
	}
	if ev.PaymentIntentID == "" {
		return basketball.OutcomeUnknownPayIntent, "", "charge has no payment_intent", nil
	}
	r, err := db.registrationByPaymentIntent(ctx, tx, ev.PaymentIntentID)
	if basketball.ErrorCode(err) == basketball.ERegistrationNotFound {
		// Stripe does not guarantee order: the payment may come later.
		return db.holdAdjustment(ctx, tx, ev, adjustRefund, now)
	}
	if err != nil {
		return "", "", "", err
	}
	t, err := db.transition(ctx, tx, r, basketball.TriggerRefunded, now)
	if err != nil {
		return "", "", "", err
	}
	if t.Outcome == basketball.OutcomeIgnoredStatus {
		detail = "status " + r.Status
	}
	return t.Outcome, r.ID, detail, nil
}

// registrationByPaymentIntent returns, locked, the registration Stripe's
// payment intent paid (the latest, should there be several).
func (db *DB) registrationByPaymentIntent(ctx context.Context, tx *sql.Tx, pi string) (basketball.Registration, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM registrations WHERE stripe_payment_intent_id = $1 ORDER BY created_at DESC LIMIT 1`, pi).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return basketball.Registration{}, basketball.Errorf(basketball.ERegistrationNotFound, "no registration paid by %q", pi)
	}
	if err != nil {
		return basketball.Registration{}, fmt.Errorf("find registration by payment intent: %w", err)
	}
	return db.registration(ctx, tx, id, true)
}

// PaymentEventOutcome returns the recorded outcome of an event id, for
// tests and operators.
func (db *DB) PaymentEventOutcome(ctx context.Context, id string) (string, error) {
	var outcome string
	err := db.sql.QueryRowContext(ctx, `SELECT outcome FROM stripe_events WHERE id = $1`, id).Scan(&outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return "", basketball.Errorf(basketball.ENotFound, "no event %q", id)
	}
	return outcome, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
