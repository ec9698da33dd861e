package stripe

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball/stripe/stripemock"
)

// mockBundle is a Client talking to stripe-mock through a proxy that keeps
// each request's path, query and status, so a test can see what Stripe's
// OpenAPI validation accepted.
type mockBundle struct {
	client *Client
	url    string // the proxy's
	mu     sync.Mutex
	seen   []mockExchange
}

type mockExchange struct {
	Method, Path, RawQuery string
	Status                 int
}

func setupStripeMock(t *testing.T) *mockBundle {
	t.Helper()
	target, err := url.Parse(stripemock.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	b := &mockBundle{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		r := resp.Request
		b.seen = append(b.seen, mockExchange{r.Method, r.URL.Path, r.URL.RawQuery, resp.StatusCode})
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	b.url = srv.URL
	b.client = mustNew(t, Config{SecretKey: "sk_test_123", APIURL: srv.URL, Timeout: 10 * time.Second})
	return b
}

func (b *mockBundle) last(t *testing.T) mockExchange {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.seen) == 0 {
		t.Fatal("no request reached stripe-mock")
	}
	return b.seen[len(b.seen)-1]
}

// TestPaymentCallsAgainstStripeMock checks that Stripe's OpenAPI validation
// (in stripe-mock) accepts every call the return path, reconciliation and
// the admin cancel make, with every parameter they send.
func TestPaymentCallsAgainstStripeMock(t *testing.T) {
	t.Parallel()
	b := setupStripeMock(t)

	t.Run("retrieve checkout session", func(t *testing.T) {
		s, err := b.client.RetrieveCheckoutSession(t.Context(), "cs_test_a1")
		if err != nil {
			t.Fatalf("stripe-mock refused the retrieve: %v", err)
		}
		if s.ID == "" || s.Status == "" || s.PaymentStatus == "" {
			t.Errorf("session = %+v, want id, status and payment_status read", s)
		}
		if ex := b.last(t); ex.Method != http.MethodGet || ex.Path != "/v1/checkout/sessions/cs_test_a1" || ex.Status != 200 {
			t.Errorf("exchange = %+v", ex)
		}
	})

	t.Run("expire checkout session", func(t *testing.T) {
		if _, err := b.client.ExpireCheckoutSession(t.Context(), "cs_test_a1", "cancel-reg_1-1"); err != nil {
			t.Fatalf("stripe-mock refused the expire: %v", err)
		}
		if ex := b.last(t); ex.Method != http.MethodPost || ex.Path != "/v1/checkout/sessions/cs_test_a1/expire" || ex.Status != 200 {
			t.Errorf("exchange = %+v", ex)
		}
	})

	t.Run("refund payment intent", func(t *testing.T) {
		r, err := b.client.RefundPaymentIntent(t.Context(), "pi_123", "refund-reg_1-1", map[string]string{"registration_id": "reg_1"})
		if err != nil {
			t.Fatalf("stripe-mock refused the refund: %v", err)
		}
		if !strings.HasPrefix(r.ID, "re_") || r.Status == "" {
			t.Errorf("refund = %+v", r)
		}
	})

	t.Run("list events", func(t *testing.T) {
		since := time.Now().Add(-72 * time.Hour)
		n := 0
		for ev, err := range b.client.ListEvents(t.Context(), ListEventsParams{CreatedGTE: since, Types: HandledEventTypes}) {
			// stripe-mock's fixture event may be of a shape the webhook
			// does not read: only a refused listing fails this test.
			if _, failed := errors.AsType[*Error](err); failed {
				t.Fatalf("stripe-mock refused the events list: %v", err)
			}
			if ev.ID == "" {
				t.Errorf("event without id: %+v", ev)
			}
			n++
		}
		ex := b.last(t)
		if ex.Path != "/v1/events" || ex.Status != 200 || !strings.Contains(ex.RawQuery, "types") || !strings.Contains(ex.RawQuery, "created") {
			t.Errorf("exchange = %+v", ex)
		}
		t.Logf("%d event(s) listed; query %s", n, ex.RawQuery)
	})

	t.Run("stripe-mock does validate", func(t *testing.T) {
		// The control: the events list with a made-up parameter or a
		// malformed created bound is refused, so the passes above mean
		// something.
		for _, q := range []string{"limit=10&bogus=1", "created[gte]=yesterday"} {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, b.url+"/v1/events?"+q, nil)
			req.Header.Set("Authorization", "Bearer sk_test_123")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("GET /v1/events?%s: status %d, want 400", q, res.StatusCode)
			}
		}
	})
}
