package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"basketball"
)

//go:embed templates
var templateFS embed.FS

type pages struct {
	register, registration, canceled, message *template.Template
	css                                       []byte
}

// fieldView is one labelled input of the registration form.
type fieldView struct {
	Name, Label, Type, Autocomplete, Value, Error string
}

func mustParsePages() *pages {
	funcs := template.FuncMap{
		"positions": func() []string { return []string{"guard", "forward", "center"} },
		"field": func(d registerData, name, label, typ, auto string) fieldView {
			return fieldView{Name: name, Label: label, Type: typ, Autocomplete: auto, Value: d.Form.value(name), Error: d.Errors[name]}
		},
	}
	parse := func(name string) *template.Template {
		return template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name))
	}
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		panic(err)
	}
	return &pages{
		register: parse("register.html"), registration: parse("registration.html"),
		canceled: parse("canceled.html"), message: parse("message.html"), css: css,
	}
}

// page is what every page's layout needs.
type page struct {
	Title    string
	TestMode bool
	Refresh  int
	Message  string
	// Link, when set, is shown under the message as LinkText.
	Link, LinkText string
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, t *template.Template, status int, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, t.Name(), data); err != nil {
		s.log(r).Error("render page", "page", t.Name(), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self' https://checkout.stripe.com")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderMessage shows a page with a title and a sentence, for errors.
func (s *Server) renderMessage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, s.pages.message, status, page{Title: title, Message: msg, TestMode: s.cfg.TestMode})
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := HTTPStatus(err)
	s.logFailure(r, err, status, "page failed")
	title := http.StatusText(status)
	s.renderMessage(w, r, status, title, basketball.ErrorMessage(err))
}

func (s *Server) styleCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(s.pages.css)
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Tryout registration", TestMode: s.cfg.TestMode,
		Message: "Open your club's registration link, /clubs/<club>/register, to register a player."}
	if c := s.cfg.HomeClub; c != "" {
		p.Message = "Register a player for a tryout:"
		p.Link, p.LinkText = "/clubs/"+url.PathEscape(c)+"/register", "the registration form"
		if club, err := s.svc.Club(r.Context(), c); err == nil {
			p.LinkText = club.Name + " registration form"
		}
	}
	s.render(w, r, s.pages.message, http.StatusOK, p)
}

// when formats a tryout's time span in its own time zone, as parents read
// it: "Saturday, December 12, 2026, 9:00 AM – 11:00 AM CST".
func when(t basketball.Tryout) string {
	loc := t.Loc()
	start, end := t.StartsAt.In(loc), t.EndsAt.In(loc)
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return fmt.Sprintf("%s, %s – %s %s", start.Format("Monday, January 2, 2006"), start.Format("3:04 PM"), end.Format("3:04 PM"), end.Format("MST"))
	}
	return fmt.Sprintf("%s – %s", start.Format("Monday, January 2, 2006, 3:04 PM MST"), end.Format("Monday, January 2, 2006, 3:04 PM MST"))
}
