package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/registration"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/web"
)

const webhookSecret = "whsec_test_secret"

// fakeCheckout records the sessions asked of it. Fail, when set, makes
// every call fail; CreateFn overrides the whole call.
type fakeCheckout struct {
	mu    sync.Mutex
	calls []stripe.CheckoutParams
	fail  error
	delay time.Duration // how long Stripe takes to answer
}

func (f *fakeCheckout) CreateCheckoutSession(ctx context.Context, p stripe.CheckoutParams) (stripe.Session, error) {
	f.mu.Lock()
	delay := f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, p)
	if f.fail != nil {
		return stripe.Session{}, f.fail
	}
	id := fmt.Sprintf("cs_test_%d_%s", len(f.calls), p.IdempotencyKey)
	return stripe.Session{ID: id, URL: "https://checkout.stripe.test/c/pay/" + id, ExpiresAt: p.ExpiresAt}, nil
}

func (f *fakeCheckout) setFail(err error) { f.mu.Lock(); f.fail = err; f.mu.Unlock() }

func (f *fakeCheckout) recorded() []stripe.CheckoutParams {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]stripe.CheckoutParams(nil), f.calls...)
}

type testBundle struct {
	db       *sqldb.DB
	clock    *sqldbtest.Clock
	checkout *fakeCheckout
	srv      *httptest.Server
	tryout   basketball.Tryout
}

// settings are what an option may change before the server is built.
type settings struct {
	web    web.Config
	svc    registration.Config
	deps   registration.Deps
	logger *slog.Logger
}

type option func(*settings)

func noCheckout() option { return func(s *settings) { s.deps.Payments = nil } }

func rateLimit(n int) option { return func(s *settings) { s.web.RateLimitPerMinute = n } }

func withPayments(p registration.Payments) option { return func(s *settings) { s.deps.Payments = p } }

// setup serves a club "tigers" with an open tryout (fee 3000, capacity 5)
// and promo codes FREE (100%) and TEN (1000 off).
func setup(t *testing.T, engine string, opts ...option) testBundle {
	t.Helper()
	clock := sqldbtest.NewClock(time.Now().UTC().Truncate(time.Second))
	db := sqldbtest.Open(t, engine, clock.Now)
	b := testBundle{db: db, clock: clock, checkout: &fakeCheckout{}}
	sqldbtest.MustClub(t, db, "tigers")
	b.tryout = sqldbtest.MustTryout(t, db, "tigers", 3000, 5)
	pct, amt := 100, int64(1000)
	ctx := context.Background()
	if _, err := db.CreatePromo(ctx, "tigers", basketball.PromoInput{Code: "FREE", PercentOff: &pct}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePromo(ctx, "tigers", basketball.PromoInput{Code: "TEN", AmountOffCents: &amt}); err != nil {
		t.Fatal(err)
	}
	st := settings{
		web:  web.Config{WebhookSecret: webhookSecret},
		svc:  registration.Config{PublicURL: "https://tryouts.example.org"},
		deps: registration.Deps{Store: db, Payments: b.checkout},
	}
	for _, o := range opts {
		o(&st)
	}
	st.deps.Logger = st.logger
	svc := registration.New(st.svc, st.deps)
	b.srv = httptest.NewServer(web.NewServer(st.web, web.Deps{Service: svc, Logger: st.logger}))
	t.Cleanup(b.srv.Close)
	return b
}

// client does not follow redirects, so tests see the 303s.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return v
}

// errCode returns error.code of a JSON error body.
func (r response) errCode(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (b testBundle) do(t *testing.T, method, path string, body io.Reader, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: data}
}

func (b testBundle) postJSON(t *testing.T, path string, v any) response {
	t.Helper()
	var body []byte
	switch x := v.(type) {
	case string:
		body = []byte(x)
	default:
		body, _ = json.Marshal(v)
	}
	return b.do(t, http.MethodPost, path, bytes.NewReader(body), map[string]string{"Content-Type": "application/json"})
}

func (b testBundle) postForm(t *testing.T, path string, form url.Values, header map[string]string) response {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range header {
		h[k] = v
	}
	return b.do(t, http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

// registration builds the API body for player n of the bundle's tryout.
func (b testBundle) registration(n int, promo string) map[string]any {
	return map[string]any{
		"tryout_id": b.tryout.ID,
		"parent":    map[string]any{"first_name": "Ann", "last_name": "Lee", "email": fmt.Sprintf("Ann%d@Example.com", n), "phone": "+1 555 0100"},
		"player": map[string]any{"first_name": fmt.Sprintf("Max%d", n), "last_name": "Lee", "birth_date": "2013-05-01",
			"grade": 7, "position": "guard", "height_inches": 60},
		"promo_code": promo,
	}
}

func (b testBundle) register(t *testing.T, n int, promo string) response {
	t.Helper()
	return b.postJSON(t, "/api/v1/clubs/tigers/registrations", b.registration(n, promo))
}

// postEvent signs payload like Stripe and posts it to the webhook.
func (b testBundle) postEvent(t *testing.T, payload []byte) response {
	t.Helper()
	sig := stripe.SignPayload(payload, webhookSecret, b.clock.Now())
	return b.do(t, http.MethodPost, "/webhooks/stripe", bytes.NewReader(payload), map[string]string{"Stripe-Signature": sig})
}

func (b testBundle) completed(regID string, mutate func(*stripe.SessionEventParams)) []byte {
	p := stripe.SessionEventParams{
		Type: stripe.EventCheckoutCompleted, PaymentStatus: "paid", PaymentIntentID: "pi_" + regID, AmountTotal: 3000, Currency: "usd",
		Metadata: map[string]string{"type": "tryout_registration", "registration_id": regID, "club": "tigers"},
	}
	if mutate != nil {
		mutate(&p)
	}
	return stripe.BuildSessionEvent(p)
}

func mustReg(t *testing.T, db *sqldb.DB, id string) basketball.Registration {
	t.Helper()
	r, err := db.Registration(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var errStripeDown = errors.Join(stripe.ErrUnavailable, errors.New("connection refused"))
