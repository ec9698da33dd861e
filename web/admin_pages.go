package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sync"
	"time"

	"basketball"
	"basketball/staff"
)

// adminTemplates are the admin pages, each parsed with admin_layout.html.
var adminTemplates = sync.OnceValue(func() map[string]*template.Template {
	funcs := template.FuncMap{
		"amount": basketball.FormatAmount,
		"utc":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	out := map[string]*template.Template{}
	for _, name := range []string{"admin_home", "admin_dashboard", "admin_registrations", "admin_registration", "admin_cancel",
		"admin_markpaid", "admin_tryout", "admin_promos", "admin_audit", "admin_message"} {
		out[name] = template.Must(template.New(name+".html").Funcs(funcs).ParseFS(templateFS,
			"templates/admin_layout.html", "templates/"+name+".html"))
	}
	return out
})

// adminPage is what the admin layout needs: who is signed in, the club
// (zero on /admin) and which section the page belongs to, and a message.
type adminPage struct {
	Title    string
	Staff    basketball.Staff
	Club     basketball.Club
	Section  string
	Notice   string // what the last action did
	Error    string
	TestMode bool
}

func (s *Server) adminPageOf(r *http.Request, title, section string, club basketball.Club) adminPage {
	st, _ := staff.FromContext(r.Context())
	return adminPage{Title: title, Staff: st, Club: club, Section: section, TestMode: s.cfg.TestMode, Notice: doneText[r.URL.Query().Get("done")]}
}

// doneText says what an action did, by the ?done= key its redirect
// carries (a fixed set: nothing the client sends is echoed).
var doneText = map[string]string{
	"canceled":       "The registration was canceled. The parent gets an email.",
	"refunded":       "The payment was refunded in full and the registration canceled. The parent gets an email.",
	"marked_paid":    "The registration is marked paid. The parent gets the confirmation.",
	"resent":         "The confirmation is on its way again (without a password).",
	"tryout_created": "The tryout was created.",
	"tryout_updated": "The tryout was saved.",
	"promo_created":  "The promo code was created.",
	"promo_disabled": "The promo code is disabled: registrations no longer take it.",
	"promo_enabled":  "The promo code is enabled again.",
}

// renderAdmin renders an admin page like render does, letting the
// sign-out form continue to the identity provider.
func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, name string, status int, data any) {
	t := adminTemplates()[name]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name+".html", data); err != nil {
		s.log(r).Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	formAction := "'self'"
	if u, err := url.Parse(s.cfg.StaffIssuer); err == nil && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action "+formAction)
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// adminError shows an error as an admin page with a link back.
func (s *Server) adminError(w http.ResponseWriter, r *http.Request, club basketball.Club, err error, back string) {
	status := HTTPStatus(err)
	s.logFailure(r, err, status, "admin page failed")
	d := struct {
		adminPage
		Message, Back string
	}{s.adminPageOf(r, http.StatusText(status), "", club), basketball.ErrorMessage(err), back}
	s.renderAdmin(w, r, "admin_message", status, d)
}

// adminClub loads the club of the path, or answers the error page.
func (s *Server) adminClub(w http.ResponseWriter, r *http.Request) (basketball.Club, bool) {
	club, err := s.admin.Club(r.Context(), r.PathValue("club"))
	if err != nil {
		s.adminError(w, r, basketball.Club{}, err, "/admin")
		return club, false
	}
	return club, true
}

// parseAdminForm reads a posted form, answering the error page when it
// cannot.
func (s *Server) parseAdminForm(w http.ResponseWriter, r *http.Request, club basketball.Club) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		e := basketball.Errorf(basketball.EInvalid, "the form could not be read")
		if errors.As(err, &tooBig) {
			e = basketball.Errorf(basketball.EBodyTooLarge, "the form was too large to accept")
		}
		s.adminError(w, r, club, e, "/admin/clubs/"+url.PathEscape(club.Slug))
		return false
	}
	return true
}

// clubPath is the admin path of a club, plus more.
func clubPath(slug string, more ...string) string {
	p := "/admin/clubs/" + url.PathEscape(slug)
	for _, m := range more {
		p += "/" + url.PathEscape(m)
	}
	return p
}

// adminHome lists the clubs the staff may manage; with one, it goes there.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	st, _ := staff.FromContext(r.Context())
	clubs, err := s.admin.Clubs(r.Context(), st)
	if err != nil {
		s.adminError(w, r, basketball.Club{}, err, "/")
		return
	}
	if len(clubs) == 1 {
		http.Redirect(w, r, clubPath(clubs[0].Slug), http.StatusSeeOther)
		return
	}
	s.renderAdmin(w, r, "admin_home", http.StatusOK, struct {
		adminPage
		Clubs []basketball.Club
	}{s.adminPageOf(r, "Admin", "", basketball.Club{}), clubs})
}

// dashboardRow is a tryout on the club's dashboard.
type dashboardRow struct {
	ID, Name, When, Location, SeatsLeft, Revenue, State string
	Paid, Pending                                       int
}

func (s *Server) adminDashboard(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	stats, err := s.admin.Dashboard(r.Context(), club.Slug)
	if err != nil {
		s.adminError(w, r, club, err, "/admin")
		return
	}
	now := s.admin.Now()
	rows := make([]dashboardRow, len(stats))
	for i, t := range stats {
		row := dashboardRow{ID: t.ID, Name: t.Name, When: when(t.Tryout), Location: t.Location, Paid: t.Paid, Pending: t.Pending,
			Revenue: basketball.FormatAmount(t.RevenueCents, t.Currency), SeatsLeft: "no limit", State: "open"}
		if t.SeatsLeft != nil {
			row.SeatsLeft = fmt.Sprintf("%d of %d", *t.SeatsLeft, *t.Capacity)
		}
		switch {
		case !now.Before(t.StartsAt):
			row.State = "started"
		case !t.Open:
			row.State = "closed"
		}
		rows[i] = row
	}
	s.renderAdmin(w, r, "admin_dashboard", http.StatusOK, struct {
		adminPage
		Tryouts []dashboardRow
	}{s.adminPageOf(r, club.Name+" – dashboard", "dashboard", club), rows})
}

func (s *Server) adminCSS(w http.ResponseWriter, r *http.Request) {
	b, err := templateFS.ReadFile("templates/admin.css")
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
