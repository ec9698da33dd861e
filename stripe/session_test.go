package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sessionJSON is a Checkout Session as Stripe's API answers it.
func sessionJSON(id, status, paymentStatus, paymentIntent string) string {
	pi := "null"
	if paymentIntent != "" {
		pi = fmt.Sprintf("%q", paymentIntent)
	}
	return fmt.Sprintf(`{"id":%q,"object":"checkout.session","mode":"payment","status":%q,"payment_status":%q,
		"payment_intent":%s,"amount_total":4500,"currency":"eur","client_reference_id":"reg_42","expires_at":%d,
		"url":null,"metadata":{"type":"tryout_registration","registration_id":"reg_42","player_id":"ply_7","player_name":"Ana Lima","club":"Riverside Hoops"}}`,
		id, status, paymentStatus, pi, testExpiresAt.Unix())
}

func TestRetrieveCheckoutSessionReadsWhatTheWebhookReads(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(http.StatusOK, sessionJSON("cs_test_1", "complete", "paid", "pi_1")))

	got, err := b.client.RetrieveCheckoutSession(t.Context(), "cs_test_1")
	if err != nil {
		t.Fatalf("RetrieveCheckoutSession: %v", err)
	}
	want := CheckoutSession{
		ID: "cs_test_1", Status: SessionStatusComplete, PaymentStatus: PaymentStatusPaid, PaymentIntentID: "pi_1",
		AmountTotal: 4500, HasAmountTotal: true, Currency: "eur", Metadata: testMetadata(), ClientReferenceID: "reg_42", ExpiresAt: testExpiresAt,
	}
	assertSession(t, got, want)

	reqs := b.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/v1/checkout/sessions/cs_test_1" {
		t.Fatalf("requests = %+v, want one GET /v1/checkout/sessions/cs_test_1", reqs)
	}

	// The same session delivered as checkout.session.completed decodes to
	// what CompletedEvent gives, so the return path applies what the
	// webhook would.
	ev := mustParse(t, BuildSessionEvent(SessionEventParams{
		SessionID: "cs_test_1", PaymentStatus: "paid", PaymentIntentID: "pi_1", AmountTotal: 4500,
		Currency: "eur", Metadata: testMetadata(), ClientReferenceID: "reg_42",
	}))
	ev.ID, ev.Created = "", time.Time{}
	assertEvent(t, got.CompletedEvent(), ev)
}

func TestRetrieveCheckoutSessionErrors(t *testing.T) {
	t.Parallel()
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantKind error
		wantCtx  error
	}{
		{"unknown session", answer(404, stripeError("invalid_request_error", "resource_missing", "No such checkout.session: 'cs_test_x'")), ErrNotFound, nil},
		{"500", answer(500, stripeError("api_error", "", "boom")), ErrUnavailable, nil},
		{"429", answer(429, stripeError("invalid_request_error", "rate_limit", "slow down")), ErrUnavailable, nil},
		{"not a session", answer(200, `{"object":"checkout.session"}`), ErrUnavailable, nil},
		{"slower than the retrieve timeout", hang, ErrUnavailable, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, 20*time.Second, tt.handler)
			// A short RetrieveTimeout under a long Timeout: the page-bound
			// call must give up on its own budget.
			b.client = mustNew(t, Config{SecretKey: testKey, APIURL: b.srv.URL, Timeout: 20 * time.Second, RetrieveTimeout: 200 * time.Millisecond})
			// The caller's own deadline is far later: when the call ends
			// first, its own budget ended it.
			parent, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			_, err := b.client.RetrieveCheckoutSession(parent, "cs_test_x")
			t.Logf("err: %v", err)
			if parent.Err() != nil {
				t.Errorf("the call outlived its caller's 10 s deadline: RetrieveTimeout not applied")
			}
			assertKind(t, err, tt.wantKind)
			if tt.wantCtx != nil && !errors.Is(err, tt.wantCtx) {
				t.Errorf("errors.Is(err, %v) = false", tt.wantCtx)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestRetrieveTimeoutDefaults(t *testing.T) {
	t.Parallel()
	if c := mustNew(t, Config{SecretKey: testKey}); c.retrieveTimeout != DefaultRetrieveTimeout {
		t.Errorf("retrieveTimeout = %s, want %s", c.retrieveTimeout, DefaultRetrieveTimeout)
	}
	if c := mustNew(t, Config{SecretKey: testKey, Timeout: 2 * time.Second}); c.retrieveTimeout != 2*time.Second {
		t.Errorf("retrieveTimeout = %s, want the shorter Timeout", c.retrieveTimeout)
	}
	if _, err := New(Config{SecretKey: testKey, Timeout: 2 * time.Second, RetrieveTimeout: 3 * time.Second}); err == nil {
		t.Error("RetrieveTimeout above Timeout accepted")
	}
}

func TestExpireCheckoutSession(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(http.StatusOK, sessionJSON("cs_test_1", "expired", "unpaid", "")))
	got, err := b.client.ExpireCheckoutSession(t.Context(), "cs_test_1", "cancel-reg_42-1")
	if err != nil {
		t.Fatalf("ExpireCheckoutSession: %v", err)
	}
	if got.ID != "cs_test_1" || got.Status != SessionStatusExpired {
		t.Errorf("session = %+v, want cs_test_1 expired", got)
	}
	reqs := b.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/v1/checkout/sessions/cs_test_1/expire" {
		t.Fatalf("requests = %+v", reqs)
	}
	if k := reqs[0].Header.Get("Idempotency-Key"); k != "cancel-reg_42-1" {
		t.Errorf("Idempotency-Key = %q", k)
	}
}

func TestExpireCheckoutSessionNotOpen(t *testing.T) {
	t.Parallel()
	// Stripe's answer for a session that is not open: a plain 400, no code.
	notOpen := func(status string) string {
		return stripeError("invalid_request_error", "",
			`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `+"`"+status+"`.")
	}
	tests := []struct {
		name       string
		expire     string // Stripe's answer to the expire call
		now        string // and to the retrieve that follows
		wantKind   error
		wantStatus string
	}{
		{"already paid", notOpen("complete"), sessionJSON("cs_test_1", "complete", "paid", "pi_1"), ErrSessionNotOpen, SessionStatusComplete},
		{"already expired", notOpen("expired"), sessionJSON("cs_test_1", "expired", "unpaid", ""), ErrSessionNotOpen, SessionStatusExpired},
		{"refused for another reason while open", stripeError("invalid_request_error", "parameter_unknown", "Received unknown parameter: x"),
			sessionJSON("cs_test_1", "open", "unpaid", ""), ErrInvalidRequest, ""},
		{"status unreadable", notOpen("complete"), `oops`, ErrInvalidRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					answer(400, tt.expire)(w, r)
					return
				}
				answer(200, tt.now)(w, r)
			})
			got, err := b.client.ExpireCheckoutSession(t.Context(), "cs_test_1", "")
			t.Logf("err: %v", err)
			assertKind(t, err, ErrInvalidRequest)
			if errors.Is(err, ErrSessionNotOpen) != (tt.wantKind == ErrSessionNotOpen) {
				t.Errorf("errors.Is(err, ErrSessionNotOpen) = %v, want %v", !(tt.wantKind == ErrSessionNotOpen), tt.wantKind == ErrSessionNotOpen)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("session status = %q, want %q", got.Status, tt.wantStatus)
			}
			if tt.wantStatus == SessionStatusComplete && got.PaymentIntentID != "pi_1" {
				t.Errorf("the paid session's payment intent = %q, want pi_1", got.PaymentIntentID)
			}
		})
	}
}

func TestExpireCheckoutSessionErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		handler  http.HandlerFunc
		wantKind error
	}{
		{"unknown session", answer(404, stripeError("invalid_request_error", "resource_missing", "No such checkout.session")), ErrNotFound},
		{"500", answer(500, stripeError("api_error", "", "boom")), ErrUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, time.Second, tt.handler)
			_, err := b.client.ExpireCheckoutSession(t.Context(), "cs_test_1", "k")
			assertKind(t, err, tt.wantKind)
			if errors.Is(err, ErrSessionNotOpen) {
				t.Errorf("err = %v matches ErrSessionNotOpen", err)
			}
			if n := len(b.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no read-back)", n)
			}
		})
	}
}

func TestSessionCallsRejectEmptyIDLocally(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(200, sessionJSON("cs_test_1", "open", "unpaid", "")))
	_, err := b.client.RetrieveCheckoutSession(t.Context(), "")
	assertKind(t, err, ErrInvalidRequest)
	_, err = b.client.ExpireCheckoutSession(t.Context(), "", "k")
	assertKind(t, err, ErrInvalidRequest)
	if n := len(b.requests()); n != 0 {
		t.Errorf("%d requests reached Stripe", n)
	}
}

func assertSession(t *testing.T, got, want CheckoutSession) {
	t.Helper()
	if !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, want.ExpiresAt)
	}
	got.ExpiresAt, want.ExpiresAt = time.Time{}, time.Time{}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("session =\n %+v\nwant\n %+v", got, want)
	}
}
