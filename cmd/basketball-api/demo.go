package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"basketball"
	"basketball/sqldb"
	"basketball/stripe"
	"basketball/testcheckout"
)

func (m *Main) demo(ctx context.Context, args []string) error {
	fs := m.newFlags("demo", "demo [--db PATH]  (other settings from the environment, as for serve)")
	dbPath := fs.String("db", "", "SQLite file to use (default: a fresh file in a temporary folder)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "basketball-demo-")
		if err != nil {
			return err
		}
		*dbPath = filepath.Join(dir, "demo.db")
	}
	// The demo always runs on its own SQLite file, whatever DATABASE_URL says.
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return "sqlite:" + *dbPath
		}
		return m.Getenv(k)
	}
	cfg, err := loadConfig(getenv, nil, nil)
	if err != nil {
		return usageError{err.Error()}
	}
	opts := serviceOptions{seed: seedDemo}
	// Without a Stripe key, card payments go through the local test
	// checkout, which signs its events with the demo's own secret.
	tc, tcErr := testcheckout.New(cfg.StripeSecretKey, "", "", "")
	if tcErr == nil {
		if cfg.StripeWebhookSecret == "" {
			cfg.StripeWebhookSecret = stripe.NewWebhookSecret()
		}
		tc.WebhookSecret = cfg.StripeWebhookSecret
		opts.checkout, opts.handlers, opts.testMode = tc, tc.Routes(), true
	}
	opts.listening = func(cfg *Config, addr string) {
		if m.Getenv("PUBLIC_URL") == "" {
			cfg.PublicURL = "http://" + browsable(addr)
		}
		if tc != nil {
			tc.PublicURL = cfg.PublicURL
			tc.WebhookURL = "http://" + browsable(addr) + "/webhooks/stripe"
		}
	}
	opts.banner = func(cfg Config, addr string) {
		fmt.Fprintf(m.Stdout, "\nbasketball-api demo is running (database %s)\n", *dbPath)
		fmt.Fprintf(m.Stdout, "  registration form: %s/clubs/demo/register\n", cfg.PublicURL)
		fmt.Fprintf(m.Stdout, "  tryouts (JSON):    %s/api/v1/clubs/demo/tryouts\n", cfg.PublicURL)
		fmt.Fprintf(m.Stdout, "  promo code:        FREE (100%% off)\n")
		if tc != nil {
			fmt.Fprintf(m.Stdout, "  card payments:     TEST MODE, local test checkout (no Stripe key set)\n")
		} else {
			fmt.Fprintf(m.Stdout, "  card payments:     Stripe (STRIPE_SECRET_KEY is set)\n")
		}
		if cfg.SMTPURL == "" {
			abs, _ := filepath.Abs(cfg.MailDir)
			fmt.Fprintf(m.Stdout, "  emails go to:      %s/\n", abs)
		} else {
			fmt.Fprintf(m.Stdout, "  emails go to:      the SMTP server in SMTP_URL\n")
		}
		fmt.Fprintln(m.Stdout, "Press Ctrl-C to stop.")
	}
	return m.runService(ctx, cfg, opts)
}

// browsable turns a listen address into one a browser can open: ":8080"
// and "0.0.0.0:8080" become "localhost:8080".
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// seedDemo creates the demo club, an open tryout three weeks ahead and the
// FREE promo code, each unless the database already has it.
func seedDemo(ctx context.Context, db *sqldb.DB) error {
	_, err := db.CreateClub(ctx, basketball.ClubInput{Slug: "demo", Name: "Demo Basketball Club", EmailFrom: "tryouts@demo-club.example"})
	if err != nil && basketball.ErrorCode(err) != basketball.EConflict {
		return fmt.Errorf("seed demo club: %w", err)
	}
	if list, err := db.ListTryouts(ctx, "demo", false); err != nil || len(list) > 0 {
		return err
	}
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		return err
	}
	// The Saturday three weeks from now, 9:00 to 11:00 in Chicago.
	d := time.Now().In(loc).AddDate(0, 0, 21)
	for d.Weekday() != time.Saturday {
		d = d.AddDate(0, 0, 1)
	}
	start := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
	capacity := 24
	if _, err := db.CreateTryout(ctx, "demo", basketball.TryoutInput{
		Name: "U14 Winter Tryout", StartsAt: start, EndsAt: start.Add(2 * time.Hour), TimeZone: "America/Chicago",
		Location: "Lincoln Middle School Gym, 1200 Oak St", FeeCents: 3000, Currency: "usd", Capacity: &capacity, Open: true,
	}); err != nil {
		return fmt.Errorf("seed demo tryout: %w", err)
	}
	pct := 100
	if _, err := db.CreatePromo(ctx, "demo", basketball.PromoInput{Code: "FREE", PercentOff: &pct}); err != nil && basketball.ErrorCode(err) != basketball.EConflict {
		return fmt.Errorf("seed demo promo: %w", err)
	}
	return nil
}
