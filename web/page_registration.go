package web

import (
	"net/http"

	"basketball"
)

type registrationData struct {
	page
	Reg    basketball.Registration
	Tryout basketball.Tryout
	// StatusText is the status in a few words, as the parent should read
	// it now; State picks the explanation the templates show.
	StatusText string
	State      string
	When       string
	Amount     string
	HoldUntil  string // when a pending registration's seat hold ends, in the tryout's zone
	// CanPay offers Pay now: only when paying can work. NoPayReason says
	// why it is not offered, when that is worth saying.
	CanPay      bool
	NoPayReason string
}

// Registration page states, one per thing the parent must be told.
const (
	stateUnpaid     = "unpaid"     // pending, the parent has not come back from a checkout
	stateConfirming = "confirming" // pending, back from the checkout: the payment is being confirmed
	stateProcessing = "processing" // pending, a bank payment is being settled
	statePaid       = "paid"
	stateExpired    = "expired"
	stateFailed     = "failed"
	stateRefunded   = "refunded"
	stateCanceled   = "canceled"
)

var statusText = map[string]string{
	stateUnpaid:     "Not paid yet",
	stateConfirming: "Confirming payment",
	stateProcessing: "Payment processing",
	statePaid:       "Paid",
	stateExpired:    "Expired",
	stateFailed:     "Payment failed",
	stateRefunded:   "Refunded",
	stateCanceled:   "Canceled",
}

// registrationState says what is true of a registration for its parent.
// returned is set when the parent has just come back from a checkout
// that reported success (Stripe's success_url carries the session id).
func registrationState(reg basketball.Registration, returned bool) string {
	switch reg.Status {
	case basketball.StatusPending:
		switch {
		case reg.AwaitingAsyncPayment:
			return stateProcessing
		case returned:
			return stateConfirming
		}
		return stateUnpaid
	case basketball.StatusPaid:
		return statePaid
	case basketball.StatusExpired:
		return stateExpired
	case basketball.StatusPaymentFailed:
		return stateFailed
	case basketball.StatusRefunded:
		return stateRefunded
	}
	return stateCanceled
}

func (s *Server) registrationData(r *http.Request) (registrationData, error) {
	// Back from Stripe's checkout (its success URL carries the session):
	// the service confirms the payment with Stripe first.
	reg, err := s.svc.ConfirmReturn(r.Context(), r.PathValue("id"), r.URL.Query().Get("session_id"))
	if err != nil {
		return registrationData{}, err
	}
	t, err := s.svc.Tryout(r.Context(), reg.ClubSlug, reg.TryoutID)
	if err != nil {
		return registrationData{}, err
	}
	sid := r.URL.Query().Get("session_id")
	state := registrationState(reg, sid != "" && sid == reg.StripeCheckoutSessionID)
	d := registrationData{
		page: page{Title: "Registration – " + reg.PlayerFirstName, TestMode: s.cfg.TestMode},
		Reg:  reg, Tryout: t, State: state, StatusText: statusText[state], When: when(t),
		Amount: basketball.FormatAmount(reg.AmountCents, reg.Currency),
	}
	if state == stateUnpaid {
		d.HoldUntil = reg.HoldUntil.In(t.Loc()).Format("3:04 PM MST on January 2")
	}
	d.CanPay, d.NoPayReason, err = s.canPay(r, reg, t, state)
	return d, err
}

// canPay decides whether Pay now can work (the service checks what the
// checkout will), so a page never offers a button that then fails.
func (s *Server) canPay(r *http.Request, reg basketball.Registration, t basketball.Tryout, state string) (bool, string, error) {
	if reg.Method != basketball.MethodCard || (state != stateUnpaid && state != stateExpired) {
		return false, "", nil
	}
	reason, err := s.svc.PayBlocker(r.Context(), reg, t)
	return reason == "" && err == nil, reason, err
}

func (s *Server) registrationPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.registrationData(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// Refresh only while something is about to change by itself.
	switch {
	case d.State == stateConfirming:
		d.Refresh = 3
	case d.State == statePaid && d.Reg.ConfirmationSentAt == nil:
		d.Refresh = 5
	}
	if r.URL.Query().Get("already") != "" {
		d.Message = "This player is already registered for this tryout."
		if d.CanPay {
			d.Message += " It is not paid yet: you can pay below."
		}
	}
	if r.URL.Query().Get("payment") == "unavailable" {
		d.Message = "The payment provider did not answer. Your registration is saved; please try paying again."
		d.Refresh = 0
	}
	s.render(w, r, s.pages.registration, http.StatusOK, d)
}

func (s *Server) canceledPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.registrationData(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Title = map[string]string{
		statePaid: "Already paid", stateRefunded: "Refunded", stateFailed: "Payment failed",
		stateCanceled: "Registration canceled", stateProcessing: "Payment processing",
	}[d.State]
	if d.Title == "" {
		d.Title = "Payment canceled"
	}
	s.render(w, r, s.pages.canceled, http.StatusOK, d)
}

// payAgain sends the parent to the registration's checkout, opening a new
// one when the last has closed.
func (s *Server) payAgain(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	url, err := s.svc.CheckoutURL(r.Context(), id)
	switch basketball.ErrorCode(err) {
	case "":
		http.Redirect(w, r, url, http.StatusSeeOther)
	case basketball.EPaymentUnavailable:
		http.Redirect(w, r, "/registrations/"+id+"?payment=unavailable", http.StatusSeeOther)
	default:
		s.renderError(w, r, err)
	}
}
