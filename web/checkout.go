package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"basketball"
	"basketball/stripe"
)

// openCheckout creates the Checkout Session for the registration's current
// attempt and stores it. Stripe trouble becomes EPaymentUnavailable with
// the registration id: the registration stays pending and can be retried.
func (s *Server) openCheckout(ctx context.Context, reg basketball.Registration) (string, error) {
	// The parent may give up waiting; the session is still stored so a
	// retry finds it instead of making another.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.CheckoutTimeout)
	defer cancel()
	id := url.PathEscape(reg.ID)
	p := stripe.CheckoutParams{
		RegistrationID: reg.ID,
		PlayerID:       reg.PlayerID,
		PlayerName:     strings.TrimSpace(reg.PlayerFirstName + " " + reg.PlayerLastName),
		Club:           reg.ClubSlug,
		TryoutName:     reg.TryoutName,
		AmountCents:    reg.AmountCents,
		Currency:       reg.Currency,
		CustomerEmail:  reg.ParentEmail,
		SuccessURL:     s.cfg.PublicURL + "/registrations/" + id + "?session_id={CHECKOUT_SESSION_ID}",
		CancelURL:      s.cfg.PublicURL + "/registrations/" + id + "/canceled",
		ExpiresAt:      s.store.Now().Add(s.cfg.CheckoutLifetime),
		IdempotencyKey: fmt.Sprintf("%s-checkout-%d", reg.ID, reg.CheckoutAttempts),
	}
	sess, err := s.checkout.CreateCheckoutSession(ctx, p)
	if err != nil {
		if rerr := s.store.ReleaseCheckout(ctx, reg.ID, reg.CheckoutAttempts); rerr != nil {
			s.logger.Warn("release checkout lease", "registration_id", reg.ID, "err", rerr)
		}
		s.metrics.StripeRequests.WithLabelValues("error").Inc()
		s.logger.Error("create checkout session failed", "registration_id", reg.ID, "attempt", reg.CheckoutAttempts, "err", err)
		return "", &basketball.Error{Code: basketball.EPaymentUnavailable, RegistrationID: reg.ID,
			Message: "the payment provider is unavailable; your registration is saved, please try paying again shortly", Err: err}
	}
	s.metrics.StripeRequests.WithLabelValues("ok").Inc()
	expires := sess.ExpiresAt
	if expires.IsZero() {
		expires = p.ExpiresAt
	}
	if err := s.store.AttachCheckout(ctx, reg.ID, reg.CheckoutAttempts, sess.ID, sess.URL, expires); err != nil {
		return "", err
	}
	return sess.URL, nil
}
