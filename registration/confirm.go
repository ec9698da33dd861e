package registration

import (
	"context"
	"iter"

	"basketball"
	"basketball/stripe"
)

// Records is what Stripe knows of our payments: a Checkout Session as it
// is now, and the list of past events. The return page and reconciliation
// read it; nil turns both off.
type Records interface {
	RetrieveCheckoutSession(ctx context.Context, id string) (stripe.CheckoutSession, error)
	ListEvents(ctx context.Context, p stripe.ListEventsParams) iter.Seq2[stripe.Event, error]
}

// ConfirmReturn is the parent's return to Stripe's success URL with
// sessionID. When the registration is pending and the session is its own,
// it asks Stripe for the session (bounded at about 5 s) and, if it is paid,
// applies exactly what checkout.session.completed would, through the
// webhook's code (recorded under SessionCompletedEventID, so a staff
// action that found the same payment applies it once). The query string
// alone never changes anything: only
// Stripe's answer does. Stripe failing leaves the registration as it is
// (the page says the payment is being confirmed). It returns the
// registration as it then is.
func (s *Service) ConfirmReturn(ctx context.Context, regID, sessionID string) (basketball.Registration, error) {
	reg, err := s.store.Registration(ctx, regID)
	if err != nil || s.records == nil || reg.Status != basketball.StatusPending || reg.AwaitingAsyncPayment ||
		sessionID == "" || sessionID != reg.StripeCheckoutSessionID {
		return reg, err
	}
	sess, err := s.records.RetrieveCheckoutSession(ctx, sessionID)
	if err != nil {
		s.logger.Warn("could not confirm a returning parent's payment with Stripe; the webhook or reconciliation will",
			"registration_id", reg.ID, "session_id", sessionID, "err", err)
		return reg, nil
	}
	if sess.Status != stripe.SessionStatusComplete || sess.Metadata[stripe.MetaRegistrationID] != reg.ID {
		return reg, nil // not paid (yet), or not this registration's: nothing to apply
	}
	ev := stripe.PaymentEvent(sess.CompletedEvent(), nil)
	ev.ID = SessionCompletedEventID(sess.ID)
	if _, _, err := s.ApplyPaymentEvent(ctx, ev, basketball.PathReturn); err != nil {
		return reg, err
	}
	return s.store.Registration(ctx, regID)
}
