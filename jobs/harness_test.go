package jobs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"basketball"
	"basketball/email"
	"basketball/email/emailtest"
	"basketball/jobs"
	"basketball/keycloak"
	"basketball/keycloak/keycloaktest"
	"basketball/registration"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/web"
)

// These tests run the whole paid-registration flow in one process, wired as
// cmd/basketball-api's serve wires it: the HTTP server, the Stripe webhook,
// the store, River working the post-payment job, a fake Keycloak and a real
// SMTP server. Only Stripe's checkout API is a recording fake; its events
// are built and signed here as Stripe builds and signs them.

const (
	clubSlug   = "tigers"
	clubName   = "Club tigers" // sqldbtest.MustClub's name for the slug
	realm      = "basketball"
	kcClientID = "basketball-api"
	publicURL  = "https://tryouts.example.org"
	feeCents   = 3000
	// waitLimit bounds every wait for an asynchronous outcome. It is a
	// deadline for failing, never an expected duration: River's scheduler
	// moves delayed jobs every 5 s, so the promo path needs some seconds.
	waitLimit = 30 * time.Second
)

// testBundle is one running service with its peers.
type testBundle struct {
	engine   string
	dbURL    string
	db       *sqldb.DB
	kc       *keycloaktest.Server
	smtp     *emailtest.Server
	step     *jobs.PostPayment
	checkout registration.Payments
	records  registration.Records // nil: no return confirmation, no reconciliation
	svc      *registration.Service
	srv      *httptest.Server
	logs     *logBuffer
	pw       *passwordLog
	tryout   basketball.Tryout
	queueCfg jobs.Config
	// stopQueue stops the River client started last.
	stopQueue func()

	// Secrets the service holds, which must never reach logs or tables.
	webhookSecret, kcSecret, stripeKey string
}

// option changes the bundle before the server is built; the bundle's
// secrets are already chosen.
type option func(t *testing.T, b *testBundle)

// withStripeAPI replaces the fake checkout by a real stripe.Client holding
// the bundle's secret key and calling the Stripe API at url.
func withStripeAPI(url string) option {
	return func(t *testing.T, b *testBundle) {
		c, err := stripe.New(stripe.Config{SecretKey: b.stripeKey, APIURL: url, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		b.checkout = c
	}
}

// setup starts the service on a fresh database of engine: club "tigers"
// with an open tryout (fee 3000 usd, capacity 20, America/Chicago) and a
// 100% promo code FREE. Every test's logs, job rows and tables are audited
// for secrets when it ends.
func setup(t *testing.T, engine string, opts ...option) *testBundle {
	t.Helper()
	ctx := context.Background()
	b := &testBundle{
		engine:        engine,
		checkout:      &fakeCheckout{},
		logs:          &logBuffer{},
		pw:            &passwordLog{},
		webhookSecret: stripe.NewWebhookSecret(),
		kcSecret:      "kc-secret-" + rand.Text(),
		stripeKey:     "sk_test_" + rand.Text(),
	}
	b.dbURL = sqldbtest.URL(t, engine)
	b.db = sqldbtest.OpenURL(t, b.dbURL, sqldb.Options{})
	sqldbtest.MustClub(t, b.db, clubSlug)
	b.tryout = sqldbtest.MustTryout(t, b.db, clubSlug, feeCents, 20)
	pct := 100
	if _, err := b.db.CreatePromo(ctx, clubSlug, basketball.PromoInput{Code: "FREE", PercentOff: &pct}); err != nil {
		t.Fatal(err)
	}

	b.kc = keycloaktest.NewServer(t, realm, kcClientID, b.kcSecret)
	accounts, err := keycloak.New(keycloak.Config{URL: b.kc.URL(), Realm: realm, ClientID: kcClientID,
		ClientSecret: b.kcSecret, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	b.smtp = emailtest.NewServer(t)
	mailer, err := email.NewSender(email.Config{SMTPURL: b.smtp.URL(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b.step = &jobs.PostPayment{Store: b.db, Accounts: accounts, Mailer: mailer, MailFrom: "noreply@example.org",
		PublicURL: publicURL, Logger: logger, NewPassword: b.pw.generate}
	b.queueCfg = jobs.Config{
		// Outages in these tests last many fast retries: never discard.
		MaxAttempts:       10000,
		RetryPolicy:       fixedRetry(50 * time.Millisecond),
		FetchPollInterval: 50 * time.Millisecond,
		Workers:           4,
		JobTimeout:        15 * time.Second,
		Logger:            logger,
	}

	// Registered before the queue's and the server's cleanups, so it runs
	// after them, when nothing writes any more.
	t.Cleanup(func() { b.audit(t) })
	b.stopQueue = b.startQueue(t)

	for _, o := range opts {
		o(t, b)
	}
	b.svc = registration.New(registration.Config{PublicURL: publicURL, PromoJobDelay: 200 * time.Millisecond, ReconcileGrace: -1},
		registration.Deps{Store: b.db, Payments: b.checkout, Records: b.records, PostPayment: b.step.RunInline, Logger: logger})
	srv := web.NewServer(web.Config{WebhookSecret: b.webhookSecret}, web.Deps{Service: b.svc, Logger: logger})
	b.srv = httptest.NewServer(srv)
	t.Cleanup(b.srv.Close)
	return b
}

// startQueue starts a new River client working the bundle's database; it
// returns a function that stops it, which the test's cleanup also calls.
func (b *testBundle) startQueue(t *testing.T) (stop func()) {
	t.Helper()
	q, err := jobs.NewQueue(b.db.RiverDriver(), jobs.Handlers{PostPayment: b.step}, b.queueCfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := q.Stop(ctx); err != nil {
				t.Errorf("stop queue: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// fixedRetry retries every failed job after the same short pause.
type fixedRetry time.Duration

func (d fixedRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(time.Duration(d)) }

// fakeCheckout stands in for Stripe's checkout API.
type fakeCheckout struct {
	mu sync.Mutex
	n  int
}

func (f *fakeCheckout) CreateCheckoutSession(_ context.Context, p stripe.CheckoutParams) (stripe.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	id := fmt.Sprintf("cs_test_%d_%s", f.n, p.RegistrationID)
	return stripe.Session{ID: id, URL: "https://checkout.stripe.test/c/pay/" + id, ExpiresAt: p.ExpiresAt}, nil
}

// logBuffer collects the service's log output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// passwordLog generates passwords as production does and remembers them,
// so tests can tell which one an email carries and look for leaks.
type passwordLog struct {
	mu  sync.Mutex
	all []string
}

func (p *passwordLog) generate() (string, error) {
	pw, err := keycloak.GeneratePassword()
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.all = append(p.all, pw)
	p.mu.Unlock()
	return pw, nil
}

func (p *passwordLog) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.all...)
}
