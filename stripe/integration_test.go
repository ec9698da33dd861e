package stripe

import (
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

// TestCheckoutSessionAgainstStripeMock checks that Stripe's own OpenAPI
// validation (in stripe-mock) accepts every parameter we send. A proxy in
// front of stripe-mock records the Idempotency-Key it echoes, which the
// Session type does not carry.
func TestCheckoutSessionAgainstStripeMock(t *testing.T) {
	t.Parallel()
	target, err := url.Parse(stripemock.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	echoed := map[string]string{} // Idempotency-Key sent → echoed
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		mu.Lock()
		defer mu.Unlock()
		echoed[resp.Request.Header.Get("Idempotency-Key")] = resp.Header.Get("Idempotency-Key")
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	// stripe-mock accepts any well-formed test key.
	client := mustNew(t, Config{SecretKey: "sk_test_123", APIURL: srv.URL, Timeout: 10 * time.Second})

	// stripe-mock does not check expires_at against its clock, but keep it
	// inside Stripe's 30 min – 24 h window anyway.
	expires := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	tests := []struct {
		name   string
		amount int64
		key    string
	}{
		{"full price", 5000, "checkout-reg_1-1"},
		{"discounted", 1250, "checkout-reg_2-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testParams()
			p.AmountCents = tt.amount
			p.IdempotencyKey = tt.key
			p.ExpiresAt = expires
			s, err := client.CreateCheckoutSession(t.Context(), p)
			if err != nil {
				t.Fatalf("stripe-mock refused the session: %v", err)
			}
			if !strings.HasPrefix(s.ID, "cs_") {
				t.Errorf("ID = %q, want cs_…", s.ID)
			}
			if _, err := url.ParseRequestURI(s.URL); err != nil {
				t.Errorf("URL = %q: %v", s.URL, err)
			}
			if !s.ExpiresAt.Equal(expires) {
				t.Errorf("ExpiresAt = %v, want %v (echoed)", s.ExpiresAt, expires)
			}
			mu.Lock()
			got := echoed[tt.key]
			mu.Unlock()
			if got != tt.key {
				t.Errorf("stripe-mock echoed Idempotency-Key %q, want %q", got, tt.key)
			}
		})
	}
}
