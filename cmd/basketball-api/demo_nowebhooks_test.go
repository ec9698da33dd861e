package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
)

// TestDemoWithoutWebhooks is issue 11's demo: with its test checkout's
// webhooks switched off, a card registration paid at the test checkout
// becomes paid the moment the parent lands on the registration page, and
// one whose parent closed the tab becomes paid at the next reconciliation.
func TestDemoWithoutWebhooks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": filepath.Join(dir, "outbox"), "RECONCILE_INTERVAL": "1s",
		"RATE_LIMIT_PER_MINUTE": "0"}
	srv := mustStart(t, env, "demo", "--db", filepath.Join(dir, "demo.db"), "--no-webhooks")
	if !strings.Contains(srv.stdout.String(), "webhooks:          OFF") {
		t.Errorf("the banner does not say webhooks are off:\n%s", srv.stdout.String())
	}
	tryout := mustDemoTryout(t, srv)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// pay registers player n by card and presses Pay at the test checkout;
	// it returns the registration and where Pay sends the parent.
	pay := func(n int) (id, successURL string) {
		t.Helper()
		body, _ := json.Marshal(sqldbtest.Request(tryout["id"].(string), n))
		res, err := http.Post(srv.url("/api/v1/clubs/demo/registrations"), "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		var created struct {
			RegistrationID string `json:"registration_id"`
			CheckoutURL    string `json:"checkout_url"`
		}
		_ = json.NewDecoder(res.Body).Decode(&created)
		res.Body.Close()
		u, err := url.Parse(created.CheckoutURL)
		if err != nil || created.RegistrationID == "" {
			t.Fatalf("register: %d %v", res.StatusCode, created)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.url(u.Path+"/pay"), nil)
		req.Header.Set("Origin", srv.url(""))
		res, err = noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("pay at the test checkout: %d", res.StatusCode)
		}
		return created.RegistrationID, res.Header.Get("Location")
	}
	status := func(path string) string {
		t.Helper()
		_, body := mustGet(t, srv.url(path))
		var v struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal([]byte(body), &v)
		return v.Status
	}

	returned, success := pay(1)
	if got := status("/api/v1/registrations/" + returned); got != "pending" {
		t.Fatalf("with webhooks off, a paid registration is %q before the parent returns, want pending", got)
	}
	u, _ := url.Parse(success)
	if code, page := mustGet(t, srv.url(u.RequestURI())); code != http.StatusOK || !strings.Contains(page, "Paid") {
		t.Fatalf("the registration page on return: %d\n%.1500s", code, page)
	}
	if got := status("/api/v1/registrations/" + returned); got != "paid" {
		t.Errorf("after the return the registration is %q, want paid", got)
	}

	closedTab, _ := pay(2)
	deadline := time.Now().Add(30 * time.Second) // a deadline for failing; reconciliation runs every second here
	for status("/api/v1/registrations/"+closedTab) != "paid" {
		if time.Now().After(deadline) {
			t.Fatalf("the registration whose parent closed the tab never became paid; stderr:\n%s", srv.stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
