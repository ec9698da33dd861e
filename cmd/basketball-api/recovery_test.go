package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"basketball/email/emailtest"
	"basketball/keycloak/keycloaktest"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// TestRecoveryAfterKillDuringJob is SPEC "Recovery": the real binary is
// killed with SIGKILL while its post-payment job is in the middle of
// sending the confirmation (the SMTP server hangs), then started again
// with the defaults of serve. The parent gets the confirmation within 2
// minutes of the restart, once, with a password Keycloak holds, and has
// one account.
func TestRecoveryAfterKillDuringJob(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		smtp := emailtest.NewServer(t)
		kc := keycloaktest.NewServer(t, "basketball", "basketball-api", "kc-secret")
		api := httptest.NewServer(&fakeStripe{})
		t.Cleanup(api.Close)
		secret := stripe.NewWebhookSecret()
		env := map[string]string{
			"DATABASE_URL": sqldbtest.URL(t, engine), "LISTEN_ADDR": "127.0.0.1:0", "SMTP_URL": smtp.URL(),
			"STRIPE_SECRET_KEY": "sk_test_recovery", "STRIPE_API_URL": api.URL, "STRIPE_WEBHOOK_SECRET": secret,
			"KEYCLOAK_URL": kc.URL(), "KEYCLOAK_REALM": "basketball", "KEYCLOAK_CLIENT_ID": "basketball-api",
			"KEYCLOAK_CLIENT_SECRET": "kc-secret", "RATE_LIMIT_PER_MINUTE": "0",
			"RECONCILE_INTERVAL": "0", // the fake Stripe has no events list
		}
		first := mustStartChild(t, env, "serve")
		db := mustOpen(t, env["DATABASE_URL"])
		sqldbtest.MustClub(t, db, "tigers")
		tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 10)

		body, _ := json.Marshal(sqldbtest.Request(tr.ID, 1))
		res, err := http.Post(first.url("/api/v1/clubs/tigers/registrations"), "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var created struct {
			RegistrationID string `json:"registration_id"`
		}
		_ = json.NewDecoder(res.Body).Decode(&created)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated || created.RegistrationID == "" {
			t.Fatalf("register: %d", res.StatusCode)
		}

		// The mail server hangs: the job will be mid-send when the process dies.
		smtp.Stall()
		ev := stripe.BuildSessionEvent(stripe.SessionEventParams{
			SessionID: "cs_test_fake", PaymentStatus: "paid", PaymentIntentID: "pi_recovery", AmountTotal: 3000, Currency: "usd",
			Metadata: map[string]string{"type": stripe.MetadataType, "registration_id": created.RegistrationID},
		})
		req, _ := http.NewRequest(http.MethodPost, first.url("/webhooks/stripe"), bytes.NewReader(ev))
		req.Header.Set("Stripe-Signature", stripe.SignPayload(ev, secret, time.Now()))
		res, err = http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %v %v", res, err)
		}
		res.Body.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := smtp.WaitHeld(ctx, 1); err != nil {
			t.Fatalf("the job never reached the mail server: %v\n%s", err, first.logs.String())
		}
		first.kill(t)
		restarted := time.Now()
		second := mustStartChild(t, env, "serve")
		smtp.Release()

		// The bound is the contract's; the wait is only a deadline for failing.
		ctx, cancel = context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		msgs, err := smtp.WaitForMessages(ctx, 1)
		if err != nil {
			t.Fatalf("no confirmation within 2 minutes of the restart: %v\nlogs of the restarted process:\n%s", err, second.logs.String())
		}
		t.Logf("confirmation arrived %s after the restart", time.Since(restarted).Round(time.Second))
		pw, ok := emailtest.PasswordInText(msgs[0].Text)
		if !ok || !kc.CheckPassword("parent1@example.com", pw) {
			t.Errorf("the confirmation's password is not the one Keycloak holds (found %v)", ok)
		}
		// Exactly once: the job is done and nothing else is sent.
		second.waitLog(t, ctx, "confirmation sent")
		time.Sleep(2 * time.Second)
		if n := len(smtp.Messages()); n != 1 {
			t.Errorf("%d emails, want 1", n)
		}
		if users := kc.Users(); len(users) != 1 {
			t.Errorf("%d Keycloak accounts, want 1", len(users))
		}
		if strings.Contains(second.logs.String(), "level=ERROR") {
			t.Errorf("the restarted process logged an error:\n%s", second.logs.String())
		}
	})
}
