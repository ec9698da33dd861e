package stripemock

import (
	"net/http"
	"testing"
)

func TestStartAnswersAsStripeMock(t *testing.T) {
	t.Parallel()
	// Two at once: each must get its own ports, HTTPS included.
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url := Start(t)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/v1/customers", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth("sk_test_123", "")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("GET /v1/customers: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Stripe-Mock-Version") == "" {
				t.Errorf("status %d, Stripe-Mock-Version %q", resp.StatusCode, resp.Header.Get("Stripe-Mock-Version"))
			}
		})
	}
}

func TestStartStopsTheProcessAtCleanup(t *testing.T) {
	t.Parallel()
	var url string
	t.Run("inner", func(t *testing.T) { url = Start(t) })
	if url == "" {
		t.Skip("stripe-mock not started")
	}
	// The inner test's cleanup has run: nothing may answer there any more.
	resp, err := http.Get(url + "/v1/customers")
	if err == nil {
		resp.Body.Close()
		t.Errorf("stripe-mock still answers at %s after cleanup", url)
	}
}
