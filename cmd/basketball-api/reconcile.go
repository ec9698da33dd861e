package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"basketball/registration"
	"basketball/stripe"
)

// reconcile does one pass of reconciliation with Stripe's events list and
// prints what it applied: the operator's tool after a webhook outage
// (`reconcile --since 240h` after ten days without webhooks).
func (m *Main) reconcile(ctx context.Context, args []string) error {
	fs := m.newFlags("reconcile", "reconcile [--since 72h] [--json]  (Stripe and the database from the environment, as for serve)")
	since := fs.Duration("since", 0, "read events created this long ago and since (default: from where the last pass stopped, or 72h); Stripe keeps 30 days")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	dbURL := fs.String("database-url", "", "database (default: $DATABASE_URL)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *since < 0 {
		return usagef("--since: want a positive duration such as 72h")
	}
	cfg, err := loadConfig(m.Getenv, nil, nil)
	if err != nil {
		return usageError{err.Error()}
	}
	if cfg.StripeSecretKey == "" {
		return usagef("STRIPE_SECRET_KEY is not set: reconciliation reads Stripe's events list")
	}
	sc, err := stripe.New(stripe.Config{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL})
	if err != nil {
		return usagef("STRIPE_SECRET_KEY/STRIPE_API_URL: %v", err)
	}
	db, err := m.openStore(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// An operator asks for everything now: no grace for webhooks on their
	// way (an event applied twice is deduplicated by its id).
	svc := registration.New(registration.Config{PublicURL: cfg.PublicURL, ReconcileGrace: -1}, registration.Deps{Store: db, Records: sc})
	var from time.Time
	if *since > 0 {
		from = db.Now().Add(-*since)
	}
	rep, err := svc.Reconcile(ctx, from)
	if rep.Clamped {
		fmt.Fprintf(m.Stderr, "basketball-api: note: Stripe keeps events for 30 days; reading from %s instead\n", rep.Since.Format(time.RFC3339))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if rep.Applied == nil {
			rep.Applied = []registration.Reconciled{}
		}
		return json.NewEncoder(m.Stdout).Encode(rep)
	}
	fmt.Fprintf(m.Stdout, "read %d Stripe events created since %s; applied %d whose webhook never arrived\n",
		rep.Listed, rep.Since.Format(time.RFC3339), len(rep.Applied))
	if len(rep.Applied) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EVENT\tTYPE\tOUTCOME\tREGISTRATION")
	for _, a := range rep.Applied {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termSafe(a.EventID), a.Type, a.Outcome, a.RegistrationID)
	}
	return tw.Flush()
}
