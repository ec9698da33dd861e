package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
)

// TestDemo runs the offline demo twice on the same SQLite file (the demo
// is SQLite only): it seeds a club with an open tryout and the FREE code,
// a free registration gets its email in the outbox, and the second start
// neither fails nor seeds again.
func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "demo.db")
	mailDir := filepath.Join(dir, "outbox") // not made beforehand, as for a new user
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": mailDir}

	srv := mustStart(t, env, "demo", "--db", dbPath)
	tryout := mustDemoTryout(t, srv)
	if tryout["seats_left"] == nil {
		t.Errorf("demo tryout has no seats_left: %v", tryout)
	}
	banner := srv.stdout.String()
	for _, want := range []string{"/clubs/demo/register", "FREE", mailDir} {
		if !strings.Contains(banner, want) {
			t.Errorf("demo's banner does not mention %q:\n%s", want, banner)
		}
	}
	if status, body := mustGet(t, srv.url("/clubs/demo/register")); status != http.StatusOK || !strings.Contains(body, "U14") {
		t.Errorf("registration form: %d\n%.1000s", status, body)
	}

	// The FREE code (any letter case) pays the whole fee; the confirmation
	// lands in the outbox.
	req := sqldbtest.Request(tryout["id"].(string), 1)
	req.PromoCode = "free"
	body, _ := json.Marshal(req)
	resp, err := http.Post(srv.url("/api/v1/clubs/demo/registrations"), "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var reg struct {
		Status      string `json:"status"`
		AmountCents *int64 `json:"amount_cents"`
	}
	if err := json.Unmarshal(b, &reg); err != nil || resp.StatusCode != http.StatusCreated || reg.Status != "paid" ||
		reg.AmountCents == nil || *reg.AmountCents != 0 {
		t.Errorf("free registration: %d %s", resp.StatusCode, b)
	} else {
		mustEventuallyEmail(t, mailDir)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("demo exited %d; stderr:\n%s", code, srv.stderr.String())
	}
	mustNotAccept(t, srv.addr)

	// Second start on the same file: the seed is already there.
	env["PUBLIC_URL"] = "http://demo.example.test:9999"
	srv = mustStart(t, env, "demo", "--db", dbPath)
	again := mustDemoTryout(t, srv)
	if again["id"] != tryout["id"] {
		t.Errorf("second start made a new tryout %v, want %v", again["id"], tryout["id"])
	}
	if !strings.Contains(srv.stdout.String(), "http://demo.example.test:9999/clubs/demo/register") {
		t.Errorf("banner does not use PUBLIC_URL:\n%s", srv.stdout.String())
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("second demo exited %d; stderr:\n%s", code, srv.stderr.String())
	}
}

// mustDemoTryout returns the demo club's only tryout, checking it is the
// one the demo promises.
func mustDemoTryout(t *testing.T, srv *running) map[string]any {
	t.Helper()
	list := mustTryouts(t, srv, "demo")
	if len(list) != 1 {
		t.Fatalf("demo club has %d tryouts, want 1: %v", len(list), list)
	}
	tr := list[0]
	for k, want := range map[string]any{"fee_cents": 3000.0, "currency": "usd", "timezone": "America/Chicago", "open": true} {
		if tr[k] != want {
			t.Errorf("demo tryout %s = %#v, want %#v", k, tr[k], want)
		}
	}
	return tr
}

// mustEventuallyEmail polls the outbox until an .eml file appears.
func mustEventuallyEmail(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) > 0 {
			b, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "parent1@example.com") {
				t.Errorf("email %s is not to the parent:\n%.2000s", files[0], b)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no .eml file in %s", dir)
}
