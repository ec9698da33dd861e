package registration

import (
	"context"
	"errors"
	"time"

	"basketball"
)

// Registered is the outcome of a registration: the stored registration,
// and either the checkout URL to pay it or, for a free one, the login the
// inline step made (nil when none was made here).
type Registered struct {
	Registration basketball.Registration
	CheckoutURL  string
	Account      *basketball.Account
}

// Register stores a parent's registration of a player, then finishes a free
// one (its post-payment step runs inline, briefly) or opens its Checkout
// Session. When Stripe fails, the error is EPaymentUnavailable with the
// registration's id: it stays pending and can be paid later.
func (s *Service) Register(ctx context.Context, club string, req basketball.RegistrationRequest) (Registered, error) {
	if err := s.Check(ctx, club, req); err != nil {
		return Registered{}, err
	}
	reg, err := s.store.CreateRegistration(ctx, club, req, basketball.CreateOptions{
		CardEnabled: s.payments != nil, JobDelay: s.cfg.PromoJobDelay,
	})
	if err != nil {
		return Registered{}, err
	}
	res := Registered{Registration: reg}
	if reg.Status == basketball.StatusPaid {
		res.Account = s.inlinePostPayment(ctx, reg.ID)
		return res, nil
	}
	res.CheckoutURL, err = s.openCheckout(ctx, reg)
	return res, err
}

// inlinePostPayment runs the post-payment step of a free registration
// within the request, briefly. If it fails or is slow, the job enqueued
// with the registration finishes the work and the email carries the login.
func (s *Service) inlinePostPayment(ctx context.Context, id string) *basketball.Account {
	if s.postPayment == nil {
		return nil
	}
	type result struct {
		basketball.PostPaymentResult
		err error
	}
	done := make(chan result, 1)
	// The step runs on with its own timeouts if it outlasts the bound;
	// Close waits for it.
	s.inline.Add(1)
	go func() {
		defer s.inline.Done()
		res, err := s.postPayment(context.WithoutCancel(ctx), id)
		done <- result{res, err}
	}()
	timer := time.NewTimer(s.cfg.InlinePostPayment)
	defer timer.Stop()
	select {
	case res := <-done:
		if res.err != nil {
			s.logger.Warn("inline post-payment step failed; the job will retry", "registration_id", id, "err", res.err)
			return nil
		}
		return res.Account
	case <-timer.C:
		s.logger.Warn("inline post-payment step is slow; the job will finish it", "registration_id", id)
		return nil
	}
}

func asError(err error, e **basketball.Error) bool { return errors.As(err, e) }
