package main

import (
	"strings"
	"testing"
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
