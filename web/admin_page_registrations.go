package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"basketball"
)

// regRow is a registration in the admin table.
type regRow struct {
	ID, Created, Player, Parent, Tryout, Status, Amount string
	Duplicate                                           bool
}

func (s *Server) adminRegistrationsPage(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := basketball.RegistrationFilter{Status: q.Get("status"), TryoutID: q.Get("tryout_id"), Q: q.Get("q"), Cursor: q.Get("cursor")}
	tryouts, err := s.admin.Dashboard(r.Context(), club.Slug)
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug))
		return
	}
	d := struct {
		adminPage
		Filter              basketball.RegistrationFilter
		Statuses            []string
		Tryouts             []basketball.TryoutStats
		Rows                []regRow
		NextURL, FirstURL   string
		CSVURL              string
		Filtered, Continued bool
	}{adminPage: s.adminPageOf(r, club.Name+" – registrations", "registrations", club), Filter: f,
		Statuses: basketball.Statuses, Tryouts: tryouts, Continued: f.Cursor != ""}
	filter := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "tryout_id": f.TryoutID, "q": f.Q} {
		if v != "" {
			filter.Set(k, v)
			d.Filtered = true
		}
	}
	base := clubPath(club.Slug, "registrations")
	d.FirstURL = base + "?" + filter.Encode()
	d.CSVURL = "/api/v1/admin/clubs/" + url.PathEscape(club.Slug) + "/registrations.csv?" + filter.Encode()
	page, err := s.admin.Registrations(r.Context(), club.Slug, f)
	status := http.StatusOK
	if err != nil {
		if basketball.ErrorCode(err) != basketball.EInvalid {
			s.adminError(w, r, club, err, clubPath(club.Slug))
			return
		}
		d.Error, status = "Some filters are not valid: "+fieldList(err)+".", http.StatusUnprocessableEntity
	}
	for _, reg := range page.Items {
		loc := basketball.Tryout{TimeZone: reg.TryoutTimeZone}.Loc()
		amount := basketball.FormatAmount(reg.AmountCents, reg.Currency)
		if reg.AmountPaidCents != nil && reg.Status == basketball.StatusPaid {
			amount = basketball.FormatAmount(*reg.AmountPaidCents, reg.Currency) + " paid"
		}
		d.Rows = append(d.Rows, regRow{ID: reg.ID, Created: reg.CreatedAt.In(loc).Format("Jan 2, 3:04 PM MST"),
			Player: reg.PlayerFirstName + " " + reg.PlayerLastName, Parent: reg.ParentEmail, Tryout: reg.TryoutName,
			Status: reg.Status, Amount: amount, Duplicate: reg.PossibleDuplicate})
	}
	if page.Next != "" {
		next := url.Values{}
		for k, v := range filter {
			next[k] = v
		}
		next.Set("cursor", page.Next)
		d.NextURL = base + "?" + next.Encode()
	}
	s.renderAdmin(w, r, "admin_registrations", status, d)
}

// fieldList names an EInvalid error's fields and messages.
func fieldList(err error) string {
	e, _ := asError(err)
	var parts []string
	for k, v := range e.Fields {
		parts = append(parts, k+" "+v)
	}
	if len(parts) == 0 {
		return e.Message
	}
	return strings.Join(parts, "; ")
}

// registrationPageData is a registration's admin page and its action
// pages.
type registrationPageData struct {
	adminPage
	Reg      basketball.Registration
	Tryout   basketball.Tryout
	Timeline []timelineRow
	Due      string
	Paid     string
	When     string
	// What staff may do now.
	CanCancel, CanRefund, CanMarkPaid, CanResend bool
	// Action pages: the refund asked for, and the form's values.
	Refund       bool
	Reason, Note string
	Method       string
}

type timelineRow struct {
	At, Kind, Detail string
}

// registrationPage loads a registration of the club for its pages.
func (s *Server) adminRegistrationData(w http.ResponseWriter, r *http.Request, section string) (registrationPageData, bool) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return registrationPageData{}, false
	}
	reg, timeline, err := s.admin.Registration(r.Context(), club.Slug, r.PathValue("id"))
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug, "registrations"))
		return registrationPageData{}, false
	}
	t, err := s.admin.Tryout(r.Context(), club.Slug, reg.TryoutID)
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug, "registrations"))
		return registrationPageData{}, false
	}
	d := registrationPageData{adminPage: s.adminPageOf(r, reg.PlayerFirstName+" "+reg.PlayerLastName+" – "+club.Name, section, club),
		Reg: reg, Tryout: t, When: when(t), Due: basketball.FormatAmount(reg.AmountCents, reg.Currency)}
	if reg.AmountPaidCents != nil {
		d.Paid = basketball.FormatAmount(*reg.AmountPaidCents, reg.Currency)
	}
	loc := t.Loc()
	for _, e := range timeline {
		d.Timeline = append(d.Timeline, timelineRow{At: e.At.In(loc).Format("Jan 2, 2006 3:04:05 PM MST"), Kind: e.Kind, Detail: e.Detail})
	}
	switch reg.Status {
	case basketball.StatusPending:
		d.CanCancel, d.CanMarkPaid = true, !reg.AwaitingAsyncPayment
	case basketball.StatusExpired:
		d.CanMarkPaid = true
	case basketball.StatusPaid:
		d.CanCancel, d.CanResend = true, true
		d.CanRefund = reg.Method == basketball.MethodCard && reg.StripePaymentIntentID != ""
	}
	return d, true
}

func (s *Server) adminRegistrationPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.adminRegistrationData(w, r, "registrations"); ok {
		s.renderAdmin(w, r, "admin_registration", http.StatusOK, d)
	}
}

// adminCancelPage asks to confirm a cancellation (?refund=1: with refund).
func (s *Server) adminCancelPage(w http.ResponseWriter, r *http.Request) {
	d, ok := s.adminRegistrationData(w, r, "registrations")
	if !ok {
		return
	}
	d.Refund = r.URL.Query().Get("refund") == "1" || d.Reg.Status == basketball.StatusPending
	d.Title = "Cancel the registration?"
	s.renderAdmin(w, r, "admin_cancel", http.StatusOK, d)
}

func (s *Server) adminCancelSubmit(w http.ResponseWriter, r *http.Request) {
	d, ok := s.adminRegistrationData(w, r, "registrations")
	if !ok || !s.parseAdminForm(w, r, d.Club) {
		return
	}
	req := basketball.CancelRequest{Refund: r.PostFormValue("refund") == "1", Reason: r.PostFormValue("reason")}
	reg, err := s.admin.Cancel(r.Context(), actor(r), d.Club.Slug, d.Reg.ID, req)
	if err != nil {
		status := HTTPStatus(err)
		s.logFailure(r, err, status, "cancel failed")
		d.Title, d.Refund, d.Reason, d.Error = "Cancel the registration?", req.Refund, req.Reason, basketball.ErrorMessage(err)
		s.renderAdmin(w, r, "admin_cancel", status, d)
		return
	}
	done := "canceled"
	if reg.Status == basketball.StatusRefunded {
		done = "refunded"
	}
	http.Redirect(w, r, clubPath(d.Club.Slug, "registrations", reg.ID)+"?done="+done, http.StatusSeeOther)
}

func (s *Server) adminMarkPaidPage(w http.ResponseWriter, r *http.Request) {
	d, ok := s.adminRegistrationData(w, r, "registrations")
	if !ok {
		return
	}
	d.Title, d.Method = "Mark the registration paid?", basketball.OfflineCash
	s.renderAdmin(w, r, "admin_markpaid", http.StatusOK, d)
}

func (s *Server) adminMarkPaidSubmit(w http.ResponseWriter, r *http.Request) {
	d, ok := s.adminRegistrationData(w, r, "registrations")
	if !ok || !s.parseAdminForm(w, r, d.Club) {
		return
	}
	req := basketball.MarkPaidRequest{Method: r.PostFormValue("method"), Note: r.PostFormValue("note")}
	reg, err := s.admin.MarkPaid(r.Context(), actor(r), d.Club.Slug, d.Reg.ID, req)
	if err != nil {
		status := HTTPStatus(err)
		s.logFailure(r, err, status, "mark paid failed")
		d.Title, d.Method, d.Note, d.Error = "Mark the registration paid?", req.Method, req.Note, basketball.ErrorMessage(err)
		if basketball.ErrorCode(err) == basketball.EInvalid {
			d.Error = "Please correct: " + fieldList(err) + "."
		}
		s.renderAdmin(w, r, "admin_markpaid", status, d)
		return
	}
	http.Redirect(w, r, clubPath(d.Club.Slug, "registrations", reg.ID)+"?done=marked_paid", http.StatusSeeOther)
}

func (s *Server) adminResendSubmit(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if _, err := s.admin.ResendConfirmation(r.Context(), actor(r), club.Slug, id); err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug, "registrations", id))
		return
	}
	http.Redirect(w, r, clubPath(club.Slug, "registrations", id)+"?done=resent", http.StatusSeeOther)
}

// inZone formats t in a tryout's zone for a datetime-local input.
func inZone(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if t.Second() != 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format("2006-01-02T15:04")
}
