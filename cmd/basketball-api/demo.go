package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"basketball"
	"basketball/keycloak/keycloaktest"
	"basketball/sqldb"
	"basketball/stripe"
	"basketball/testcheckout"
)

func (m *Main) demo(ctx context.Context, args []string) error {
	fs := m.newFlags("demo", "demo [--db PATH] [--listen-addr ADDR] [serve's other flags; every setting also comes from the environment]")
	dbPath := fs.String("db", "", "SQLite file to use and keep (default: a fresh file in a temporary folder, removed when the demo stops)")
	noWebhooks := fs.Bool("no-webhooks", false, "the test checkout records its events but delivers no webhook: payments are confirmed on the return page or by reconciliation")
	// The demo always runs on its own SQLite file, whatever DATABASE_URL
	// says; the placeholder is replaced once --db is known.
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return "sqlite:demo.db"
		}
		return m.Getenv(k)
	}
	cfg, err := loadConfig(getenv, fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return m.flagError(err)
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if flagGiven(fs, "database-url") {
		return usagef("--database-url: the demo runs on a SQLite file of its own; give it with --db PATH")
	}
	temporary := *dbPath == ""
	if temporary {
		dir, err := os.MkdirTemp("", "basketball-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}
	cfg.DatabaseURL = "sqlite:" + *dbPath
	opts := serviceOptions{seed: seedDemo, homeClub: "demo", demoStaff: true}
	var staffLink string
	opts.staffLink = func(link string) { staffLink = link }
	// Without a Stripe key, card payments go through the local test
	// checkout, which signs its events with the demo's own secret.
	tc, tcErr := testcheckout.New(cfg.StripeSecretKey, "", "", "")
	if tcErr == nil {
		if cfg.StripeWebhookSecret == "" {
			cfg.StripeWebhookSecret = stripe.NewWebhookSecret()
		}
		tc.WebhookSecret = cfg.StripeWebhookSecret
		tc.NoWebhooks = *noWebhooks
		opts.checkout, opts.handlers, opts.testMode = tc, tc.Routes(), true
		opts.reconcileGrace = -1
		if m.Getenv("RECONCILE_INTERVAL") == "" && !flagGiven(fs, "reconcile-interval") {
			// The demo's reconciliation reads the test checkout's events
			// often, so a payment whose webhook was switched off shows up
			// within a minute.
			cfg.ReconcileInterval = 30 * time.Second
		}
	}
	// Without Keycloak, parents' logins go to an in-process stand-in, so
	// the confirmation email carries a login that works and can be tried.
	var kc *keycloaktest.Server
	if cfg.KeycloakURL == "" {
		if kc, err = startKeycloakStandIn(&cfg); err != nil {
			return err
		}
		defer kc.Close()
	}
	opts.listening = func(cfg *Config, addr string) {
		if m.Getenv("PUBLIC_URL") == "" && !flagGiven(fs, "public-url") {
			cfg.PublicURL = "http://" + browsable(addr)
		}
		if tc != nil {
			tc.PublicURL = cfg.PublicURL
			tc.WebhookURL = "http://" + browsable(addr) + "/webhooks/stripe"
		}
	}
	opts.banner = func(cfg Config, addr string) {
		m.demoBanner(cfg, *dbPath, temporary, tc != nil, kc, staffLink)
		if tc != nil && tc.NoWebhooks {
			fmt.Fprintf(m.Stdout, "  webhooks:          OFF (--no-webhooks): payments are confirmed on the registration page, or by reconciliation every %s\n", cfg.ReconcileInterval)
		}
	}
	return m.runService(ctx, cfg, opts)
}

// startKeycloakStandIn serves keycloaktest's fake Keycloak on a free
// loopback port, with a fresh secret, and points cfg at it. Only the demo
// does this; serve never does.
func startKeycloakStandIn(cfg *Config) (*keycloaktest.Server, error) {
	kc, err := keycloaktest.Start("127.0.0.1:0", "demo", "basketball-api", rand.Text())
	if err != nil {
		return nil, fmt.Errorf("start the Keycloak stand-in: %w", err)
	}
	cfg.KeycloakURL, cfg.KeycloakRealm, cfg.KeycloakClientID, cfg.KeycloakClientSecret = kc.URL(), "demo", "basketball-api", kc.ClientSecret()
	return kc, nil
}

// demoBanner says what a person needs to try the demo.
func (m *Main) demoBanner(cfg Config, dbPath string, temporary, testCheckout bool, kc *keycloaktest.Server, staffLink string) {
	w := m.Stdout
	kept := ""
	if temporary {
		kept = ", removed when the demo stops; --db PATH keeps one"
	}
	fmt.Fprintf(w, "\nbasketball-api demo is running (database %s%s)\n", dbPath, kept)
	fmt.Fprintf(w, "  registration form: %s/clubs/demo/register\n", cfg.PublicURL)
	fmt.Fprintf(w, "  tryouts (JSON):    %s/api/v1/clubs/demo/tryouts\n", cfg.PublicURL)
	fmt.Fprintf(w, "  promo code:        FREE (100%% off)\n")
	if staffLink != "" {
		fmt.Fprintf(w, "  club admin:        %s\n", staffLink)
		fmt.Fprintf(w, "                     (one-time staff sign-in link for the demo club, valid 24 h; run the demo again for another)\n")
	}
	if testCheckout {
		fmt.Fprintf(w, "  card payments:     TEST MODE, local test checkout (no Stripe key set)\n")
	} else {
		fmt.Fprintf(w, "  card payments:     Stripe (STRIPE_SECRET_KEY is set)\n")
	}
	if kc != nil {
		fmt.Fprintf(w, "  parent logins:     TEST MODE, in-process Keycloak stand-in (KEYCLOAK_URL not set); try an emailed login at %s/test-login\n", kc.URL())
	} else {
		fmt.Fprintf(w, "  parent logins:     Keycloak at %s\n", cfg.KeycloakURL)
	}
	if cfg.SMTPURL == "" {
		abs, _ := filepath.Abs(cfg.MailDir)
		fmt.Fprintf(w, "  emails go to:      %s/\n", abs)
	} else {
		fmt.Fprintf(w, "  emails go to:      the SMTP server in SMTP_URL\n")
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
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
