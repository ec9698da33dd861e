// Package web is basketball-api's HTTP side: the JSON API, the Stripe
// webhook and the server-rendered pages, on the standard library's
// ServeMux. Handlers decode, call the registration service, and render;
// they never talk to Stripe, Keycloak or SMTP themselves.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"basketball"
	"basketball/registration"
	"basketball/staff"
)

// Config holds the server's settings.
type Config struct {
	WebhookSecret      string
	RateLimitPerMinute int
	TrustProxy         bool
	TestMode           bool   // the offline test checkout is active: pages say so
	HomeClub           string // when set, the root page links this club's form (the demo's club)
	// NoMetrics turns /metrics off here (404): METRICS_ADDR serves
	// MetricsHandler on an address of its own instead.
	NoMetrics          bool
	AdditionalHandlers map[string]http.Handler
	// DemoStaff mounts the demo's one-time staff sign-in link
	// (/admin/demo-login); only the demo sets it.
	DemoStaff bool
	// StaffIssuer is the OIDC issuer staff sign in at: the admin pages
	// let their sign-out form go there.
	StaffIssuer string
}

// Server serves the HTTP API and pages.
type Server struct {
	cfg     Config
	svc     *registration.Service
	admin   *registration.Admin
	staff   *staff.Auth
	logger  *slog.Logger
	metrics *Metrics
	limiter *rateLimiter
	pages   *pages
	handler http.Handler
}

// Deps are the server's collaborators. Metrics may be nil (the server
// makes its own); pass the ones the service observes into to see both.
type Deps struct {
	Service *registration.Service
	Logger  *slog.Logger
	Metrics *Metrics
	// Staff and Admin turn the admin area on (/admin, /api/v1/admin);
	// without them every path of it answers 404.
	Staff *staff.Auth
	Admin *registration.Admin
}

// NewServer builds the server and its routes.
func NewServer(cfg Config, d Deps) *Server {
	s := &Server{cfg: cfg, svc: d.Service, logger: d.Logger, metrics: d.Metrics, staff: d.Staff, admin: d.Admin}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	s.limiter = newRateLimiter(s.cfg.RateLimitPerMinute)
	s.pages = mustParsePages()
	s.handler = s.routes()
	return s
}

// Metrics returns the server's metrics, which jobs also count into.
func (s *Server) Metrics() *Metrics { return s.metrics }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	api := func(h http.HandlerFunc) http.HandlerFunc { return limitBody(MaxBodyBytes, h) }

	mux.api("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.api("GET /readyz", s.readyz)
	if !s.cfg.NoMetrics {
		mux.api("GET /metrics", MetricsHandler(s.metrics).ServeHTTP)
	}

	mux.api("GET /api/v1/clubs/{club}/tryouts", s.listTryouts)
	mux.api("POST /api/v1/clubs/{club}/registrations", s.limited(api(s.createRegistration)))
	mux.api("POST /api/v1/registrations/{id}/checkout", s.limited(api(s.retryCheckout)))
	mux.api("GET /api/v1/registrations/{id}", s.getRegistration)
	mux.api("POST /webhooks/stripe", limitBody(MaxWebhookBytes, s.stripeWebhook))

	// Pages. Form posts are guarded against cross-site submission. Pages
	// answer every error as a page, the API as JSON.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderMessage(w, r, http.StatusForbidden, "Form refused",
			"This form was sent from another site, so it was not accepted. Open the form on this site and send it again.")
	}))
	guard := func(h http.HandlerFunc) http.Handler {
		return cop.Handler(s.limitedPage(s.limitPageBody(MaxBodyBytes, h)))
	}
	mux.page("GET /clubs/{club}/register", http.HandlerFunc(s.registerPage))
	mux.page("POST /clubs/{club}/register", guard(s.registerSubmit))
	mux.page("GET /registrations/{id}", http.HandlerFunc(s.registrationPage))
	mux.page("GET /registrations/{id}/canceled", http.HandlerFunc(s.canceledPage))
	mux.page("GET /registrations/{id}/calendar.ics", http.HandlerFunc(s.calendarICS))
	mux.page("POST /registrations/{id}/pay", guard(s.payAgain))
	mux.HandleFunc("GET /static/style.css", s.styleCSS)
	if s.staff != nil && s.admin != nil {
		s.adminRoutes(mux)
	}
	mux.HandleFunc("GET /{$}", s.homePage)
	// Every known path asked with another method answers 405, in the JSON
	// shape for the API and as a page for pages (the method-specific
	// patterns are more specific and win).
	for _, p := range mux.apiPaths {
		mux.HandleFunc(p, s.methodNotAllowed)
	}
	for _, p := range mux.pagePaths {
		mux.HandleFunc(p, s.pageMethodNotAllowed)
	}
	for pattern, h := range s.cfg.AdditionalHandlers {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("/", s.notFound)
	return s.observe(mux)
}

// routeMux remembers the paths of the API's and the pages' routes, so that
// each answers 405 for other methods without a list kept by hand.
type routeMux struct {
	*http.ServeMux
	apiPaths, pagePaths []string
}

// api registers a JSON API route ("METHOD /path").
func (m *routeMux) api(pattern string, h http.HandlerFunc) {
	m.HandleFunc(pattern, h)
	m.apiPaths = addPath(m.apiPaths, pattern)
}

// page registers an HTML page route ("METHOD /path").
func (m *routeMux) page(pattern string, h http.Handler) {
	m.Handle(pattern, h)
	m.pagePaths = addPath(m.pagePaths, pattern)
}

func addPath(paths []string, pattern string) []string {
	_, path, _ := strings.Cut(pattern, " ")
	if slices.Contains(paths, path) {
		return paths
	}
	return append(paths, path)
}

// MetricsHandler serves the Prometheus metrics.
func MetricsHandler(m *Metrics) http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// readyz answers 200 only when the database answers and takes writes: a
// replica whose SQLite file was deleted or made read-only must leave the
// load balancer.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	err := s.svc.Ready(ctx)
	switch e, _ := asError(err); {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	case e != nil && e.Code == basketball.EUnavailable:
		// The store logged why at ERROR, once; probes would repeat it.
		msg := "the database cannot take writes"
		if e.Err != nil {
			msg += ": " + e.Err.Error()
		}
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: errorDetail{Code: basketball.EUnavailable, Message: msg}})
	default:
		s.log(r).Warn("database not reachable", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: errorDetail{Code: codeNotReady, Message: "the database is not reachable"}})
	}
}

// methodNotAllowed and notFound echo at most basketball.MaxEcho
// characters of the method and path back.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, basketball.Errorf(basketball.EMethodNotAllowed, "%s is not allowed on %s", basketball.Echo(r.Method), basketball.Echo(r.URL.Path)))
}

func (s *Server) pageMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderMessage(w, r, http.StatusMethodNotAllowed, "Method not allowed", "This page cannot be opened that way.")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, basketball.Errorf(basketball.ENotFound, "no route for %s %s", basketball.Echo(r.Method), basketball.Echo(r.URL.Path)))
}
