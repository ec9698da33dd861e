package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"basketball/email/emailtest"
)

// newBrowser starts Debian's Chromium headless, with the flags this closed
// network needs. Without Chromium the test fails in CI (scripts/test.sh
// installs it) and is skipped elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed; scripts/install-chromium.sh installs it")
		}
		t.Skip("chromium is not installed; run scripts/install-chromium.sh")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(430, 1100),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	return ctx
}

// shots saves screenshots under a temp folder, or SCREENSHOT_DIR when set
// (that is how docs/ gets its pictures).
type shots struct {
	t   *testing.T
	ctx context.Context
	dir string
}

func (s shots) take(name string) {
	s.t.Helper()
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func mustDo(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func mustText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func mustValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func mustLocation(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fill sets the form's fields by id.
func fill(t *testing.T, ctx context.Context, fields map[string]string) {
	t.Helper()
	for id, v := range fields {
		mustDo(t, ctx, "fill "+id, chromedp.SetValue(chromedp.CSS("#"+id), v))
	}
}

// waitForStatus reads the registration page (which refreshes itself while
// pending) until its status reads want.
func waitForStatus(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		mustDo(t, ctx, "status visible", chromedp.WaitVisible(chromedp.CSS("#status")))
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q, want %q", got, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitForEmail waits for an .eml in the outbox addressed to `to`.
func waitForEmail(t *testing.T, dir, to string) emailtest.Received {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			m, err := emailtest.ParseEML(raw)
			if err == nil && len(m.HeaderTo) > 0 && strings.Contains(m.HeaderTo[0], to) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email to %s in %s", to, dir)
	return emailtest.Received{}
}

// TestBrowserRegistration drives the offline demo in a real Chromium, as a
// parent would: a wrong email is shown beside its field with the input
// kept; the corrected form goes to the TEST MODE checkout; Pay lands on the
// registration page, which turns paid; the confirmation is in the outbox.
// A second parent registers free with the FREE code.
func TestBrowserRegistration(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	outbox := filepath.Join(dir, "outbox")
	srv := mustStart(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": outbox}, "demo", "--db", filepath.Join(dir, "demo.db"))
	shot := shots{t: t, ctx: ctx, dir: t.TempDir()}
	if d := os.Getenv("SCREENSHOT_DIR"); d != "" {
		shot.dir = d
	}
	t.Logf("screenshots in %s", shot.dir)

	mustDo(t, ctx, "open form", chromedp.Navigate(srv.url("/clubs/demo/register")), chromedp.WaitVisible(chromedp.CSS("form")))
	if banner := mustText(t, ctx, ".testmode"); !strings.Contains(banner, "TEST MODE") {
		t.Errorf("form banner = %q", banner)
	}
	fill(t, ctx, map[string]string{
		"parent_first_name": "Ann", "parent_last_name": "Lee", "parent_email": "ann.lee@example",
		"player_first_name": "Max", "player_last_name": "Lee", "player_birth_date": "2013-05-01", "player_grade": "7",
	})
	shot.take("register-form")
	mustDo(t, ctx, "submit with a bad email", chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#parent_email-error")))
	if msg := mustText(t, ctx, "#parent_email-error"); !strings.Contains(msg, "email") {
		t.Errorf("message beside the email field = %q", msg)
	}
	if v := mustValue(t, ctx, "#parent_email"); v != "ann.lee@example" {
		t.Errorf("email input not kept: %q", v)
	}
	if v := mustValue(t, ctx, "#player_first_name"); v != "Max" {
		t.Errorf("player name not kept: %q", v)
	}
	shot.take("register-form-error")

	fill(t, ctx, map[string]string{"parent_email": "ann.lee@example.com"})
	mustDo(t, ctx, "submit the fixed form", chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#pay")))
	if loc := mustLocation(t, ctx); !strings.Contains(loc, "/test-checkout/cs_test_") {
		t.Errorf("checkout at %s", loc)
	}
	if amount := mustText(t, ctx, "#amount"); amount != "$30.00" {
		t.Errorf("checkout amount %q", amount)
	}
	if banner := mustText(t, ctx, ".testmode"); !strings.Contains(banner, "TEST MODE") {
		t.Errorf("checkout banner = %q", banner)
	}
	shot.take("test-checkout")

	mustDo(t, ctx, "pay", chromedp.Click(chromedp.CSS("#pay")), chromedp.WaitVisible(chromedp.CSS("#status")))
	if loc := mustLocation(t, ctx); !strings.Contains(loc, "/registrations/reg_") || !strings.Contains(loc, "session_id=cs_test_") {
		t.Errorf("after paying at %s", loc)
	}
	waitForStatus(t, ctx, "Paid")
	if banner := mustText(t, ctx, ".testmode"); !strings.Contains(banner, "TEST MODE") {
		t.Errorf("registration page banner = %q", banner)
	}
	shot.take("registration-paid")
	m := waitForEmail(t, outbox, "ann.lee@example.com")
	if !strings.Contains(m.Text, "Max Lee") || !strings.Contains(m.Text, "$30.00") || !strings.Contains(m.Text, "U14 Winter Tryout") {
		t.Errorf("confirmation email:\n%s", m.Text)
	}

	// A second parent pays nothing with FREE and lands straight on the page.
	mustDo(t, ctx, "open form again", chromedp.Navigate(srv.url("/clubs/demo/register")), chromedp.WaitVisible(chromedp.CSS("form")))
	fill(t, ctx, map[string]string{
		"parent_first_name": "Bo", "parent_last_name": "Kim", "parent_email": "bo.kim@example.com",
		"player_first_name": "Jun", "player_last_name": "Kim", "player_birth_date": "2012-09-30", "promo_code": "free",
	})
	mustDo(t, ctx, "submit free", chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#status")))
	waitForStatus(t, ctx, "Paid")
	if loc := mustLocation(t, ctx); strings.Contains(loc, "test-checkout") {
		t.Errorf("free registration went through checkout: %s", loc)
	}
	if m := waitForEmail(t, outbox, "bo.kim@example.com"); !strings.Contains(m.Text, "Jun Kim") {
		t.Errorf("free confirmation email:\n%s", m.Text)
	}

	// A third parent cancels at the checkout, then pays again from the
	// cancel page.
	mustDo(t, ctx, "open form a third time", chromedp.Navigate(srv.url("/clubs/demo/register")), chromedp.WaitVisible(chromedp.CSS("form")))
	fill(t, ctx, map[string]string{
		"parent_first_name": "Cy", "parent_last_name": "Ng", "parent_email": "cy.ng@example.com",
		"player_first_name": "Lu", "player_last_name": "Ng", "player_birth_date": "2011-01-15",
	})
	mustDo(t, ctx, "submit", chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#cancel")))
	mustDo(t, ctx, "cancel", chromedp.Click(chromedp.CSS("#cancel")), chromedp.WaitVisible(chromedp.CSS("#pay-again")))
	if h := mustText(t, ctx, "#canceled-title"); h != "Payment canceled" {
		t.Fatalf("after cancel: %q at %s", h, mustLocation(t, ctx))
	}
	shot.take("payment-canceled")
	mustDo(t, ctx, "pay again", chromedp.Click(chromedp.CSS("#pay-again")), chromedp.WaitVisible(chromedp.CSS("#pay")))
	mustDo(t, ctx, "pay", chromedp.Click(chromedp.CSS("#pay")), chromedp.WaitVisible(chromedp.CSS("#status")))
	waitForStatus(t, ctx, "Paid")
	waitForEmail(t, outbox, "cy.ng@example.com")
}
