package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"basketball"
	"basketball/sqldb"
)

// registrationResult is the 201 answer to a registration.
type registrationResult struct {
	RegistrationID string   `json:"registration_id"`
	Status         string   `json:"status"`
	AmountCents    int64    `json:"amount_cents"`
	Currency       string   `json:"currency"`
	CheckoutURL    string   `json:"checkout_url,omitempty"`
	Account        *Account `json:"account"`
	paid           bool
}

func (s *Server) createRegistration(w http.ResponseWriter, r *http.Request) {
	var req basketball.RegistrationRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.register(r.Context(), r.PathValue("club"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if res.paid {
		writeJSON(w, http.StatusCreated, res)
		return
	}
	// A card registration has no account field in the contract.
	writeJSON(w, http.StatusCreated, struct {
		RegistrationID string `json:"registration_id"`
		Status         string `json:"status"`
		AmountCents    int64  `json:"amount_cents"`
		Currency       string `json:"currency"`
		CheckoutURL    string `json:"checkout_url"`
	}{res.RegistrationID, res.Status, res.AmountCents, res.Currency, res.CheckoutURL})
}

// register is the registration flow shared by the API and the form: store
// the registration, then either finish a free one or open its checkout.
func (s *Server) register(ctx context.Context, club string, req basketball.RegistrationRequest) (registrationResult, error) {
	reg, err := s.store.CreateRegistration(ctx, club, req, sqldb.CreateOptions{
		CardEnabled: s.checkout != nil, JobDelay: s.cfg.PromoJobDelay,
	})
	if err != nil {
		return registrationResult{}, err
	}
	res := registrationResult{RegistrationID: reg.ID, Status: reg.Status, AmountCents: reg.AmountCents, Currency: reg.Currency}
	if reg.Status == basketball.StatusPaid {
		res.paid = true
		res.Account = s.inlinePostPayment(ctx, reg.ID)
		return res, nil
	}
	url, err := s.openCheckout(ctx, reg)
	if err != nil {
		return res, err
	}
	res.CheckoutURL = url
	return res, nil
}

// inlinePostPayment runs the post-payment step of a free registration
// within the request, briefly. If it fails, the job enqueued with the
// registration finishes the work and the email carries the login.
func (s *Server) inlinePostPayment(ctx context.Context, id string) *Account {
	if s.postPayment == nil {
		return nil
	}
	// The step runs on with its own timeouts if it outlasts the bound; the
	// answer then says null and the email carries the login.
	type result struct {
		acct *Account
		err  error
	}
	done := make(chan result, 1)
	go func() {
		acct, err := s.postPayment(context.WithoutCancel(ctx), id)
		done <- result{acct, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			s.logger.Warn("inline post-payment step failed; the job will retry", "registration_id", id, "err", res.err)
			return nil
		}
		return res.acct
	case <-time.After(s.cfg.InlinePostPayment):
		s.logger.Warn("inline post-payment step is slow; the job will finish it", "registration_id", id)
		return nil
	}
}

func (s *Server) retryCheckout(w http.ResponseWriter, r *http.Request) {
	// The endpoint takes no fields; a body, when sent, must be an empty
	// JSON object.
	if r.ContentLength != 0 {
		var none struct{}
		if err := decodeJSON(r, &none); err != nil && !(r.ContentLength < 0 && errors.Is(err, errEmptyBody)) {
			s.writeError(w, r, err)
			return
		}
	}
	url, err := s.checkoutURL(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"checkout_url": url})
}

// checkoutURL returns the open checkout of a pending card registration, or
// opens a new one.
func (s *Server) checkoutURL(ctx context.Context, id string) (string, error) {
	if s.checkout == nil {
		return "", basketball.Errorf(basketball.EPaymentsNotConfigured, "card payment is not configured on this server")
	}
	// A concurrent request (a double click) may be creating the session:
	// wait for it and hand out the same one rather than make another.
	deadline := time.Now().Add(s.cfg.CheckoutTimeout + 5*time.Second)
	reg, reuse, err := s.store.BeginCheckout(ctx, id)
	for errors.Is(err, sqldb.ErrCheckoutBusy) && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		reg, reuse, err = s.store.BeginCheckout(ctx, id)
	}
	if errors.Is(err, sqldb.ErrCheckoutBusy) {
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

type registrationView struct {
	RegistrationID  string `json:"registration_id"`
	Status          string `json:"status"`
	PlayerFirstName string `json:"player_first_name"`
	TryoutName      string `json:"tryout_name"`
}

func (s *Server) getRegistration(w http.ResponseWriter, r *http.Request) {
	reg, err := s.store.Registration(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, registrationView{reg.ID, reg.Status, reg.PlayerFirstName, reg.TryoutName})
}
