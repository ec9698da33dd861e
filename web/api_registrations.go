package web

import (
	"errors"
	"net/http"

	"basketball"
)

// accountView is the login of a free registration's answer: the one place
// a password goes out over HTTP (basketball.Account redacts its own JSON).
// Password is null when the account has none yet (ACCOUNT_DELIVERY=invite:
// Keycloak emails the parent a link to choose it).
type accountView struct {
	Email    string  `json:"email"`
	Password *string `json:"password"`
}

func (s *Server) createRegistration(w http.ResponseWriter, r *http.Request) {
	var req basketball.RegistrationRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.svc.Register(r.Context(), r.PathValue("club"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	reg := res.Registration
	if reg.Status == basketball.StatusPaid {
		var acct *accountView
		if res.Account != nil {
			acct = &accountView{Email: res.Account.Email}
			if res.Account.Password != "" {
				acct.Password = &res.Account.Password
			}
		}
		writeJSON(w, http.StatusCreated, struct {
			RegistrationID string       `json:"registration_id"`
			Status         string       `json:"status"`
			AmountCents    int64        `json:"amount_cents"`
			Currency       string       `json:"currency"`
			Account        *accountView `json:"account"`
		}{reg.ID, reg.Status, reg.AmountCents, reg.Currency, acct})
		return
	}
	// A card registration has no account field in the contract.
	writeJSON(w, http.StatusCreated, struct {
		RegistrationID string `json:"registration_id"`
		Status         string `json:"status"`
		AmountCents    int64  `json:"amount_cents"`
		Currency       string `json:"currency"`
		CheckoutURL    string `json:"checkout_url"`
	}{reg.ID, reg.Status, reg.AmountCents, reg.Currency, res.CheckoutURL})
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
	url, err := s.svc.CheckoutURL(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"checkout_url": url})
}

type registrationView struct {
	RegistrationID  string `json:"registration_id"`
	Status          string `json:"status"`
	PlayerFirstName string `json:"player_first_name"`
	TryoutName      string `json:"tryout_name"`
}

func (s *Server) getRegistration(w http.ResponseWriter, r *http.Request) {
	// With ?session_id=cs_… (a client back from Stripe's checkout) the
	// service confirms the payment with Stripe first.
	reg, err := s.svc.ConfirmReturn(r.Context(), r.PathValue("id"), r.URL.Query().Get("session_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, registrationView{reg.ID, reg.Status, reg.PlayerFirstName, reg.TryoutName})
}
