package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"basketball/email/emailtest"
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
	if _, body := mustGet(t, srv.url("/")); !strings.Contains(body, `href="/clubs/demo/register"`) {
		t.Errorf("the root page does not link the demo club:\n%s", body)
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
		// Without KEYCLOAK_URL the demo's Keycloak stand-in made the
		// parent's account: the emailed password logs in there.
		mail := mustEventuallyEmail(t, mailDir)
		login := mustLoginPage(t, banner)
		pw := mustField(t, mail, "Password:")
		if !strings.Contains(mail, "Log in:   "+strings.TrimSuffix(login, "/test-login")) {
			t.Errorf("the email's login link is not the stand-in's:\n%s", mail)
		}
		// The password also went back in the answer, so the account must
		// confirm its address first (the stand-in's button stands for
		// Keycloak's link); then it logs in.
		if mustCheckPassword(t, login, "parent1@example.com", pw) {
			t.Errorf("the password shown in the answer logs in before the address is confirmed")
		}
		mustFollowVerification(t, login, "parent1@example.com")
		if !mustCheckPassword(t, login, "parent1@example.com", pw) {
			t.Errorf("the emailed password %q does not log in", pw)
		}
		if mustCheckPassword(t, login, "parent1@example.com", pw+"x") {
			t.Error("the stand-in accepts a wrong password")
		}
		if status, body := mustGet(t, login); status != http.StatusOK || !strings.Contains(body, "TEST MODE") {
			t.Errorf("login page: %d\n%s", status, body)
		}
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

// mustEventuallyEmail polls the outbox until an .eml file appears and
// returns its text.
func mustEventuallyEmail(t *testing.T, dir string) string {
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
			m, err := emailtest.ParseEML(b)
			if err != nil {
				t.Fatalf("parse %s: %v", files[0], err)
			}
			return m.Text
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no .eml file in %s", dir)
	return ""
}

// mustLoginPage finds the stand-in's login page in the demo's banner.
func mustLoginPage(t *testing.T, banner string) string {
	t.Helper()
	m := regexp.MustCompile(`TEST MODE.*(http://\S+/test-login)`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("the banner names no TEST MODE login page:\n%s", banner)
	}
	return m[1]
}

// mustField returns what follows label on its line of text.
func mustField(t *testing.T, text, label string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if _, v, ok := strings.Cut(line, label); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %q in:\n%s", label, text)
	return ""
}

// mustCheckPassword asks the stand-in, through its login form, whether
// the password logs in.
func mustCheckPassword(t *testing.T, loginURL, email, password string) bool {
	t.Helper()
	resp, err := http.PostForm(loginURL, url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login check: %d %s", resp.StatusCode, b)
	}
	return strings.Contains(string(b), "The password is valid")
}

// mustFollowVerification presses the stand-in's "follow the link" button.
func mustFollowVerification(t *testing.T, loginURL, email string) {
	t.Helper()
	resp, err := http.PostForm(loginURL+"/verify-email", url.Values{"email": {email}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "is confirmed") {
		t.Fatalf("verify email: %d %s", resp.StatusCode, b)
	}
}

// TestDemoCleansUp: without --db the demo works in a temporary folder and
// removes it when it stops; --listen-addr works as for serve.
func TestDemoCleansUp(t *testing.T) {
	t.Parallel()
	srv := mustStart(t, map[string]string{"MAIL_DIR": t.TempDir()}, "demo", "--listen-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`database (\S+), removed when the demo stops`).FindStringSubmatch(srv.stdout.String())
	if m == nil {
		t.Fatalf("banner does not name a temporary database:\n%s", srv.stdout.String())
	}
	dir := filepath.Dir(m[1])
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatalf("the demo's database: %v", err)
	}
	if !strings.HasPrefix(srv.addr, "127.0.0.1:") {
		t.Errorf("--listen-addr 127.0.0.1:0 listens on %s", srv.addr)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("demo exited %d; stderr:\n%s", code, srv.stderr.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo left %s behind (%v)", dir, err)
	}
	// A database given with --db is the user's: kept, and no lock file.
	keep := filepath.Join(t.TempDir(), "kept.db")
	srv = mustStart(t, map[string]string{"MAIL_DIR": t.TempDir()}, "demo", "--listen-addr", "127.0.0.1:0", "--db", keep)
	srv.stop(t)
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("--db file: %v", err)
	}
	if files, _ := filepath.Glob(keep + "*lock*"); len(files) != 0 {
		t.Errorf("lock files left beside the database: %v", files)
	}
	if code, _, stderr := run(t, nil, "demo", "--database-url", "sqlite:x.db"); code != 2 || !strings.Contains(stderr, "--db") {
		t.Errorf("demo --database-url: %d %s", code, stderr)
	}
}
