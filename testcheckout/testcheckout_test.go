package testcheckout_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/testcheckout"
)

const secret = "whsec_demo"

// webhook records the verified events it receives.
type webhook struct {
	mu     sync.Mutex
	events []stripe.Event
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ev, err := stripe.ParseWebhook(body, r.Header.Get("Stripe-Signature"), secret, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
}

func setup(t *testing.T) (*testcheckout.Checkout, *webhook, *httptest.Server) {
	t.Helper()
	hook := &webhook{}
	hookSrv := httptest.NewServer(hook)
	t.Cleanup(hookSrv.Close)
	c, err := testcheckout.New("", "", hookSrv.URL, secret)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for p, h := range c.Routes() {
		mux.Handle(p, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c.PublicURL = srv.URL
	return c, hook, srv
}

func params(key string) stripe.CheckoutParams {
	return stripe.CheckoutParams{
		RegistrationID: "reg_1", PlayerID: "ply_1", PlayerName: "Max Lee", Club: "demo", TryoutName: "U14",
		AmountCents: 3000, Currency: "usd", CustomerEmail: "ann@example.com",
		SuccessURL: "http://svc/registrations/reg_1?session_id={CHECKOUT_SESSION_ID}", CancelURL: "http://svc/registrations/reg_1/canceled",
		ExpiresAt: time.Now().Add(time.Hour), IdempotencyKey: key,
	}
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func post(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := noFollow.Post(url, "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func TestNeverWithStripeKey(t *testing.T) {
	if _, err := testcheckout.New("sk_live_x", "", "", ""); !errors.Is(err, testcheckout.ErrStripeConfigured) {
		t.Fatalf("New with a Stripe key: %v", err)
	}
}

func TestPaySendsSignedCompletedEvent(t *testing.T) {
	c, hook, _ := setup(t)
	s1, _ := c.CreateCheckoutSession(context.Background(), params("k1"))
	s2, _ := c.CreateCheckoutSession(context.Background(), params("k1"))
	if s1.ID != s2.ID || !strings.HasPrefix(s1.ID, "cs_test_") {
		t.Fatalf("same idempotency key gave %s and %s", s1.ID, s2.ID)
	}
	res, err := http.Get(s1.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), "TEST MODE") || !strings.Contains(string(page), "$30.00") || !strings.Contains(string(page), "U14 – Max Lee") {
		t.Fatalf("checkout page:\n%s", page)
	}
	res = post(t, s1.URL+"/pay")
	if res.StatusCode != 303 || res.Header.Get("Location") != "http://svc/registrations/reg_1?session_id="+s1.ID {
		t.Fatalf("pay: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	post(t, s1.URL+"/pay") // a second click sends nothing more
	if len(hook.events) != 1 {
		t.Fatalf("%d events delivered", len(hook.events))
	}
	ev := hook.events[0]
	if ev.Type != "checkout.session.completed" || ev.PaymentStatus != "paid" || ev.SessionID != s1.ID || ev.AmountTotal != 3000 ||
		ev.Metadata["registration_id"] != "reg_1" || ev.Metadata["type"] != "tryout_registration" || !strings.HasPrefix(ev.PaymentIntentID, "pi_test_") {
		t.Fatalf("event = %+v", ev)
	}
}

func TestCancelSendsExpiredEvent(t *testing.T) {
	c, hook, _ := setup(t)
	s, _ := c.CreateCheckoutSession(context.Background(), params("k2"))
	res := post(t, s.URL+"/cancel")
	if res.StatusCode != 303 || res.Header.Get("Location") != "http://svc/registrations/reg_1/canceled" {
		t.Fatalf("cancel: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if len(hook.events) != 1 || hook.events[0].Type != "checkout.session.expired" || hook.events[0].SessionID != s.ID {
		t.Fatalf("events = %+v", hook.events)
	}
}

func TestExpiredSessionCannotBePaid(t *testing.T) {
	c, hook, _ := setup(t)
	p := params("k3")
	p.ExpiresAt = time.Now().Add(-time.Minute)
	s, _ := c.CreateCheckoutSession(context.Background(), p)
	if res := post(t, s.URL+"/pay"); res.StatusCode != http.StatusConflict {
		t.Fatalf("pay expired: %d", res.StatusCode)
	}
	if res := post(t, c.PublicURL+"/test-checkout/cs_test_nope/pay"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("pay unknown: %d", res.StatusCode)
	}
	if len(hook.events) != 0 {
		t.Fatalf("events sent: %+v", hook.events)
	}
}
