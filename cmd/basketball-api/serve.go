package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"basketball/email"
	"basketball/jobs"
	"basketball/keycloak"
	"basketball/registration"
	"basketball/sqldb"
	"basketball/stripe"
	"basketball/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	fs := m.newFlags("serve", "serve [flags]  (every flag is also an environment variable)")
	printConfig := fs.Bool("print-config", false, "print the effective configuration (secrets masked) and exit")
	cfg, err := loadConfig(m.Getenv, fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return m.flagError(err)
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *printConfig {
		cfg.print(m.Stdout)
		return nil
	}
	return m.runService(ctx, cfg, serviceOptions{})
}

// serviceOptions adjust the service for the demo.
type serviceOptions struct {
	// listening may adjust the configuration once the address is known
	// (the demo derives PUBLIC_URL from it).
	listening func(cfg *Config, addr string)
	// seed runs after migrations, before the server listens.
	seed func(ctx context.Context, db *sqldb.DB) error
	// banner prints what a person needs once the server listens.
	banner func(cfg Config, addr string)
	// checkout replaces Stripe (the demo's local test checkout).
	checkout stripeAPI
	// testMode marks every page as using the local test checkout.
	testMode bool
	// reconcileGrace replaces how long reconciliation leaves fresh events
	// to their webhooks (the demo's test checkout delivers at once or never).
	reconcileGrace time.Duration
	// handlers are extra routes (the test checkout's pages).
	handlers map[string]http.Handler
	// homeClub is the club the root page links to (the demo's).
	homeClub string
	// demoStaff mounts the demo's staff sign-in links; staffLink is told
	// one for homeClub before the banner is printed.
	demoStaff bool
	staffLink func(link string)
}

// stripeAPI is Stripe as the service uses it: checkout sessions, and what
// Stripe knows of past payments (sessions, events).
type stripeAPI interface {
	registration.Payments
	registration.Records
}

// stripeFor returns Stripe's API when STRIPE_SECRET_KEY is set, else the
// stand-in (the demo's test checkout), else nil.
func stripeFor(cfg Config, standIn stripeAPI) (stripeAPI, error) {
	if cfg.StripeSecretKey == "" {
		return standIn, nil
	}
	sc, err := stripe.New(stripe.Config{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL})
	if err != nil {
		return nil, fmt.Errorf("STRIPE_SECRET_KEY/STRIPE_API_URL: %w", err)
	}
	return sc, nil
}

// postPaymentStep wires Keycloak (when configured) and the mailer.
func postPaymentStep(cfg Config, db *sqldb.DB, logger *slog.Logger) (*jobs.PostPayment, error) {
	mailer, err := email.NewSender(email.Config{SMTPURL: cfg.SMTPURL, MailDir: cfg.MailDir})
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL/MAIL_DIR: %w", err)
	}
	step := &jobs.PostPayment{Store: db, Mailer: mailer, MailFrom: cfg.MailFrom, PublicURL: cfg.PublicURL, Logger: logger,
		Delivery: cfg.AccountDelivery}
	if cfg.KeycloakURL != "" {
		kc, err := keycloak.New(keycloak.Config{URL: cfg.KeycloakURL, Realm: cfg.KeycloakRealm,
			ClientID: cfg.KeycloakClientID, ClientSecret: cfg.KeycloakClientSecret})
		if err != nil {
			return nil, fmt.Errorf("KEYCLOAK_URL: %w", err)
		}
		step.Accounts = kc
	}
	return step, nil
}

// runService opens and migrates the database, wires the registration
// service, the HTTP server and the job workers, listens, and shuts down
// gracefully when ctx ends.
func (m *Main) runService(ctx context.Context, cfg Config, opts serviceOptions) error {
	logger := m.logger(cfg)
	// Configuration errors stop the service before it listens: first the
	// database, then the address, then everything else.
	db, err := openServiceDB(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer db.Close()
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	defer ln.Close()
	if opts.listening != nil {
		opts.listening(&cfg, ln.Addr().String())
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if opts.seed != nil {
		if err := opts.seed(ctx, db); err != nil {
			return err
		}
	}
	if cfg.StripeSecretKey != "" {
		// The test checkout never stands in for a configured Stripe.
		opts.checkout, opts.handlers, opts.testMode = nil, nil, false
	}
	api, err := stripeFor(cfg, opts.checkout)
	if err != nil {
		return err
	}
	// Interfaces holding a nil API would look configured: keep them nil.
	var payments registration.Payments
	var records registration.Records
	if api != nil {
		payments, records = api, api
	}
	metrics := web.NewMetrics()
	stopMetrics, err := serveMetrics(cfg, metrics, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	step, err := postPaymentStep(cfg, db, logger)
	if err != nil {
		return err
	}
	svc := registration.New(registration.Config{PublicURL: cfg.PublicURL, ReconcileGrace: opts.reconcileGrace}, registration.Deps{
		Store: db, Payments: payments, Records: records, PostPayment: step.RunInline, Observer: metrics, Logger: logger,
	})
	var srv *web.Server
	auth, admin, err := adminArea(cfg, db, svc, payments, opts.demoStaff,
		func(w http.ResponseWriter, r *http.Request, err error) { srv.WriteStaffError(w, r, err) }, logger)
	if err != nil {
		return err
	}
	handlers := jobs.Handlers{PostPayment: step, Sweeper: svc, Sessions: db, Reminders: db}
	if records != nil {
		handlers.Reconcile = func(ctx context.Context) error {
			_, err := svc.Reconcile(ctx, time.Time{})
			return err
		}
	}
	queue, err := jobs.NewQueue(db.RiverDriver(), handlers, jobs.Config{
		MaxAttempts: cfg.JobMaxAttempts, Logger: logger, ReconcileInterval: cfg.ReconcileInterval, ReminderBefore: cfg.ReminderBefore,
		Outcome: func(kind, o string) { metrics.Jobs.WithLabelValues(kind, o).Inc() },
	})
	if err != nil {
		return err
	}
	srv = web.NewServer(web.Config{
		WebhookSecret:      cfg.StripeWebhookSecret,
		RateLimitPerMinute: cfg.RateLimitPerMinute, TrustProxy: cfg.TrustProxy,
		TestMode: opts.testMode, AdditionalHandlers: opts.handlers, NoMetrics: cfg.MetricsAddr != "", HomeClub: opts.homeClub,
		DemoStaff: opts.demoStaff, StaffIssuer: cfg.OIDCIssuerURL,
	}, web.Deps{Service: svc, Logger: logger, Metrics: metrics, Staff: auth, Admin: admin})
	if opts.staffLink != nil && auth != nil {
		link, err := auth.DemoLink(opts.homeClub)
		if err != nil {
			return err
		}
		opts.staffLink(link)
	}

	// Not ctx: SIGTERM must let running jobs finish (queue.Stop below), not
	// cancel them mid-way.
	if err := queue.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := queue.Stop(sctx); err != nil {
			logger.Warn("stop job workers", "err", err)
		}
	}()

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	addr := ln.Addr().String()
	if payments == nil {
		logger.Warn("card payment is off: STRIPE_SECRET_KEY is not set, so registrations with an amount due are refused (503 payments_not_configured); free tryouts and promo codes that cover the fee still work")
	}
	logger.Info("listening", "addr", addr, "database", db.Engine(), "public_url", cfg.PublicURL,
		"card_payments", payments != nil)
	if opts.banner != nil {
		opts.banner(cfg, addr)
	}
	if m.Ready != nil {
		m.Ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// Free registrations whose inline step outlived their request.
	if err := svc.Close(sctx); err != nil {
		logger.Warn("inline post-payment steps still running at shutdown; their jobs will finish them", "err", err)
	}
	logger.Info("stopped")
	return nil
}

func (m *Main) logger(cfg Config) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, nil))
}
