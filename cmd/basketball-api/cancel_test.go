package main

import (
	"context"
	"strings"
	"testing"

	"basketball"
	"basketball/registration"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripetest"
)

// TestRegistrationsCancel: `registrations cancel` runs the admin area's
// cancel from the server: --refund refunds through Stripe once, the audit
// log names the actor "cli"; what cannot be canceled exits 2 with a
// sentence and nothing written.
func TestRegistrationsCancel(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		fake := stripetest.NewServer(t)
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine), "STRIPE_SECRET_KEY": "sk_test_cli", "STRIPE_API_URL": fake.URL()}
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers BC")
		mustRun(t, env, "club", "create", "--slug", "lions", "--name", "Lions")
		db := mustOpen(t, env["DATABASE_URL"])
		tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 10)
		sc, err := stripe.New(stripe.Config{SecretKey: "sk_test_cli", APIURL: fake.URL()})
		if err != nil {
			t.Fatal(err)
		}
		svc := registration.New(registration.Config{PublicURL: "http://localhost"}, registration.Deps{Store: db, Payments: sc})
		ctx := context.Background()
		res, err := svc.Register(ctx, "tigers", sqldbtest.Request(tr.ID, 1))
		if err != nil {
			t.Fatal(err)
		}
		reg, _ := db.Registration(ctx, res.Registration.ID)
		ev, err := fake.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		parsed, perr := stripe.ParseEvent(ev.JSON)
		if _, _, err := svc.ApplyPaymentEvent(ctx, stripe.PaymentEvent(parsed, perr), basketball.PathWebhook); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--club", "tigers"}, "--club and --id are required"},
			{[]string{"--club", "lions", "--id", reg.ID, "--refund"}, "there is no registration"},
		} {
			code, _, stderr := run(t, env, append([]string{"registrations", "cancel"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.want)
			}
		}
		out := mustRun(t, env, "registrations", "cancel", "--club", "tigers", "--id", reg.ID, "--refund", "--reason", "asked at the desk")
		if !strings.Contains(out, "refunded in full") {
			t.Fatalf("output: %s", out)
		}
		if r := fake.Refunds(); len(r) != 1 || r[0].IdempotencyKey != reg.ID+"-refund-1" {
			t.Fatalf("refunds %+v", r)
		}
		code, _, stderr := run(t, env, "registrations", "cancel", "--club", "tigers", "--id", reg.ID, "--refund")
		if code != 2 || !strings.Contains(stderr, "a refunded registration cannot be canceled") {
			t.Fatalf("again: exit %d, %q", code, stderr)
		}
		page, err := db.ListAudit(ctx, "tigers", 10, "")
		if err != nil || len(page.Items) != 1 || page.Items[0].Actor != basketball.CLIActor || !strings.Contains(page.Items[0].Detail, "asked at the desk") {
			t.Fatalf("audit %+v, %v", page.Items, err)
		}
		if got, _ := db.Registration(ctx, reg.ID); got.Status != basketball.StatusRefunded {
			t.Fatalf("status %s", got.Status)
		}
	})
}
