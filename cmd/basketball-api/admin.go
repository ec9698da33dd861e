package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"basketball/sqldb"
)

// openStore opens and migrates the database named by DATABASE_URL (or the
// --database-url flag of the command). Only commands that may start a new
// database (migrate, club create) create a missing SQLite file; the others
// report it, so a mistyped path writes nothing.
func (m *Main) openStore(ctx context.Context, dbURL string, create bool) (*sqldb.DB, error) {
	if dbURL == "" {
		dbURL = m.Getenv("DATABASE_URL")
	}
	if dbURL == "" {
		dbURL = "sqlite:basketball.db"
	}
	engine, _, err := sqldb.ParseURL(dbURL)
	if err != nil {
		return nil, usagef("DATABASE_URL: %v", err)
	}
	if path := sqldb.SQLitePath(dbURL); engine == sqldb.SQLite && !create {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, usagef("DATABASE_URL: %s does not exist; create a club first (or run migrate)", path)
		}
	}
	db, err := sqldb.Open(ctx, dbURL, sqldb.Options{})
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (m *Main) migrate(ctx context.Context, args []string) error {
	fs := m.newFlags("migrate", "migrate [--database-url URL]")
	dbURL := fs.String("database-url", "", "database (default: $DATABASE_URL, else sqlite:basketball.db)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	db, err := m.openStore(ctx, *dbURL, true)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(m.Stdout, "migrations applied (%s)\n", db.Engine())
	return nil
}

// optInt is an optional integer flag.
type optInt struct{ v *int }

func (o *optInt) String() string {
	if o.v == nil {
		return ""
	}
	return strconv.Itoa(*o.v)
}

func (o *optInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	o.v = &n
	return nil
}

func (m *Main) openTryout(ctx context.Context, args []string) error {
	return m.setTryoutOpen(ctx, true, args)
}
func (m *Main) closeTryout(ctx context.Context, args []string) error {
	return m.setTryoutOpen(ctx, false, args)
}

// setTryoutOpen opens or closes a club's tryout for registration.
func (m *Main) setTryoutOpen(ctx context.Context, open bool, args []string) error {
	verb := map[bool]string{true: "open", false: "close"}[open]
	fs := m.newFlags("tryout "+verb, "tryout "+verb+" --club S --id TRYOUT_ID")
	club := fs.String("club", "", "club slug (required)")
	id := fs.String("id", "", "tryout id (required)")
	dbURL := fs.String("database-url", "", "database (default: $DATABASE_URL)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *club == "" || *id == "" {
		return usagef("--club and --id are required")
	}
	db, err := m.openStore(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// Look the tryout up through its club, so one club cannot close
	// another's tryout by id.
	if _, err := db.Tryout(ctx, *club, *id); err != nil {
		return err
	}
	if err := db.SetTryoutOpen(ctx, *id, open); err != nil {
		return err
	}
	state := map[bool]string{true: "open", false: "closed"}[open]
	fmt.Fprintf(m.Stdout, "tryout %s is now %s for registration\n", *id, state)
	return nil
}
