// Package web is basketball-api's HTTP side: the JSON API, the Stripe
// webhook and the server-rendered pages, on the standard library's
// ServeMux. Handlers parse, call the store and the payment provider, and
// respond; they never talk to Keycloak or SMTP, whose work runs in jobs.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"basketball"
	"basketball/sqldb"
	"basketball/stripe"
)

// Store is what the handlers need of the database.
type Store interface {
	Ping(ctx context.Context) error
	Now() time.Time
	ClubBySlug(ctx context.Context, slug string) (basketball.Club, error)
	ListTryouts(ctx context.Context, clubSlug string, upcomingOpen bool) ([]basketball.Tryout, error)
	Tryout(ctx context.Context, clubSlug, tryoutID string) (basketball.Tryout, error)
	CreateRegistration(ctx context.Context, clubSlug string, req basketball.RegistrationRequest, opts sqldb.CreateOptions) (basketball.Registration, error)
	Registration(ctx context.Context, id string) (basketball.Registration, error)
	PlayerRegisteredAgain(ctx context.Context, id string) (bool, error)
	BeginCheckout(ctx context.Context, id string) (basketball.Registration, bool, error)
	AttachCheckout(ctx context.Context, id string, attempt int, sessionID, url string, expiresAt time.Time) error
	ReleaseCheckout(ctx context.Context, id string, attempt int) error
	ApplyPaymentEvent(ctx context.Context, ev basketball.PaymentEvent) (outcome, regID string, err error)
}

// Checkout creates Stripe Checkout Sessions (or, in the offline demo, the
// local test checkout's sessions).
type Checkout interface {
	CreateCheckoutSession(ctx context.Context, p stripe.CheckoutParams) (stripe.Session, error)
}

// Account is the login the inline post-payment step made for a parent.
type Account struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// PostPaymentFunc runs the post-payment step for a free registration within
// the request; it returns the new login, or nil when none was made here.
type PostPaymentFunc func(ctx context.Context, registrationID string) (*Account, error)

// Config holds the server's settings.
type Config struct {
	PublicURL          string
	WebhookSecret      string
	RateLimitPerMinute int
	TrustProxy         bool
	CheckoutTimeout    time.Duration // bound on a Stripe call; default 25s
	CheckoutLifetime   time.Duration // Checkout Session expiry; default 1h
	InlinePostPayment  time.Duration // bound on the promo path's inline step; default 5s
	PromoJobDelay      time.Duration // when the job re-checks a free registration; default 1m
	TestMode           bool          // the offline test checkout is active: pages say so
	HomeClub           string        // when set, the root page links this club's form (the demo's club)
	AdditionalHandlers map[string]http.Handler
}

func (c Config) withDefaults() Config {
	if c.CheckoutTimeout == 0 {
		c.CheckoutTimeout = 25 * time.Second
	}
	if c.CheckoutLifetime == 0 {
		c.CheckoutLifetime = time.Hour
	}
	if c.InlinePostPayment == 0 {
		c.InlinePostPayment = 5 * time.Second
	}
	if c.PromoJobDelay == 0 {
		c.PromoJobDelay = time.Minute
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return c
}

// Server serves the HTTP API and pages.
type Server struct {
	cfg         Config
	store       Store
	checkout    Checkout // nil: card payment not configured
	postPayment PostPaymentFunc
	logger      *slog.Logger
	metrics     *Metrics
	limiter     *rateLimiter
	pages       *pages
	handler     http.Handler
}

// Deps are the server's collaborators; Checkout and PostPayment may be nil.
type Deps struct {
	Store       Store
	Checkout    Checkout
	PostPayment PostPaymentFunc
	Logger      *slog.Logger
	Metrics     *Metrics
}

// NewServer builds the server and its routes.
func NewServer(cfg Config, d Deps) *Server {
	s := &Server{
		cfg: cfg.withDefaults(), store: d.Store, checkout: d.Checkout, postPayment: d.PostPayment,
		logger: d.Logger, metrics: d.Metrics,
	}
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
	mux := http.NewServeMux()
	api := func(h http.HandlerFunc) http.HandlerFunc { return limitBody(MaxBodyBytes, h) }

	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{}))

	mux.HandleFunc("GET /api/v1/clubs/{club}/tryouts", s.listTryouts)
	mux.HandleFunc("POST /api/v1/clubs/{club}/registrations", s.limited(api(s.createRegistration)))
	mux.HandleFunc("POST /api/v1/registrations/{id}/checkout", s.limited(api(s.retryCheckout)))
	mux.HandleFunc("GET /api/v1/registrations/{id}", s.getRegistration)
	mux.HandleFunc("POST /webhooks/stripe", limitBody(MaxWebhookBytes, s.stripeWebhook))

	// Pages. Form posts are guarded against cross-site submission.
	cop := http.NewCrossOriginProtection()
	guard := func(h http.HandlerFunc) http.Handler { return cop.Handler(s.limited(limitBody(MaxBodyBytes, h))) }
	mux.HandleFunc("GET /clubs/{club}/register", s.registerPage)
	mux.Handle("POST /clubs/{club}/register", guard(s.registerSubmit))
	mux.HandleFunc("GET /registrations/{id}", s.registrationPage)
	mux.HandleFunc("GET /registrations/{id}/canceled", s.canceledPage)
	mux.Handle("POST /registrations/{id}/pay", guard(s.payAgain))
	mux.HandleFunc("GET /static/style.css", s.styleCSS)
	mux.HandleFunc("GET /{$}", s.homePage)
	// Known paths asked with another method answer 405 in the JSON shape
	// (the method-specific patterns above are more specific and win).
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/clubs/{club}/tryouts", "/api/v1/clubs/{club}/registrations",
		"/api/v1/registrations/{id}/checkout", "/api/v1/registrations/{id}", "/webhooks/stripe"} {
		mux.HandleFunc(p, s.methodNotAllowed)
	}
	for pattern, h := range s.cfg.AdditionalHandlers {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("/", s.notFound)
	return s.observe(mux)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log(r).Warn("database not reachable", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: errorDetail{Code: codeNotReady, Message: "the database is not reachable"}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, basketball.Errorf(basketball.EMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, basketball.Errorf(basketball.ENotFound, "no route for %s %s", r.Method, r.URL.Path))
}
