package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

func TestMailPreviewSample(t *testing.T) {
	t.Parallel()
	out := mustRun(t, nil, "mail", "preview")
	for _, want := range []string{"Subject: Tryout registration confirmed", "Max Lee", "U14 Winter Tryout", "9:00 AM", "$30.00",
		"Password:", "----- HTML part -----", "<html"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	existing := mustRun(t, nil, "mail", "preview", "--account", "existing", "--format", "text")
	if strings.Contains(existing, "Password:") || !strings.Contains(existing, "existing account") || strings.Contains(existing, "<html") {
		t.Errorf("existing-account text preview:\n%s", existing)
	}
	if code, _, stderr := run(t, nil, "mail", "preview", "--account", "maybe"); code != 2 || !strings.Contains(stderr, "--account") {
		t.Errorf("bad --account: %d %s", code, stderr)
	}
}

// TestDemoWithStripeKeyHasNoTestCheckout: with a Stripe key the local test
// checkout is never mounted and no page says TEST MODE.
func TestDemoWithStripeKeyHasNoTestCheckout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := mustStart(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": dir, "STRIPE_SECRET_KEY": "sk_test_123",
		"STRIPE_API_URL": "http://127.0.0.1:9"}, "demo", "--db", dir+"/demo.db")
	if status, _ := mustGet(t, srv.url("/test-checkout/cs_test_x")); status != 404 {
		t.Errorf("test checkout answered %d with a Stripe key set", status)
	}
	if _, body := mustGet(t, srv.url("/clubs/demo/register")); strings.Contains(body, "TEST MODE") {
		t.Error("the form says TEST MODE with a Stripe key set")
	}
	if !strings.Contains(srv.stdout.String(), "Stripe (STRIPE_SECRET_KEY is set)") {
		t.Errorf("banner:\n%s", srv.stdout.String())
	}
}

// TestMailPreviewOfAnUnpaidRegistration: a preview of a registration that
// is not paid says so, on stderr and at the top of both parts; a paid
// one's preview does not.
func TestMailPreviewOfAnUnpaidRegistration(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, sqldb.SQLite)}
	mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers")
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour).UTC()
	tr := mustOneJSONObject(t, mustRun(t, env, "tryout", "create", "--club", "tigers", "--name", "Winter", "--starts-at", start.Format(time.RFC3339),
		"--ends-at", start.Add(2*time.Hour).Format(time.RFC3339), "--timezone", "America/Chicago", "--location", "Gym", "--fee-cents", "3000", "--json"))
	pending := mustPendingRegistration(t, env["DATABASE_URL"], tr["id"].(string))

	code, stdout, stderr := run(t, env, "mail", "preview", "--registration", pending)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "preview of an unpaid registration") || !strings.Contains(stderr, "pending") {
		t.Errorf("stderr = %q", stderr)
	}
	if !strings.HasPrefix(stdout, "*** PREVIEW OF AN UNPAID REGISTRATION") {
		t.Errorf("the preview does not start with the banner:\n%.500s", stdout)
	}
	_, html, _ := strings.Cut(stdout, "----- HTML part -----")
	if !strings.Contains(html, "PREVIEW OF AN UNPAID REGISTRATION") {
		t.Errorf("the HTML part has no banner:\n%.1000s", html)
	}

	db := mustOpen(t, env["DATABASE_URL"])
	if _, _, err := db.ApplyPaymentEvent(context.Background(), basketball.PaymentEvent{ID: "evt_preview", Type: basketball.EventCheckoutCompleted,
		MetadataType: basketball.MetadataTypeRegistration, RegistrationRef: pending, SessionID: "cs_test_cli", PaymentStatus: "paid",
		PaymentIntentID: "pi_preview", AmountTotal: 3000}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, env, "mail", "preview", "--registration", pending)
	if code != 0 || stderr != "" || strings.Contains(stdout, "UNPAID") {
		t.Errorf("preview of a paid registration: %d %q\n%.500s", code, stderr, stdout)
	}
}
