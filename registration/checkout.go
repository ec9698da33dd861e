package registration

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"basketball"
	"basketball/stripe"
)

// CheckoutURL returns the open Checkout Session of a pending card
// registration, or opens a new one (an expired registration comes back to
// pending when a seat is left). Requests that arrive while a session is
// being created (a double click) wait for it and get the same URL.
func (s *Service) CheckoutURL(ctx context.Context, id string) (string, error) {
	if s.payments == nil {
		return "", basketball.Errorf(basketball.EPaymentsNotConfigured, "card payment is not configured on this server")
	}
	deadline := time.Now().Add(s.cfg.CheckoutTimeout + 5*time.Second)
	reg, reuse, err := s.store.BeginCheckout(ctx, id)
	for errors.Is(err, basketball.ErrCheckoutBusy) && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		reg, reuse, err = s.store.BeginCheckout(ctx, id)
	}
	if errors.Is(err, basketball.ErrCheckoutBusy) {
		return "", basketball.Errorf(basketball.ENotPayable, "a payment page is being prepared for this registration; try again in a moment")
	}
	if err != nil {
		return "", err
	}
	if reuse {
		return reg.CheckoutURL, nil
	}
	return s.openCheckout(ctx, reg)
}

// openCheckout creates the Checkout Session for the registration's current
// attempt and stores it. Stripe being unavailable becomes
// EPaymentUnavailable with the registration id (it stays pending and can
// be retried); Stripe refusing our parameters is our own bug, EInternal.
func (s *Service) openCheckout(ctx context.Context, reg basketball.Registration) (string, error) {
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
	sess, err := s.payments.CreateCheckoutSession(ctx, p)
	if err != nil {
		s.observe.CheckoutSession("error")
		if rerr := s.store.ReleaseCheckout(ctx, reg.ID, reg.CheckoutAttempts); rerr != nil {
			s.logger.Warn("release checkout lease", "registration_id", reg.ID, "err", rerr)
		}
		cause := fmt.Errorf("create checkout session for %s (attempt %d): %w", reg.ID, reg.CheckoutAttempts, err)
		if errors.Is(err, stripe.ErrInvalidRequest) {
			return "", &basketball.Error{Code: basketball.EInternal, RegistrationID: reg.ID,
				Message: "the payment page could not be prepared; your registration is saved", Err: cause}
		}
		return "", &basketball.Error{Code: basketball.EPaymentUnavailable, RegistrationID: reg.ID,
			Message: "the payment provider is unavailable; your registration is saved, please try paying again shortly", Err: cause}
	}
	s.observe.CheckoutSession("ok")
	expires := sess.ExpiresAt
	if expires.IsZero() {
		expires = p.ExpiresAt
	}
	if err := s.store.AttachCheckout(ctx, reg.ID, reg.CheckoutAttempts, sess.ID, sess.URL, expires); err != nil {
		return "", err
	}
	return sess.URL, nil
}

// PayBlocker says why paying this registration now cannot work, in words
// for the parent, or "" when the checkout will take it: what BeginCheckout
// checks, asked before a page offers the button. t is its tryout.
func (s *Service) PayBlocker(ctx context.Context, reg basketball.Registration, t basketball.Tryout) (string, error) {
	switch {
	case reg.Method != basketball.MethodCard || !basketball.CanPayAgain(reg.Status):
		return "This registration cannot be paid.", nil
	case s.payments == nil:
		return "Card payment is not available on this site right now.", nil
	case reg.Status == basketball.StatusPending:
		if reg.AwaitingAsyncPayment {
			return "The payment of this registration is being processed.", nil
		}
		return "", nil
	}
	// An expired registration comes back only while its tryout takes
	// registrations, has a seat, and the player has not registered again.
	switch again, err := s.store.PlayerRegisteredAgain(ctx, reg.ID); {
	case err != nil:
		return "", err
	case again:
		return "This player has registered again for this tryout since; that newer registration is the one to pay.", nil
	case !t.AcceptsRegistrations(s.store.Now()):
		return "Registration for this tryout is closed.", nil
	case t.SeatsLeft != nil && *t.SeatsLeft == 0:
		return "The tryout is full now.", nil
	}
	return "", nil
}
