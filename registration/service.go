// Package registration is basketball-api's service layer: it owns every
// registration flow — register, open or reuse a checkout, apply a Stripe
// payment event, sweep lapsed seat holds — and the ones built on them. The
// public API, the pages, the CLI and the jobs all call these functions;
// HTTP handlers only decode, call and render.
//
// Status rules are not here: they are the domain's state machine
// (basketball.Transitions), which the store applies in its transactions.
// This package sequences the store with the vendors (Stripe's checkout,
// the inline post-payment step) and reports what happened.
package registration

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"basketball"
	"basketball/stripe"
)

// Store is what the flows need of the database.
type Store interface {
	Now() time.Time
	// Ready reports whether the store answers and takes writes; its error
	// is EUnavailable when it refuses them.
	Ready(ctx context.Context) error
	ClubBySlug(ctx context.Context, slug string) (basketball.Club, error)
	ListTryouts(ctx context.Context, clubSlug string, upcomingOpen bool) ([]basketball.Tryout, error)
	Tryout(ctx context.Context, clubSlug, tryoutID string) (basketball.Tryout, error)
	CreateRegistration(ctx context.Context, clubSlug string, req basketball.RegistrationRequest, opts basketball.CreateOptions) (basketball.Registration, error)
	Registration(ctx context.Context, id string) (basketball.Registration, error)
	PlayerRegisteredAgain(ctx context.Context, id string) (bool, error)
	BeginCheckout(ctx context.Context, id string) (basketball.Registration, bool, error)
	AttachCheckout(ctx context.Context, id string, attempt int, sessionID, url string, expiresAt time.Time) error
	ReleaseCheckout(ctx context.Context, id string, attempt int) error
	ApplyPaymentEvent(ctx context.Context, ev basketball.PaymentEvent) (outcome, regID string, err error)
	SweepLapsedHolds(ctx context.Context) (int, error)
	Notifications(ctx context.Context, subjectID string) ([]basketball.Notification, error)
}

// Payments creates Stripe Checkout Sessions (or, in the offline demo, the
// local test checkout's sessions).
type Payments interface {
	CreateCheckoutSession(ctx context.Context, p stripe.CheckoutParams) (stripe.Session, error)
}

// PostPaymentFunc runs the post-payment step for a free registration within
// the request and says what it did.
type PostPaymentFunc func(ctx context.Context, registrationID string) (basketball.PostPaymentResult, error)

// Observer is told what the flows did, for metrics. Every method must be
// cheap and safe for concurrent use.
type Observer interface {
	// CheckoutSession is told "ok" or "error" after each Stripe call.
	CheckoutSession(result string)
	// PaymentEvent is told each event applied, by path and outcome.
	PaymentEvent(path, eventType, outcome string)
	// Reconciled is told, after each reconciliation pass, where its cursor
	// stands and how many registrations Stripe lists as paid are still
	// pending (should stay 0).
	Reconciled(cursor time.Time, paidButPending int)
}

// Config tunes the flows; zero values take the defaults.
type Config struct {
	PublicURL         string
	CheckoutTimeout   time.Duration // bound on a Stripe call; default 25s
	CheckoutLifetime  time.Duration // Checkout Session expiry; default 1h
	InlinePostPayment time.Duration // bound on the free path's inline step; default 5s
	PromoJobDelay     time.Duration // when the job re-checks a free registration; default 1m
	// ReconcileGrace leaves events this young to their webhooks (default
	// ReconcileGrace; negative: none, for tests).
	ReconcileGrace time.Duration
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
	if c.ReconcileGrace == 0 {
		c.ReconcileGrace = ReconcileGrace
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return c
}

// Deps are the service's collaborators. Store is required; Payments nil
// means card payment is not configured; Records nil turns the return
// page's confirmation and reconciliation off; PostPayment nil skips the
// free path's inline step (the job still runs).
type Deps struct {
	Store       Store
	Payments    Payments
	Records     Records
	PostPayment PostPaymentFunc
	Observer    Observer
	Logger      *slog.Logger
}

// Service runs the registration flows. It is safe for concurrent use.
type Service struct {
	cfg         Config
	store       Store
	payments    Payments
	records     Records
	postPayment PostPaymentFunc
	observe     Observer
	logger      *slog.Logger
	inline      sync.WaitGroup // inline post-payment steps still running
}

// New returns the service.
func New(cfg Config, d Deps) *Service {
	s := &Service{cfg: cfg.withDefaults(), store: d.Store, payments: d.Payments, records: d.Records, postPayment: d.PostPayment,
		observe: d.Observer, logger: d.Logger}
	if s.observe == nil {
		s.observe = nopObserver{}
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s
}

// Close waits for inline post-payment steps that outlived their request
// (each is bounded by its own vendor timeouts), or for ctx to end.
func (s *Service) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.inline.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CardPayments reports whether card payment is configured.
func (s *Service) CardPayments() bool { return s.payments != nil }

// Now is the store's clock.
func (s *Service) Now() time.Time { return s.store.Now() }

// Ready reports whether the database answers and takes writes.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ready(ctx) }

// Club returns a club by slug.
func (s *Service) Club(ctx context.Context, slug string) (basketball.Club, error) {
	return s.store.ClubBySlug(ctx, slug)
}

// Tryouts lists a club's tryouts with seats left; with upcomingOpen, only
// those taking registrations.
func (s *Service) Tryouts(ctx context.Context, club string, upcomingOpen bool) ([]basketball.Tryout, error) {
	return s.store.ListTryouts(ctx, club, upcomingOpen)
}

// Tryout returns one tryout of a club.
func (s *Service) Tryout(ctx context.Context, club, id string) (basketball.Tryout, error) {
	return s.store.Tryout(ctx, club, id)
}

// Registration returns one registration.
func (s *Service) Registration(ctx context.Context, id string) (basketball.Registration, error) {
	return s.store.Registration(ctx, id)
}

// SweepHolds expires every pending registration whose seat hold lapsed.
func (s *Service) SweepHolds(ctx context.Context) (int, error) {
	n, err := s.store.SweepLapsedHolds(ctx)
	if n > 0 {
		s.logger.Info("lapsed seat holds released", "count", n)
	}
	return n, err
}

type nopObserver struct{}

func (nopObserver) CheckoutSession(string)              {}
func (nopObserver) PaymentEvent(string, string, string) {}
func (nopObserver) Reconciled(time.Time, int)           {}
