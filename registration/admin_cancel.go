package registration

import (
	"context"
	"errors"
	"fmt"

	"basketball"
	"basketball/stripe"
)

// PathStaff is the path label of a payment found by a staff action (the
// parent paid just before staff closed the checkout), for metrics.
const PathStaff = "staff"

// SessionCompletedEventID names the payment of a Checkout Session found by
// asking Stripe rather than by an event: every path that learns of it
// this way records it under this id, so it applies once.
func SessionCompletedEventID(sessionID string) string { return "session_completed:" + sessionID }

// Cancel cancels a registration of the club for staff:
//   - pending: its open Checkout Session is expired at Stripe first, so it
//     can no longer be paid; should Stripe say the parent has just paid,
//     that payment is applied first and the registration handled as paid;
//   - paid by card, with req.Refund: refunded in full at Stripe (one
//     refund even when two requests come at once: they share a lease and
//     the idempotency key names the registration and the attempt), then
//     refunded here at once;
//   - paid, without refund: canceled, the money kept;
//   - any other status: EInvalidState.
//
// The seat and promo use are released, the parent gets a cancellation
// email, the action goes to the audit log, all in one transaction. When
// Stripe fails the error is EPaymentUnavailable and nothing changes. A
// request that had to wait for an identical one (a double click) returns
// that one's result.
func (a *Admin) Cancel(ctx context.Context, actor basketball.Actor, club, id string, req basketball.CancelRequest) (basketball.Registration, error) {
	if err := req.Validate(); err != nil {
		return basketball.Registration{}, err
	}
	reg, lease, waited, err := a.begin(ctx, club, id, req.Refund)
	if err != nil {
		return basketball.Registration{}, err
	}
	finished := false
	defer func() {
		if !finished {
			a.end(ctx, lease)
		}
	}()
	if waited && (reg.Status == basketball.StatusCanceled || (req.Refund && reg.Status == basketball.StatusRefunded)) {
		// The click before this one did it.
		return reg, nil
	}
	// Stripe is called past the client's patience: an action that reached
	// Stripe is recorded here too.
	sctx := context.WithoutCancel(ctx)
	var note string
	if reg.Status == basketball.StatusPending {
		var paidNow bool
		if paidNow, note, err = a.closeCheckout(sctx, reg); err != nil {
			return reg, err
		}
		if paidNow {
			if reg, err = a.store.ClubRegistration(ctx, club, id); err != nil {
				return reg, err
			}
		}
	}
	audit := basketball.AuditEntry{Actor: actor, Action: basketball.ActionCancel, Target: id}
	c := basketball.Cancellation{RegistrationID: id, From: reg.Status}
	switch {
	case reg.Status == basketball.StatusPending:
		audit.Detail = withReason("canceled the pending registration; "+note, req.Reason)
	case reg.Status == basketball.StatusPaid && !req.Refund:
		audit.Detail = withReason(fmt.Sprintf("canceled the paid registration without refund (%s kept)", paidAmount(reg)), req.Reason)
	case reg.Status == basketball.StatusPaid:
		if reg.Method != basketball.MethodCard || reg.StripePaymentIntentID == "" {
			return reg, basketball.Errorf(basketball.EInvalidState,
				"only a card payment is refunded here; this one was %s: cancel it without refund and give the money back by hand", reg.Method)
		}
		refund, err := a.refund(sctx, reg, lease.RefundAttempt)
		if err != nil {
			return reg, err
		}
		c.Refund = &refund
		audit.Action = basketball.ActionRefund
		audit.Detail = withReason(fmt.Sprintf("refunded %s in full at Stripe%s and canceled the registration",
			basketball.FormatAmount(refund.AmountCents, refund.Currency), refundRef(refund)), req.Reason)
		if note != "" {
			audit.Detail += "; " + note
		}
	default:
		return reg, basketball.Errorf(basketball.EInvalidState, "a %s registration cannot be canceled", reg.Status)
	}
	out, err := a.store.FinishCancel(ctx, club, c, audit)
	if err != nil {
		if c.Refund != nil {
			// The money went back but the registration still says paid:
			// Stripe's charge.refunded event will make it refunded, and a
			// new attempt finds the payment refunded and finishes.
			a.logger.Error("refund made at Stripe but not recorded", "registration_id", id, "refund_id", c.Refund.ID, "err", err)
		}
		return reg, err
	}
	finished = true
	a.logger.Info("staff canceled a registration", "registration_id", id, "club", club, "from", c.From,
		"refunded", c.Refund != nil, "actor", actor.Subject)
	return out, nil
}

// closeCheckout expires a pending registration's open Checkout Session
// so it can no longer be paid. paidNow reports that the parent had just
// paid it: that payment is applied (as its webhook would) before
// returning. note says what happened, for the audit log.
func (a *Admin) closeCheckout(ctx context.Context, reg basketball.Registration) (paidNow bool, note string, err error) {
	sid := reg.StripeCheckoutSessionID
	switch {
	case reg.AwaitingAsyncPayment:
		return false, "", basketball.Errorf(basketball.EInvalidState,
			"the parent's bank payment is being processed; wait until Stripe settles it, then cancel (and refund) it")
	case sid == "":
		return false, "no checkout session was open", nil
	case a.payments == nil && reg.CheckoutExpiresAt != nil && reg.CheckoutExpiresAt.After(a.Now()):
		return false, "", basketball.Errorf(basketball.EPaymentsNotConfigured,
			"the registration's checkout session %s is still open at Stripe, and card payment is not configured here to close it (set STRIPE_SECRET_KEY); nothing was changed", sid)
	case a.payments == nil:
		return false, "checkout session " + sid + " had expired already", nil
	}
	sess, err := a.payments.ExpireCheckoutSession(ctx, sid, "")
	switch {
	case err == nil:
		return false, "checkout session " + sid + " expired at Stripe", nil
	case errors.Is(err, stripe.ErrNotFound):
		return false, "checkout session " + sid + " is unknown at Stripe", nil
	case !errors.Is(err, stripe.ErrSessionNotOpen):
		return false, "", stripeFailed("the checkout session could not be closed at the payment provider", err)
	case sess.Status == stripe.SessionStatusExpired:
		return false, "checkout session " + sid + " had expired already", nil
	case sess.PaymentStatus == stripe.PaymentStatusUnpaid:
		return false, "", basketball.Errorf(basketball.EInvalidState,
			"the parent has just started a bank payment; wait until Stripe settles it, then cancel (and refund) it")
	}
	// Complete and paid: the parent paid in the last moments.
	ev := stripe.PaymentEvent(sess.CompletedEvent(), nil)
	ev.ID = SessionCompletedEventID(sess.ID)
	if ev.RegistrationRef == "" {
		// The session is the one stored on this registration.
		ev.MetadataType, ev.RegistrationRef = basketball.MetadataTypeRegistration, reg.ID
	}
	outcome, _, err := a.svc.ApplyPaymentEvent(ctx, ev, PathStaff)
	if err != nil {
		return false, "", err
	}
	return true, "the parent had just paid (checkout session " + sid + ", " + outcome + ")", nil
}

// refund refunds a paid card registration in full at Stripe. The
// idempotency key names the registration and this action's attempt, so a
// retry of the same call makes no second refund; a payment found refunded
// already (an earlier attempt whose answer was lost, or the Dashboard)
// counts as refunded.
func (a *Admin) refund(ctx context.Context, reg basketball.Registration, attempt int) (basketball.RefundMade, error) {
	if a.payments == nil {
		return basketball.RefundMade{}, basketball.Errorf(basketball.EPaymentsNotConfigured,
			"card payment is not configured on this server, so nothing can be refunded here; nothing was changed")
	}
	key := fmt.Sprintf("%s-refund-%d", reg.ID, attempt)
	r, err := a.payments.RefundPaymentIntent(ctx, reg.StripePaymentIntentID, key, map[string]string{
		stripe.MetaType: basketball.MetadataTypeRegistration, stripe.MetaRegistrationID: reg.ID, stripe.MetaClub: reg.ClubSlug,
	})
	switch {
	case errors.Is(err, stripe.ErrAlreadyRefunded):
		return basketball.RefundMade{AmountCents: paidCents(reg), Currency: reg.Currency}, nil
	case err != nil:
		return basketball.RefundMade{}, stripeFailed("the refund could not be made at the payment provider", err)
	case r.Status == stripe.RefundStatusFailed || r.Status == stripe.RefundStatusCanceled:
		return basketball.RefundMade{}, stripeFailed("the payment provider did not make the refund",
			fmt.Errorf("refund %s for %s is %s", r.ID, reg.ID, r.Status))
	}
	cur := r.Currency
	if cur == "" {
		cur = reg.Currency
	}
	return basketball.RefundMade{ID: r.ID, AmountCents: r.Amount, Currency: cur}, nil
}

// stripeFailed is EPaymentUnavailable: Stripe failed or refused, and
// nothing was changed here.
func stripeFailed(what string, err error) error {
	return &basketball.Error{Code: basketball.EPaymentUnavailable, Message: what + "; nothing was changed, try again", Err: err}
}

func paidCents(reg basketball.Registration) int64 {
	if reg.AmountPaidCents != nil {
		return *reg.AmountPaidCents
	}
	return reg.AmountCents
}

func paidAmount(reg basketball.Registration) string {
	return basketball.FormatAmount(paidCents(reg), reg.Currency)
}

func refundRef(r basketball.RefundMade) string {
	if r.ID == "" {
		return " (Stripe had refunded it already)"
	}
	return " (" + r.ID + ")"
}

func withReason(detail, reason string) string {
	if reason == "" {
		return detail
	}
	return detail + "; reason: " + reason
}
