package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "sk_test_SuperSecretKey123"

// recorded is one request the fake Stripe received.
type recorded struct {
	Method, Path string
	Header       http.Header
	Form         url.Values // the body of a POST
	Query        url.Values
}

type testBundle struct {
	client *Client
	srv    *httptest.Server

	mu   sync.Mutex
	reqs []recorded
}

func (b *testBundle) requests() []recorded {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.reqs)
}

// setup starts a fake Stripe that records every request and answers with
// handler, and a Client pointed at it.
func setup(t *testing.T, timeout time.Duration, handler http.HandlerFunc) *testBundle {
	t.Helper()
	b := &testBundle{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		b.mu.Lock()
		b.reqs = append(b.reqs, recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Form: form, Query: r.URL.Query()})
		b.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(b.srv.Close)
	b.client = mustNew(t, Config{SecretKey: testKey, APIURL: b.srv.URL, Timeout: timeout})
	return b
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// answer writes a JSON body with status.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_test_1")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func stripeError(typ, code, msg string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"type": typ, "code": code, "message": msg}})
	return string(b)
}

var testExpiresAt = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

func testParams() CheckoutParams {
	return CheckoutParams{
		RegistrationID: "reg_42",
		PlayerID:       "ply_7",
		PlayerName:     "Ana Lima",
		Club:           "Riverside Hoops",
		TryoutName:     "U14 Girls Tryout",
		AmountCents:    4500,
		Currency:       "EUR",
		CustomerEmail:  "parent@example.com",
		SuccessURL:     "http://localhost:8080/registrations/reg_42?session_id={CHECKOUT_SESSION_ID}",
		CancelURL:      "http://localhost:8080/registrations/reg_42?cancelled=1",
		ExpiresAt:      testExpiresAt,
		IdempotencyKey: "checkout-reg_42-1",
	}
}

func TestCreateCheckoutSessionSendsEveryParameter(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(http.StatusOK, fmt.Sprintf(
		`{"id":"cs_test_abc","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_abc","expires_at":%d}`,
		testExpiresAt.Unix())))

	got, err := b.client.CreateCheckoutSession(t.Context(), testParams())
	if err != nil {
		t.Fatalf("CreateCheckoutSession: %v", err)
	}
	want := Session{ID: "cs_test_abc", URL: "https://checkout.stripe.com/c/pay/cs_test_abc", ExpiresAt: testExpiresAt}
	if got != want {
		t.Errorf("session = %+v, want %+v", got, want)
	}

	reqs := b.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/v1/checkout/sessions" {
		t.Errorf("request = %s %s, want POST /v1/checkout/sessions", r.Method, r.Path)
	}
	if h := r.Header.Get("Idempotency-Key"); h != "checkout-reg_42-1" {
		t.Errorf("Idempotency-Key = %q", h)
	}
	if h := r.Header.Get("Authorization"); h != "Bearer "+testKey {
		t.Errorf("Authorization = %q", h)
	}

	wantForm := map[string]string{
		"mode":                                          "payment",
		"line_items[0][price_data][currency]":           "eur",
		"line_items[0][price_data][unit_amount]":        "4500",
		"line_items[0][price_data][product_data][name]": "U14 Girls Tryout – Ana Lima",
		"line_items[0][quantity]":                       "1",
		"customer_email":                                "parent@example.com",
		"client_reference_id":                           "reg_42",
		"success_url":                                   "http://localhost:8080/registrations/reg_42?session_id={CHECKOUT_SESSION_ID}",
		"cancel_url":                                    "http://localhost:8080/registrations/reg_42?cancelled=1",
		"expires_at":                                    fmt.Sprint(testExpiresAt.Unix()),
	}
	for _, prefix := range []string{"metadata", "payment_intent_data[metadata]"} {
		wantForm[prefix+"[type]"] = "tryout_registration"
		wantForm[prefix+"[registration_id]"] = "reg_42"
		wantForm[prefix+"[player_id]"] = "ply_7"
		wantForm[prefix+"[player_name]"] = "Ana Lima"
		wantForm[prefix+"[club]"] = "Riverside Hoops"
	}
	gotForm := map[string]string{}
	for k, v := range r.Form {
		if len(v) != 1 {
			t.Errorf("form %s sent %d times", k, len(v))
		}
		gotForm[k] = v[0]
	}
	for _, k := range slices.Sorted(maps.Keys(wantForm)) {
		if gotForm[k] != wantForm[k] {
			t.Errorf("form %s = %q, want %q", k, gotForm[k], wantForm[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(gotForm)) {
		if _, ok := wantForm[k]; !ok {
			t.Errorf("unexpected form parameter %s=%q", k, gotForm[k])
		}
	}
}

func TestCreateCheckoutSessionFallsBackToRequestedExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(http.StatusOK, `{"id":"cs_test_abc","url":"https://pay.example/cs_test_abc"}`))
	got, err := b.client.CreateCheckoutSession(t.Context(), testParams())
	if err != nil {
		t.Fatalf("CreateCheckoutSession: %v", err)
	}
	if !got.ExpiresAt.Equal(testExpiresAt) {
		t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, testExpiresAt)
	}
}

func TestCreateCheckoutSessionErrors(t *testing.T) {
	t.Parallel()
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	tests := []struct {
		name     string
		timeout  time.Duration // 0 = 5 s, room for the SDK's pause before a retry
		handler  http.HandlerFunc
		closed   bool // server down: connection refused
		wantKind error
		wantCtx  error // also matched, when set
		status   int
		attempts int // requests the server saw; 0 = don't check
	}{
		// stripe-go v85 retries network failures and non-JSON answers, never
		// an error Stripe sent as JSON (Stripe replays those itself).
		{name: "500", handler: answer(500, stripeError("api_error", "", "boom")), wantKind: ErrUnavailable, status: 500, attempts: 1},
		{name: "502 html from a proxy is retried once", handler: answer(502, "<html>Bad Gateway</html>"), wantKind: ErrUnavailable, attempts: 2},
		{name: "429 rate limited", handler: answer(429, stripeError("invalid_request_error", "rate_limit", "too many")), wantKind: ErrUnavailable, status: 429, attempts: 1},
		{name: "401 bad key echoed by server", handler: answer(401, stripeError("invalid_request_error", "", "Invalid API Key provided: "+testKey)), wantKind: ErrUnavailable, status: 401},
		{name: "403 restricted key", handler: answer(403, stripeError("invalid_request_error", "secret_key_required", "key "+testKey+" lacks permission")), wantKind: ErrUnavailable, status: 403},
		{name: "400 invalid request", handler: answer(400, stripeError("invalid_request_error", "parameter_invalid_integer", "Invalid integer: abc")), wantKind: ErrInvalidRequest, status: 400, attempts: 1},
		{name: "400 idempotency key reused", handler: answer(400, stripeError("idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters")), wantKind: ErrInvalidRequest, status: 400},
		{name: "200 without url", handler: answer(200, `{"id":"cs_test_abc"}`), wantKind: ErrUnavailable},
		{name: "200 not json", handler: answer(200, `oops`), wantKind: ErrUnavailable},
		{name: "hangs past the timeout", timeout: 300 * time.Millisecond, handler: hang, wantKind: ErrUnavailable, wantCtx: context.DeadlineExceeded, attempts: 1},
		{name: "connection refused", handler: hang, closed: true, wantKind: ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			b := setup(t, timeout, tt.handler)
			if tt.closed {
				b.srv.Close()
			}
			_, err := b.client.CreateCheckoutSession(t.Context(), testParams())
			t.Logf("err: %v", err)
			assertKind(t, err, tt.wantKind)
			if tt.wantCtx != nil && !errors.Is(err, tt.wantCtx) {
				t.Errorf("errors.Is(err, %v) = false; err = %v", tt.wantCtx, err)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err %T is not *Error", err)
			}
			if se.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", se.StatusCode, tt.status)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), testKey) {
				t.Errorf("error text leaks the secret key: %v", err)
			}
			reqs := b.requests()
			if tt.attempts != 0 && len(reqs) != tt.attempts {
				t.Errorf("server saw %d requests, want %d", len(reqs), tt.attempts)
			}
			for i, r := range reqs {
				// A retry must reuse the key, or Stripe could create two sessions.
				if k := r.Header.Get("Idempotency-Key"); k != "checkout-reg_42-1" {
					t.Errorf("request %d Idempotency-Key = %q", i, k)
				}
			}
		})
	}
}

func TestCreateCheckoutSessionCanceledContext(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(200, `{"id":"cs_test_abc","url":"https://pay.example/x"}`))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := b.client.CreateCheckoutSession(ctx, testParams())
	assertKind(t, err, ErrUnavailable)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(err, context.Canceled) = false; err = %v", err)
	}
}

func TestCreateCheckoutSessionRejectsBadParamsLocally(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*CheckoutParams)
	}{
		{"no registration", func(p *CheckoutParams) { p.RegistrationID = "" }},
		{"zero amount", func(p *CheckoutParams) { p.AmountCents = 0 }},
		{"negative amount", func(p *CheckoutParams) { p.AmountCents = -1 }},
		{"no currency", func(p *CheckoutParams) { p.Currency = "" }},
		{"no success url", func(p *CheckoutParams) { p.SuccessURL = "" }},
		{"no cancel url", func(p *CheckoutParams) { p.CancelURL = "" }},
		{"no expiry", func(p *CheckoutParams) { p.ExpiresAt = time.Time{} }},
		{"no idempotency key", func(p *CheckoutParams) { p.IdempotencyKey = "" }},
	}
	b := setup(t, time.Second, answer(200, `{"id":"cs_test_abc","url":"https://pay.example/x"}`))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testParams()
			tt.modify(&p)
			_, err := b.client.CreateCheckoutSession(t.Context(), p)
			assertKind(t, err, ErrInvalidRequest)
		})
	}
	if n := len(b.requests()); n != 0 {
		t.Errorf("%d requests reached Stripe, want 0", n)
	}
}

// assertKind checks err matches want and not the other kind.
func assertKind(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want errors.Is %v", err, want)
	}
	other := ErrInvalidRequest
	if errors.Is(want, ErrInvalidRequest) {
		other = ErrUnavailable
	}
	if errors.Is(err, other) {
		t.Errorf("err = %v also matches %v", err, other)
	}
}
