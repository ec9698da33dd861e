package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"basketball"
	"basketball/sqldb"
)

func (m *Main) demo(ctx context.Context, args []string) error {
	fs := m.newFlags("demo", "demo [--db PATH]  (other settings from the environment, as for serve)")
	dbPath := fs.String("db", "", "SQLite file to use (default: a fresh file in a temporary folder)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(m.Getenv, nil, nil)
	if err != nil {
		return usageError{err.Error()}
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "basketball-demo-")
		if err != nil {
			return err
		}
		*dbPath = filepath.Join(dir, "demo.db")
	}
	cfg.DatabaseURL = "sqlite:" + *dbPath
	return m.runService(ctx, cfg, serviceOptions{
		seed: seedDemo,
		banner: func(addr string) {
			fmt.Fprintf(m.Stdout, "\nbasketball-api demo is running (database %s)\n", *dbPath)
			fmt.Fprintf(m.Stdout, "  registration form: %s/clubs/demo/register\n", cfg.PublicURL)
			fmt.Fprintf(m.Stdout, "  tryouts (JSON):    %s/api/v1/clubs/demo/tryouts\n", cfg.PublicURL)
			fmt.Fprintf(m.Stdout, "  promo code:        FREE (100%% off)\n")
			if cfg.SMTPURL == "" {
				abs, _ := filepath.Abs(cfg.MailDir)
				fmt.Fprintf(m.Stdout, "  emails go to:      %s/\n", abs)
			} else {
				fmt.Fprintf(m.Stdout, "  emails go to:      the SMTP server in SMTP_URL\n")
			}
			fmt.Fprintln(m.Stdout, "Press Ctrl-C to stop.")
		},
	})
}

// seedDemo creates the demo club, an open tryout three weeks ahead and the
// FREE promo code, unless the database already has them.
func seedDemo(ctx context.Context, db *sqldb.DB) error {
	_, err := db.CreateClub(ctx, basketball.ClubInput{Slug: "demo", Name: "Demo Basketball Club", EmailFrom: "tryouts@demo-club.example"})
	if basketball.ErrorCode(err) == basketball.EConflict {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed demo club: %w", err)
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
	if _, err := db.CreatePromo(ctx, "demo", basketball.PromoInput{Code: "FREE", PercentOff: &pct}); err != nil {
		return fmt.Errorf("seed demo promo: %w", err)
	}
	return nil
}
