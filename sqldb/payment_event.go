package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"basketball"
)

// Outcomes of a Stripe event, recorded with it and counted in metrics.
const (
	OutcomeDuplicate        = "duplicate"
	OutcomePaid             = "paid"
	OutcomePaidLate         = "paid_late"
	OutcomeAlreadyPaid      = "already_paid"
	OutcomeAwaitingPayment  = "awaiting_async_payment"
	OutcomePaymentFailed    = "payment_failed"
	OutcomeExpired          = "expired"
	OutcomeRefunded         = "refunded"
	OutcomeIgnoredType      = "ignored_type"
	OutcomeIgnoredMetadata  = "ignored_metadata_type"
	OutcomeMissingMetadata  = "missing_metadata"
	OutcomeMalformed        = "malformed"
	OutcomeUnknownReg       = "unknown_registration"
	OutcomeIgnoredStatus    = "ignored_status"
	OutcomeStaleSession     = "stale_session"
	OutcomePartialRefund    = "partial_refund"
	OutcomeUnknownPayIntent = "unknown_payment_intent"
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
			outcome = OutcomeDuplicate
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
	switch ev.Type {
	case basketball.EventCheckoutCompleted, basketball.EventAsyncPaymentSucceeded,
		basketball.EventAsyncPaymentFailed, basketball.EventCheckoutExpired:
	case basketball.EventChargeRefunded:
		return db.applyRefund(ctx, tx, ev, now)
	default:
		return OutcomeIgnoredType, "", "", nil
	}
	if ev.Malformed != "" {
		return OutcomeMalformed, "", ev.Malformed, nil
	}
	if ev.MetadataType != basketball.MetadataTypeRegistration {
		return OutcomeIgnoredMetadata, "", "metadata.type=" + ev.MetadataType, nil
	}
	if ev.RegistrationRef == "" {
		return OutcomeMissingMetadata, "", "no metadata.registration_id", nil
	}
	r, err := db.registration(ctx, tx, ev.RegistrationRef, true)
	if basketball.ErrorCode(err) == basketball.ERegistrationNotFound {
		return OutcomeUnknownReg, "", "metadata.registration_id=" + ev.RegistrationRef, nil
	}
	if err != nil {
		return "", "", "", err
	}
	switch ev.Type {
	case basketball.EventCheckoutCompleted:
		switch ev.PaymentStatus {
		case "paid", "no_payment_required":
			outcome, err = db.markPaid(ctx, tx, r, ev, now)
			return outcome, r.ID, "", err
		case "unpaid":
			if r.Status != basketball.StatusPending {
				return OutcomeIgnoredStatus, r.ID, "status " + r.Status, nil
			}
			// The checkout is done and the money on its way (a bank debit):
			// the seat stays held until Stripe says whether it arrived.
			_, err = tx.ExecContext(ctx, `UPDATE registrations SET stripe_checkout_session_id = COALESCE($1, stripe_checkout_session_id),
				stripe_payment_intent_id = COALESCE($2, stripe_payment_intent_id), awaiting_async_payment = $3,
				hold_until = $4, updated_at = $5 WHERE id = $6`,
				nullable(ev.SessionID), nullable(ev.PaymentIntentID), true, db.ts(now.Add(AsyncPaymentHold)), db.ts(now), r.ID)
			return OutcomeAwaitingPayment, r.ID, "", err
		}
		return OutcomeMalformed, r.ID, "payment_status=" + ev.PaymentStatus, nil
	case basketball.EventAsyncPaymentSucceeded:
		outcome, err = db.markPaid(ctx, tx, r, ev, now)
		return outcome, r.ID, "", err
	case basketball.EventAsyncPaymentFailed:
		if r.Status != basketball.StatusPending {
			return OutcomeIgnoredStatus, r.ID, "status " + r.Status, nil
		}
		return OutcomePaymentFailed, r.ID, "", db.endPending(ctx, tx, r.ID, basketball.StatusPaymentFailed, now)
	default: // expired
		if r.Status != basketball.StatusPending {
			return OutcomeIgnoredStatus, r.ID, "status " + r.Status, nil
		}
		if r.CheckoutAttempts > 1 && ev.SessionID != "" && r.StripeCheckoutSessionID != "" && ev.SessionID != r.StripeCheckoutSessionID {
			// An older attempt's session expired, but the parent has a newer
			// checkout, which still holds the seat.
			return OutcomeStaleSession, r.ID, "session " + ev.SessionID, nil
		}
		return OutcomeExpired, r.ID, "", db.endPending(ctx, tx, r.ID, basketball.StatusExpired, now)
	}
}

// markPaid records a payment and enqueues the post-payment job in the same
// transaction. A payment for an expired or failed registration is still
// recorded: the money was taken.
func (db *DB) markPaid(ctx context.Context, tx *sql.Tx, r basketball.Registration, ev basketball.PaymentEvent, now time.Time) (string, error) {
	outcome := OutcomePaid
	switch r.Status {
	case basketball.StatusPending:
	case basketball.StatusExpired, basketball.StatusPaymentFailed:
		outcome = OutcomePaidLate
		if r.PromoCodeID != "" {
			// endPending gave the use back; the payment takes it again.
			if _, err := tx.ExecContext(ctx, `UPDATE promo_codes SET uses = uses + 1 WHERE id = $1`, r.PromoCodeID); err != nil {
				return "", fmt.Errorf("retake promo use: %w", err)
			}
		}
	case basketball.StatusPaid:
		return OutcomeAlreadyPaid, nil
	default:
		return OutcomeIgnoredStatus, nil
	}
	amount := ev.AmountTotal
	if amount == 0 && ev.PaymentStatus == "paid" {
		// An event without amount_total: what was due is what was paid.
		amount = r.AmountCents
	}
	_, err := tx.ExecContext(ctx, `UPDATE registrations SET status = 'paid', stripe_checkout_session_id = COALESCE($1, stripe_checkout_session_id),
			stripe_payment_intent_id = COALESCE($2, stripe_payment_intent_id), amount_paid_cents = $3, paid_at = $4, updated_at = $4
		WHERE id = $5`, nullable(ev.SessionID), nullable(ev.PaymentIntentID), amount, db.ts(now), r.ID)
	if err != nil {
		return "", fmt.Errorf("mark paid: %w", err)
	}
	return outcome, db.enqueuePostPayment(ctx, tx, r.ID, 0)
}

func (db *DB) applyRefund(ctx context.Context, tx *sql.Tx, ev basketball.PaymentEvent, now time.Time) (outcome, regID, detail string, err error) {
	if ev.Malformed != "" {
		return OutcomeMalformed, "", ev.Malformed, nil
	}
	if !ev.FullyRefunded {
		return OutcomePartialRefund, "", "", nil
	}
	if ev.PaymentIntentID == "" {
		return OutcomeUnknownPayIntent, "", "charge has no payment_intent", nil
	}
	err = tx.QueryRowContext(ctx, `UPDATE registrations SET status = 'refunded', updated_at = $1
		WHERE stripe_payment_intent_id = $2 AND status = 'paid' RETURNING id`, db.ts(now), ev.PaymentIntentID).Scan(&regID)
	if errors.Is(err, sql.ErrNoRows) {
		return OutcomeUnknownPayIntent, "", "payment_intent=" + ev.PaymentIntentID, nil
	}
	if err != nil {
		return "", "", "", fmt.Errorf("mark refunded: %w", err)
	}
	return OutcomeRefunded, regID, "", nil
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
