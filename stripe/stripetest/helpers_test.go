package stripetest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/stripe/stripetest"
)

const webhookSecret = "whsec_stripetest"

// hook is a webhook endpoint that verifies signatures as the service does
// and keeps the events it accepted.
type hook struct {
	status atomic.Int32 // answer; 0 means 200

	mu     sync.Mutex
	events []stripe.Event
	bodies [][]byte
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ev, err := stripe.ParseWebhook(body, r.Header.Get("Stripe-Signature"), webhookSecret, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if st := h.status.Load(); st != 0 {
		http.Error(w, "told to fail", int(st))
		return
	}
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.bodies = append(h.bodies, body)
	h.mu.Unlock()
}

func (h *hook) received() []stripe.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.events)
}

type testBundle struct {
	fake   *stripetest.Server
	client *stripe.Client
	hook   *hook
}

// setup starts a fake Stripe delivering to a verifying webhook, and a
// stripe.Client pointed at it.
func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{fake: stripetest.NewServer(t), hook: &hook{}}
	hs := httptest.NewServer(b.hook)
	t.Cleanup(hs.Close)
	b.fake.SetWebhook(hs.URL, webhookSecret)
	b.client = mustClient(t, b.fake.URL(), 5*time.Second)
	return b
}

func mustClient(t *testing.T, apiURL string, retrieveTimeout time.Duration) *stripe.Client {
	t.Helper()
	c, err := stripe.New(stripe.Config{SecretKey: "sk_test_stripetest", APIURL: apiURL, Timeout: 10 * time.Second, RetrieveTimeout: retrieveTimeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkoutParams(reg, key string) stripe.CheckoutParams {
	return stripe.CheckoutParams{
		RegistrationID: reg, PlayerID: "ply_" + reg, PlayerName: "Ana Lima", Club: "riverside", TryoutName: "U14",
		AmountCents: 4500, Currency: "EUR", CustomerEmail: "parent@example.com",
		SuccessURL: "http://svc/registrations/" + reg + "?session_id={CHECKOUT_SESSION_ID}", CancelURL: "http://svc/registrations/" + reg,
		ExpiresAt: time.Now().Add(time.Hour), IdempotencyKey: key,
	}
}

// mustSession creates a session for reg through the client.
func (b *testBundle) mustSession(t *testing.T, reg string) stripe.Session {
	t.Helper()
	s, err := b.client.CreateCheckoutSession(t.Context(), checkoutParams(reg, "checkout-"+reg+"-1"))
	if err != nil {
		t.Fatalf("CreateCheckoutSession: %v", err)
	}
	return s
}

// mustPaid creates a session for reg and pays it; it returns the session as
// retrieved afterwards.
func (b *testBundle) mustPaid(t *testing.T, reg string) stripe.CheckoutSession {
	t.Helper()
	s := b.mustSession(t, reg)
	if _, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{}); err != nil {
		t.Fatalf("CompleteSession: %v", err)
	}
	got, err := b.client.RetrieveCheckoutSession(t.Context(), s.ID)
	if err != nil {
		t.Fatalf("RetrieveCheckoutSession: %v", err)
	}
	return got
}

// listAll reads the events list through the client, failing on any error.
func (b *testBundle) listAll(t *testing.T, p stripe.ListEventsParams) []stripe.Event {
	t.Helper()
	var out []stripe.Event
	for ev, err := range b.client.ListEvents(t.Context(), p) {
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func ids(events []stripe.Event) []string {
	var out []string
	for _, ev := range events {
		out = append(out, ev.ID)
	}
	return out
}
