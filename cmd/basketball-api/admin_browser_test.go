package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"basketball/email/emailtest"
)

// TestBrowserAdmin drives the club's admin area of the offline demo in
// Chromium, as staff would: a parent pays at the test checkout; staff open
// the demo's sign-in link, see the dashboard, find the registration in the
// table, export the CSV, cancel it with a refund confirmed on a second
// page, and see it in the audit log. The test checkout records the refund
// and the parent's cancellation email is in the outbox.
func TestBrowserAdmin(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	outbox := filepath.Join(dir, "outbox")
	srv := mustStart(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": outbox}, "demo", "--db", filepath.Join(dir, "demo.db"))
	shot := shots{t: t, ctx: ctx, dir: t.TempDir()}
	if d := os.Getenv("SCREENSHOT_DIR"); d != "" {
		shot.dir = d
	}
	link := demoStaffLink(t, srv)

	// A parent registers and pays.
	mustDo(t, ctx, "open form", chromedp.Navigate(srv.url("/clubs/demo/register")), chromedp.WaitVisible(chromedp.CSS("form")))
	fill(t, ctx, map[string]string{
		"parent_first_name": "Rosa", "parent_last_name": "Diaz", "parent_email": "rosa.diaz@example.com", "parent_phone": "+1 312 555 0199",
		"player_first_name": "Mia", "player_last_name": "Diaz", "player_birth_date": "2012-10-04", "player_grade": "8",
	})
	mustDo(t, ctx, "submit", chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#pay")))
	checkout := mustLocation(t, ctx)
	mustDo(t, ctx, "pay", chromedp.Click(chromedp.CSS("#pay")), chromedp.WaitVisible(chromedp.CSS("#status")))
	waitForStatus(t, ctx, "Paid")
	waitForEmail(t, outbox, "rosa.diaz@example.com")

	// Staff sign in with the demo's link and see the dashboard.
	mustDo(t, ctx, "wide window", chromedp.EmulateViewport(1280, 900))
	mustDo(t, ctx, "staff link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#tryouts")))
	if loc := mustLocation(t, ctx); !strings.HasSuffix(loc, "/admin/clubs/demo") {
		t.Fatalf("the staff link led to %s", loc)
	}
	if paid := mustText(t, ctx, "#tryouts td.paid"); paid != "1" {
		t.Errorf("dashboard paid = %q", paid)
	}
	if revenue := mustText(t, ctx, "#tryouts td.revenue"); revenue != "$30.00" {
		t.Errorf("dashboard revenue = %q", revenue)
	}
	shot.take("admin-dashboard")

	// Find the registration.
	mustDo(t, ctx, "registrations", chromedp.Click(chromedp.CSS("#nav-registrations")), chromedp.WaitVisible(chromedp.CSS("#q")))
	fill(t, ctx, map[string]string{"q": "ROSA.DIAZ"})
	mustDo(t, ctx, "search", chromedp.Click(chromedp.CSS("#filter")), chromedp.WaitVisible(chromedp.CSS("#registrations")))
	csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("CSV export: %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "rosa.diaz@example.com") ||
		!strings.Contains(lines[1], "+1 312 555 0199") || !strings.HasPrefix(lines[0], "id,status,") {
		t.Errorf("CSV export:\n%s", csv)
	}
	mustDo(t, ctx, "open it", chromedp.Click(chromedp.CSS("#registrations tbody a")), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	if status := mustText(t, ctx, "#status"); status != "paid" {
		t.Errorf("registration page status %q", status)
	}
	shot.take("admin-registration")

	// Cancel it with a refund, confirmed on a second page.
	mustDo(t, ctx, "cancel and refund", chromedp.Click(chromedp.CSS("#cancel-refund")), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	if what := mustText(t, ctx, "#what"); !strings.Contains(what, "$30.00") || !strings.Contains(what, "refunded in full") {
		t.Errorf("confirmation page says %q", what)
	}
	fill(t, ctx, map[string]string{"reason": "Family moved away"})
	mustDo(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#notice")))
	if status := mustText(t, ctx, "#status"); status != "refunded" {
		t.Fatalf("after the refund: %q", status)
	}
	if tl := mustText(t, ctx, "#timeline"); !strings.Contains(tl, "registration.refund") {
		t.Errorf("timeline:\n%s", tl)
	}
	m := waitForSubject(t, outbox, "rosa.diaz@example.com", "canceled")
	if !strings.Contains(m.Text, "$30.00 has been refunded in full") || !strings.Contains(m.Text, "Mia Diaz") {
		t.Errorf("cancellation email:\n%s", m.Text)
	}

	// The audit log has it; the test checkout recorded the refund.
	mustDo(t, ctx, "audit", chromedp.Click(chromedp.CSS("#nav-audit")), chromedp.WaitVisible(chromedp.CSS("#audit")))
	if audit := mustText(t, ctx, "#audit"); !strings.Contains(audit, "registration.refund") || !strings.Contains(audit, "staff@demo.localhost") ||
		!strings.Contains(audit, "Family moved away") {
		t.Errorf("audit log:\n%s", audit)
	}
	mustDo(t, ctx, "checkout page", chromedp.Navigate(checkout), chromedp.WaitVisible(chromedp.CSS("#refunds")))
	if refunds := mustText(t, ctx, "#refunds"); !strings.Contains(refunds, "$30.00 refunded") {
		t.Errorf("the test checkout's refunds: %q", refunds)
	}
}

// waitForSubject waits for an .eml in the outbox to `to` whose subject
// has the word.
func waitForSubject(t *testing.T, dir, to, word string) emailtest.Received {
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
			if err == nil && len(m.HeaderTo) > 0 && strings.Contains(m.HeaderTo[0], to) && strings.Contains(m.Subject, word) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email to %s about %q in %s", to, word, dir)
	return emailtest.Received{}
}
