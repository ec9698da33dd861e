package testcheckout_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/testcheckout"
)

const secret = "whsec_demo"

// webhook records the verified events it receives.
type webhook struct {
	status atomic.Int32 // answer; 0 means 200

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
	if st := h.status.Load(); st != 0 {
		http.Error(w, "told to fail", int(st))
		return
	}
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
}

func (h *webhook) received() []stripe.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.events)
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
	t.Cleanup(c.WaitDeliveries)
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

func mustPage(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func mustCreate(t *testing.T, c *testcheckout.Checkout, key string) stripe.Session {
	t.Helper()
	s, err := c.CreateCheckoutSession(context.Background(), params(key))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mustPay pays s at the checkout page and returns the session as retrieved.
func mustPay(t *testing.T, c *testcheckout.Checkout, s stripe.Session) stripe.CheckoutSession {
	t.Helper()
	if res := post(t, s.URL+"/pay"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pay: %d", res.StatusCode)
	}
	got, err := c.RetrieveCheckoutSession(t.Context(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestNeverWithStripeKey(t *testing.T) {
	t.Parallel()
	if _, err := testcheckout.New("sk_live_x", "", "", ""); !errors.Is(err, testcheckout.ErrStripeConfigured) {
		t.Fatalf("New with a Stripe key: %v", err)
	}
}

func TestPaySendsSignedCompletedEvent(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	s1 := mustCreate(t, c, "k1")
	s2 := mustCreate(t, c, "k1")
	if s1.ID != s2.ID || !strings.HasPrefix(s1.ID, "cs_test_") {
		t.Fatalf("same idempotency key gave %s and %s", s1.ID, s2.ID)
	}
	page := mustPage(t, s1.URL)
	if !strings.Contains(page, "TEST MODE") || !strings.Contains(page, "$30.00") || !strings.Contains(page, "U14 – Max Lee") || !strings.Contains(page, `id="pay"`) {
		t.Fatalf("checkout page:\n%s", page)
	}
	res := post(t, s1.URL+"/pay")
	if res.StatusCode != 303 || res.Header.Get("Location") != "http://svc/registrations/reg_1?session_id="+s1.ID {
		t.Fatalf("pay: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	post(t, s1.URL+"/pay") // a second click sends nothing more
	events := hook.received()
	if len(events) != 1 {
		t.Fatalf("%d events delivered", len(events))
	}
	ev := events[0]
	if ev.Type != "checkout.session.completed" || ev.PaymentStatus != "paid" || ev.SessionID != s1.ID || ev.AmountTotal != 3000 ||
		ev.Metadata["registration_id"] != "reg_1" || ev.Metadata["type"] != "tryout_registration" || !strings.HasPrefix(ev.PaymentIntentID, "pi_test_") {
		t.Fatalf("event = %+v", ev)
	}
	if page := mustPage(t, s1.URL); strings.Contains(page, `id="pay"`) || !strings.Contains(page, "This session is paid") || !strings.Contains(page, ev.ID+"</code>: delivered") {
		t.Errorf("page after paying:\n%s", page)
	}
}

func TestCancelSendsExpiredEvent(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	s := mustCreate(t, c, "k2")
	res := post(t, s.URL+"/cancel")
	if res.StatusCode != 303 || res.Header.Get("Location") != "http://svc/registrations/reg_1/canceled" {
		t.Fatalf("cancel: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if events := hook.received(); len(events) != 1 || events[0].Type != "checkout.session.expired" || events[0].SessionID != s.ID {
		t.Fatalf("events = %+v", events)
	}
	if res := post(t, s.URL+"/pay"); res.StatusCode != http.StatusConflict {
		t.Errorf("pay after cancel: %d", res.StatusCode)
	}
	if got, _ := c.RetrieveCheckoutSession(t.Context(), s.ID); got.Status != stripe.SessionStatusExpired {
		t.Errorf("retrieved %+v", got)
	}
}

func TestExpiredSessionCannotBePaid(t *testing.T) {
	t.Parallel()
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
	// Like Stripe, the checkout expires the overdue session on its own.
	c.WaitDeliveries()
	if events := hook.received(); len(events) != 1 || events[0].Type != stripe.EventCheckoutExpired {
		t.Fatalf("events sent: %+v, want checkout.session.expired alone", events)
	}
}

func TestDeliveryFailureDoesNotUndoThePayment(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	hook.status.Store(http.StatusBadRequest)
	s := mustCreate(t, c, "k4")
	res := post(t, s.URL+"/pay")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "session_id="+s.ID) {
		t.Fatalf("pay: %d %s; want the success URL, as Stripe sends the parent there", res.StatusCode, res.Header.Get("Location"))
	}
	if got, _ := c.RetrieveCheckoutSession(t.Context(), s.ID); got.PaymentStatus != stripe.PaymentStatusPaid {
		t.Errorf("retrieved %+v, want paid", got)
	}
	if page := mustPage(t, s.URL); !strings.Contains(page, "not delivered: webhook answered 400") {
		t.Errorf("page does not show the failed delivery:\n%s", page)
	}
}
