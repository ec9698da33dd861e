package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"basketball"
)

// Kinds of adjustment kept for a payment intent not yet known.
const (
	adjustRefund      = "refund"
	adjustDisputeLost = "dispute_lost"
)

// adjustmentTrigger is what each kept adjustment does once applied.
var adjustmentTrigger = map[string]string{
	adjustRefund:      basketball.TriggerRefunded,
	adjustDisputeLost: basketball.TriggerDisputeLost,
}

// holdAdjustment keeps a full refund or a lost dispute whose payment intent
// no registration has yet: Stripe may deliver it before the payment. It is
// applied when a registration is paid by that payment intent.
func (db *DB) holdAdjustment(ctx context.Context, tx *sql.Tx, ev basketball.PaymentEvent, kind string, now time.Time) (outcome, regID, detail string, err error) {
	_, err = tx.ExecContext(ctx, `INSERT INTO payment_adjustments (event_id, payment_intent_id, kind, received_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING`, ev.ID, ev.PaymentIntentID, kind, db.ts(now))
	if err != nil {
		return "", "", "", fmt.Errorf("keep %s for later: %w", kind, err)
	}
	return basketball.OutcomeHeldForPayment, "", kind + " kept for payment_intent=" + ev.PaymentIntentID, nil
}

// applyHeldAdjustments applies the refunds and lost disputes kept for the
// payment intent that just paid registration r, in that transaction. It
// returns r as it then is.
func (db *DB) applyHeldAdjustments(ctx context.Context, tx *sql.Tx, regID, pi string, now time.Time) error {
	if pi == "" {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT event_id, kind FROM payment_adjustments
		WHERE payment_intent_id = $1 AND applied_at IS NULL ORDER BY received_at, event_id`, pi)
	if err != nil {
		return fmt.Errorf("find kept adjustments: %w", err)
	}
	type adjustment struct{ eventID, kind string }
	var held []adjustment
	for rows.Next() {
		var a adjustment
		if err := rows.Scan(&a.eventID, &a.kind); err != nil {
			rows.Close()
			return err
		}
		held = append(held, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range held {
		r, err := db.registration(ctx, tx, regID, true)
		if err != nil {
			return err
		}
		t, err := db.transition(ctx, tx, r, adjustmentTrigger[a.kind], now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_adjustments SET applied_at = $1, registration_id = $2 WHERE event_id = $3`,
			db.ts(now), regID, a.eventID); err != nil {
			return fmt.Errorf("mark adjustment applied: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stripe_events SET registration_id = $1,
			detail = $2 WHERE id = $3`, regID, "applied when the payment arrived: "+t.Outcome, a.eventID); err != nil {
			return fmt.Errorf("record adjustment outcome: %w", err)
		}
	}
	return nil
}

// applyDispute records a dispute on the registration its payment intent
// paid: opened (a WARN for staff), won, or lost (the bank took the money
// back: the registration becomes refunded).
func (db *DB) applyDispute(ctx context.Context, tx *sql.Tx, ev basketball.PaymentEvent, now time.Time) (outcome, regID, detail string, err error) {
	if ev.Malformed != "" {
		return basketball.OutcomeMalformed, "", ev.Malformed, nil
	}
	lost := ev.Type == basketball.EventChargeDisputeClosed && ev.DisputeStatus == "lost"
	if ev.PaymentIntentID == "" {
		return basketball.OutcomeUnknownPayIntent, "", "dispute has no payment_intent", nil
	}
	r, err := db.registrationByPaymentIntent(ctx, tx, ev.PaymentIntentID)
	if basketball.ErrorCode(err) == basketball.ERegistrationNotFound {
		if lost {
			return db.holdAdjustment(ctx, tx, ev, adjustDisputeLost, now)
		}
		return basketball.OutcomeUnknownPayIntent, "", "payment_intent=" + ev.PaymentIntentID, nil
	}
	if err != nil {
		return "", "", "", err
	}
	detail = "dispute " + ev.DisputeStatus
	switch {
	case ev.Type == basketball.EventChargeDisputeCreated:
		return basketball.OutcomeDisputeCreated, r.ID, detail, nil
	case ev.DisputeStatus == "won":
		return basketball.OutcomeDisputeWon, r.ID, detail, nil
	case !lost:
		return basketball.OutcomeDisputeClosed, r.ID, detail, nil
	}
	t, err := db.transition(ctx, tx, r, basketball.TriggerDisputeLost, now)
	if err != nil {
		return "", "", "", err
	}
	return t.Outcome, r.ID, detail, nil
}
