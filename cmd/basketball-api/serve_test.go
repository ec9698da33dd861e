package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
)

// serveEnv is the environment of a serve test on a fresh database.
func serveEnv(t *testing.T, engine string) map[string]string {
	return map[string]string{
		"DATABASE_URL": sqldbtest.URL(t, engine),
		"LISTEN_ADDR":  "127.0.0.1:0",
		"MAIL_DIR":     t.TempDir(),
	}
}

// TestServe runs the service on a fresh database of each engine: it
// migrates, answers health, readiness, metrics and the public API, and
// stops cleanly when its context ends.
func TestServe(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := serveEnv(t, engine)
		srv := mustStart(t, env, "serve")

		for _, path := range []string{"/healthz", "/readyz"} {
			if status, body := mustGet(t, srv.url(path)); status != http.StatusOK {
				t.Errorf("GET %s = %d: %s", path, status, body)
			}
		}
		if status, body := mustGet(t, srv.url("/metrics")); status != http.StatusOK || !strings.Contains(body, "basketball_http_requests_total") {
			t.Errorf("GET /metrics = %d, without basketball_http_requests_total:\n%.2000s", status, body)
		}

		// serve migrated the database: the store works on it as is.
		db := mustOpen(t, env["DATABASE_URL"])
		sqldbtest.MustClub(t, db, "tigers")
		tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 10)

		list := mustTryouts(t, srv, "tigers")
		if len(list) != 1 {
			t.Fatalf("tryouts = %v, want the one created", list)
		}
		for k, want := range map[string]any{"id": tr.ID, "fee_cents": 3000.0, "currency": "usd", "timezone": "America/Chicago",
			"capacity": 10.0, "seats_left": 10.0, "open": true} {
			if list[0][k] != want {
				t.Errorf("tryout %s = %#v, want %#v", k, list[0][k], want)
			}
		}
		if status, body := mustGet(t, srv.url("/api/v1/clubs/nobody/tryouts")); status != http.StatusNotFound || !strings.Contains(body, "club_not_found") {
			t.Errorf("unknown club: %d %s", status, body)
		}

		if code := srv.stop(t); code != 0 {
			t.Errorf("serve exited %d after its context ended, want 0; stderr:\n%s", code, srv.stderr.String())
		}
		mustNotAccept(t, srv.addr)
		logs := srv.stderr.String()
		// Without a Stripe key, serve says once, at start, that card
		// payment is off.
		if n := strings.Count(logs, "card payment is off"); n != 1 || !strings.Contains(logs, "level=WARN msg=\"card payment is off") {
			t.Errorf("serve logged %d card-payment warnings, want one WARN:\n%s", n, logs)
		}
		// River's workers listen for jobs on PostgreSQL (SQLite polls
		// quietly); no "poll only mode" line on either.
		if strings.Contains(logs, "poll only") {
			t.Errorf("serve logs River's poll-only notice:\n%s", logs)
		}
	})
}

// TestServeFinishesInFlightRequest checks the graceful shutdown: once the
// context ends, serve stops accepting connections but still answers a
// request whose handler is running, and only then returns 0.
func TestServeFinishesInFlightRequest(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		srv := mustStart(t, serveEnv(t, engine), "serve")
		conn, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if err := conn.SetDeadline(time.Now().Add(waitLimit)); err != nil {
			t.Fatal(err)
		}
		// With "Expect: 100-continue" the server answers "100 Continue"
		// when the handler starts reading the body: from then on the
		// request is in flight, and its handler waits for the body.
		body := `{}`
		fmt.Fprintf(conn, "POST /webhooks/stripe HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"+
			"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
		br := bufio.NewReader(conn)
		if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
			t.Fatalf("want 100 Continue, got %q, %v", line, err)
		}
		if line, err := br.ReadString('\n'); err != nil || line != "\r\n" {
			t.Fatalf("want the end of the 100 Continue, got %q, %v", line, err)
		}

		srv.cancel()
		mustStopAccepting(t, srv.addr)
		select {
		case code := <-srv.done:
			srv.done <- code
			t.Fatalf("serve returned %d while a request was in flight", code)
		default:
		}

		if _, err := io.WriteString(conn, body); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("in-flight request got no response: %v", err)
		}
		defer resp.Body.Close()
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		// Without STRIPE_WEBHOOK_SECRET the webhook answers 503: what
		// matters is that a whole answer arrives.
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != http.StatusServiceUnavailable || e.Error.Code == "" {
			t.Errorf("in-flight response: %d %+v %v", resp.StatusCode, e, err)
		}
		if code := srv.stop(t); code != 0 {
			t.Errorf("serve exited %d, want 0; stderr:\n%s", code, srv.stderr.String())
		}
	})
}

// mustStopAccepting polls until addr refuses connections.
func mustStopAccepting(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s still accepts connections after the context ended", addr)
}

// fakeStripe is a Stripe API that records the keys it is called with and
// creates Checkout Sessions.
type fakeStripe struct {
	mu   sync.Mutex
	auth []string
}

func (f *fakeStripe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/v1/checkout/sessions" {
		http.Error(w, `{"error":{"type":"invalid_request_error","message":"unexpected call"}}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":"cs_test_fake","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_fake","expires_at":%d}`,
		time.Now().Add(time.Hour).Unix())
}

func (f *fakeStripe) keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.auth...)
}

// TestServeUsesSecretFile checks that a Stripe key given in
// STRIPE_SECRET_KEY_FILE is the one serve pays with, and that it never
// reaches the logs.
func TestServeUsesSecretFile(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		fake := &fakeStripe{}
		api := httptest.NewServer(fake)
		defer api.Close()
		keyFile := filepath.Join(t.TempDir(), "stripe-key")
		if err := os.WriteFile(keyFile, []byte("sk_test_fromfile\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env := serveEnv(t, engine)
		env["STRIPE_SECRET_KEY"] = "sk_test_fromenv"
		env["STRIPE_SECRET_KEY_FILE"] = keyFile
		env["STRIPE_API_URL"] = api.URL
		srv := mustStart(t, env, "serve")

		db := mustOpen(t, env["DATABASE_URL"])
		sqldbtest.MustClub(t, db, "tigers")
		tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 0)
		req, _ := json.Marshal(sqldbtest.Request(tr.ID, 1))
		resp, err := http.Post(srv.url("/api/v1/clubs/tigers/registrations"), "application/json", strings.NewReader(string(req)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated || !strings.Contains(string(b), "cs_test_fake") {
			t.Errorf("card registration: %d %s", resp.StatusCode, b)
		}
		if keys := fake.keys(); len(keys) == 0 || keys[0] != "Bearer sk_test_fromfile" {
			t.Errorf("Stripe was called with %q, want the key from STRIPE_SECRET_KEY_FILE", keys)
		}
		if code := srv.stop(t); code != 0 {
			t.Errorf("serve exited %d", code)
		}
		for _, secret := range []string{"sk_test_fromfile", "sk_test_fromenv"} {
			if strings.Contains(srv.stderr.String()+srv.stdout.String(), secret) {
				t.Errorf("serve's output shows %q", secret)
			}
		}
	})
}
