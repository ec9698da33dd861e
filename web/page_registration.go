package web

import (
	"net/http"

	"basketball"
)

type registrationData struct {
	page
	Reg        basketball.Registration
	Tryout     basketball.Tryout
	StatusText string
	When       string
	Amount     string
	CanPay     bool
}

var statusText = map[string]string{
	basketball.StatusPending:       "Waiting for payment",
	basketball.StatusPaid:          "Paid",
	basketball.StatusExpired:       "Expired",
	basketball.StatusPaymentFailed: "Payment failed",
	basketball.StatusRefunded:      "Refunded",
	basketball.StatusCanceled:      "Canceled",
}

func (s *Server) registrationData(r *http.Request) (registrationData, error) {
	reg, err := s.svc.Registration(r.Context(), r.PathValue("id"))
	if err != nil {
		return registrationData{}, err
	}
	t, err := s.svc.Tryout(r.Context(), reg.ClubSlug, reg.TryoutID)
	if err != nil {
		return registrationData{}, err
	}
	d := registrationData{
		page: page{Title: "Registration – " + reg.PlayerFirstName, TestMode: s.cfg.TestMode},
		Reg:  reg, Tryout: t, StatusText: statusText[reg.Status], When: when(t),
		Amount: basketball.FormatAmount(reg.AmountCents, reg.Currency),
		// An expired registration can be paid again while its tryout has a
		// seat; the checkout endpoint decides.
		CanPay: (reg.Status == basketball.StatusPending || reg.Status == basketball.StatusExpired) &&
			reg.Method == basketball.MethodCard && s.svc.CardPayments(),
	}
	return d, nil
}

func (s *Server) registrationPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.registrationData(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if d.Reg.Status == basketball.StatusPending {
		d.Refresh = 3
	}
	if d.Reg.Status == basketball.StatusPaid && d.Reg.ConfirmationSentAt == nil {
		d.Refresh = 5
	}
	if r.URL.Query().Get("already") != "" {
		d.Message = "This player is already registered for this tryout. If you have not paid yet, you can pay below."
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
	d.Title = "Payment canceled"
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
