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
			return err
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
	// seed runs after migrations, before the server listens.
	seed func(ctx context.Context, db *sqldb.DB) error
	// banner prints what a person needs once the server listens.
	banner func(addr string)
}

// runService opens and migrates the database, wires the HTTP server and
// the job workers, listens, and shuts down gracefully when ctx ends.
func (m *Main) runService(ctx context.Context, cfg Config, opts serviceOptions) error {
	logger := m.logger(cfg)
	db, err := sqldb.Open(ctx, cfg.DatabaseURL, sqldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if opts.seed != nil {
		if err := opts.seed(ctx, db); err != nil {
			return err
		}
	}
	var checkout web.Checkout
	if cfg.StripeSecretKey != "" {
		sc, err := stripe.New(stripe.Config{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL})
		if err != nil {
			return fmt.Errorf("STRIPE_SECRET_KEY/STRIPE_API_URL: %w", err)
		}
		checkout = sc
	}
	srv := web.NewServer(web.Config{
		PublicURL: cfg.PublicURL, WebhookSecret: cfg.StripeWebhookSecret,
		RateLimitPerMinute: cfg.RateLimitPerMinute, TrustProxy: cfg.TrustProxy,
	}, web.Deps{Store: db, Checkout: checkout, Logger: logger})

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	addr := ln.Addr().String()
	logger.Info("listening", "addr", addr, "database", db.Engine(), "public_url", cfg.PublicURL,
		"card_payments", checkout != nil)
	if opts.banner != nil {
		opts.banner(addr)
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
	logger.Info("stopped")
	return nil
}

func (m *Main) logger(cfg Config) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, nil))
}
