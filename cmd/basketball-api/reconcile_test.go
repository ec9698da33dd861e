package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"basketball/sqldb/sqldbtest"
	"basketball/stripe/stripetest"
)

// TestReconcileCommand: after a webhook outage, `reconcile` applies the
// events Stripe kept whose webhook never arrived, prints them, and a second
// pass applies nothing; --since beyond Stripe's 30 days says so.
func TestReconcileCommand(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		fake := stripetest.NewServer(t) // no webhook set: every delivery is lost
		env := serveEnv(t, engine)
		env["STRIPE_SECRET_KEY"], env["STRIPE_API_URL"], env["STRIPE_WEBHOOK_SECRET"] = "sk_test_reconcile", fake.URL(), "whsec_reconcile"
		env["RECONCILE_INTERVAL"] = "0" // only the command reconciles here
		srv := mustStart(t, env, "serve")
		db := mustOpen(t, env["DATABASE_URL"])
		sqldbtest.MustClub(t, db, "tigers")
		tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 10)
		body, _ := json.Marshal(sqldbtest.Request(tr.ID, 1))
		res, err := http.Post(srv.url("/api/v1/clubs/tigers/registrations"), "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var created struct {
			RegistrationID string `json:"registration_id"`
		}
		_ = json.NewDecoder(res.Body).Decode(&created)
		res.Body.Close()
		reg, err := db.Registration(t.Context(), created.RegistrationID)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := fake.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{})
		if err != nil {
			t.Fatal(err)
		}

		var rep struct {
			Applied []struct {
				EventID        string `json:"event_id"`
				Outcome        string `json:"outcome"`
				RegistrationID string `json:"registration_id"`
			} `json:"applied"`
		}
		out := mustRun(t, env, "reconcile", "--since", "1h", "--json")
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("reconcile --json printed %q: %v", out, err)
		}
		if len(rep.Applied) != 1 || rep.Applied[0].EventID != ev.ID || rep.Applied[0].Outcome != "paid" || rep.Applied[0].RegistrationID != reg.ID {
			t.Fatalf("reconcile applied %+v, want the one lost event %s", rep.Applied, ev.ID)
		}
		if got, _ := db.Registration(t.Context(), reg.ID); got.Status != "paid" {
			t.Errorf("after reconcile the registration is %s, want paid", got.Status)
		}
		if out := mustRun(t, env, "reconcile"); !strings.Contains(out, "applied 0") {
			t.Errorf("a second reconcile printed %q, want nothing applied", out)
		}
		code, _, stderr := run(t, env, "reconcile", "--since", "1000h")
		if code != 0 || !strings.Contains(stderr, "30 days") {
			t.Errorf("reconcile --since 1000h: exit %d, stderr %q; want 0 and a note on Stripe's 30 days", code, stderr)
		}
		code, _, stderr = run(t, map[string]string{"DATABASE_URL": env["DATABASE_URL"]}, "reconcile")
		if code != 2 || !strings.Contains(stderr, "STRIPE_SECRET_KEY") {
			t.Errorf("reconcile without a Stripe key: exit %d, %q", code, stderr)
		}
	})
}
