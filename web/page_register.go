package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"basketball"
)

// formValues are the registration form's fields, as the parent typed them.
type formValues struct {
	TryoutID, PromoCode                                           string
	ParentFirstName, ParentLastName, ParentEmail, ParentPhone     string
	PlayerFirstName, PlayerLastName, PlayerBirthDate, PlayerGrade string
	PlayerPosition, PlayerHeightInches                            string
}

func (f formValues) value(name string) string {
	switch name {
	case "parent_first_name":
		return f.ParentFirstName
	case "parent_last_name":
		return f.ParentLastName
	case "parent_email":
		return f.ParentEmail
	case "parent_phone":
		return f.ParentPhone
	case "player_first_name":
		return f.PlayerFirstName
	case "player_last_name":
		return f.PlayerLastName
	case "player_birth_date":
		return f.PlayerBirthDate
	case "player_grade":
		return f.PlayerGrade
	case "player_height_inches":
		return f.PlayerHeightInches
	case "promo_code":
		return f.PromoCode
	}
	return ""
}

func readForm(r *http.Request) formValues {
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return formValues{
		TryoutID: g("tryout_id"), PromoCode: g("promo_code"),
		ParentFirstName: g("parent_first_name"), ParentLastName: g("parent_last_name"),
		ParentEmail: g("parent_email"), ParentPhone: g("parent_phone"),
		PlayerFirstName: g("player_first_name"), PlayerLastName: g("player_last_name"),
		PlayerBirthDate: g("player_birth_date"), PlayerGrade: g("player_grade"),
		PlayerPosition: g("player_position"), PlayerHeightInches: g("player_height_inches"),
	}
}

// request turns the form into the API's request; numbers that do not parse
// are reported as field errors like any other.
func (f formValues) request() (basketball.RegistrationRequest, map[string]string) {
	errs := map[string]string{}
	num := func(field, v string) *int {
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = "must be a whole number"
			return nil
		}
		return &n
	}
	req := basketball.RegistrationRequest{
		TryoutID:  f.TryoutID,
		PromoCode: f.PromoCode,
		Parent:    basketball.ParentInput{FirstName: f.ParentFirstName, LastName: f.ParentLastName, Email: f.ParentEmail, Phone: f.ParentPhone},
		Player: basketball.PlayerInput{FirstName: f.PlayerFirstName, LastName: f.PlayerLastName, BirthDate: f.PlayerBirthDate,
			Grade: num("player_grade", f.PlayerGrade), Position: f.PlayerPosition, HeightInches: num("player_height_inches", f.PlayerHeightInches)},
	}
	return req, errs
}

type tryoutView struct {
	ID, Name, When, Location, Fee, SeatsLeft string
	Full                                     bool
}

type registerData struct {
	page
	Club    basketball.Club
	Tryouts []tryoutView
	// Open counts the tryouts a parent can choose (not full); without
	// one, the form shows no fields.
	Open int
	// CardOff: card payment is not configured on this server; free
	// tryouts and promo codes that cover the fee still work.
	CardOff bool
	Form    formValues
	Errors  map[string]string
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	s.showRegisterForm(w, r, http.StatusOK, formValues{}, nil, "")
}

func (s *Server) showRegisterForm(w http.ResponseWriter, r *http.Request, status int, form formValues, errs map[string]string, msg string) {
	slug := r.PathValue("club")
	club, err := s.svc.Club(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	list, err := s.svc.Tryouts(r.Context(), slug, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := registerData{page: page{Title: "Register – " + club.Name, TestMode: s.cfg.TestMode, Message: msg},
		Club: club, Form: form, Errors: errs, CardOff: !s.svc.CardPayments()}
	only := ""
	for _, t := range list {
		v := tryoutView{ID: t.ID, Name: t.Name, When: when(t), Location: t.Location, Fee: basketball.FormatAmount(t.FeeCents, t.Currency)}
		if t.FeeCents == 0 {
			v.Fee = "free"
		}
		if t.SeatsLeft != nil {
			v.Full = *t.SeatsLeft == 0
			v.SeatsLeft = fmt.Sprintf("%d seats left", *t.SeatsLeft)
			if *t.SeatsLeft == 1 {
				v.SeatsLeft = "1 seat left"
			}
			if v.Full {
				v.SeatsLeft = "full: no seats left"
			}
		}
		if !v.Full {
			d.Open++
			only = v.ID
		}
		d.Tryouts = append(d.Tryouts, v)
	}
	// A single tryout that can be chosen is chosen for the parent.
	if d.Form.TryoutID == "" && d.Open == 1 {
		d.Form.TryoutID = only
	}
	s.render(w, r, s.pages.register, status, d)
}

func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderMessage(w, r, http.StatusRequestEntityTooLarge, "Too large", "The form was too large to accept.")
			return
		}
		s.renderMessage(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return
	}
	form := readForm(r)
	req, errs := form.request()
	s.checkForm(r.Context(), r.PathValue("club"), &req, errs)
	if len(errs) > 0 {
		s.showRegisterForm(w, r, http.StatusUnprocessableEntity, form, errs, "Please correct the fields marked below.")
		return
	}
	res, err := s.svc.Register(r.Context(), r.PathValue("club"), req)
	if err == nil {
		to := res.CheckoutURL
		if res.Registration.Status == basketball.StatusPaid {
			to = "/registrations/" + res.Registration.ID
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	e, _ := asError(err)
	switch basketball.ErrorCode(err) {
	case basketball.EInvalid:
		errs := map[string]string{}
		for k, v := range e.Fields {
			errs[strings.ReplaceAll(k, ".", "_")] = v
		}
		s.showRegisterForm(w, r, http.StatusUnprocessableEntity, form, errs, "Please correct the fields marked below.")
	case basketball.EInvalidPromo:
		s.showRegisterForm(w, r, http.StatusUnprocessableEntity, form, map[string]string{"promo_code": e.Message}, "Please check the promo code.")
	case basketball.ETryoutNotFound:
		s.showRegisterForm(w, r, http.StatusUnprocessableEntity, form, map[string]string{"tryout_id": "Choose one of the tryouts."}, "Please choose a tryout.")
	case basketball.EAlreadyRegistered:
		if e.RegistrationID != "" {
			// Not paid yet: the parent probably came back to pay.
			http.Redirect(w, r, "/registrations/"+e.RegistrationID+"?already=1", http.StatusSeeOther)
			return
		}
		s.showRegisterForm(w, r, HTTPStatus(err), form, map[string]string{"tryout_id": e.Message}, e.Message)
	case basketball.EPaymentsNotConfigured:
		msg := "This tryout has a fee, and card payment is not available on this site right now. A promo code that covers the whole fee still works."
		s.showRegisterForm(w, r, HTTPStatus(err), form, map[string]string{"tryout_id": msg}, msg)
	case basketball.ETryoutFull, basketball.ERegistrationClosed:
		s.showRegisterForm(w, r, HTTPStatus(err), form, map[string]string{"tryout_id": e.Message}, e.Message)
	case basketball.EPaymentUnavailable:
		http.Redirect(w, r, "/registrations/"+e.RegistrationID+"?payment=unavailable", http.StatusSeeOther)
	default:
		s.renderError(w, r, err)
	}
}
