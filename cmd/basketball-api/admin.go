package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"basketball"
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

func (m *Main) create(ctx context.Context, kind string, args []string) error {
	var (
		fs     *flag.FlagSet
		dbURL  *string
		asJSON *bool
		run    func(db *sqldb.DB) (any, string, error)
		check  func() error
	)
	switch kind {
	case "club":
		fs = m.newFlags("club create", "club create --slug S --name N [--email-from ADDR] [--json]")
		in := basketball.ClubInput{}
		fs.StringVar(&in.Slug, "slug", "", "club slug, as in URLs (required)")
		fs.StringVar(&in.Name, "name", "", "club name (required)")
		fs.StringVar(&in.EmailFrom, "email-from", "", "sender address of the club's emails")
		check = func() error { in.Normalize(); return in.Validate() }
		run = func(db *sqldb.DB) (any, string, error) {
			c, err := db.CreateClub(ctx, in)
			return c, fmt.Sprintf("created club %s (%s)", c.Slug, c.ID), err
		}
	case "tryout":
		fs = m.newFlags("tryout create", "tryout create --club S --name N --starts-at T --ends-at T --timezone TZ --location L --fee-cents N [--currency usd] [--capacity N] [--min-age N] [--max-age N] [--age-on DATE] [--closed] [--json]")
		in := basketball.TryoutInput{}
		club := fs.String("club", "", "club slug (required)")
		fs.StringVar(&in.Name, "name", "", "tryout name (required)")
		starts := fs.String("starts-at", "", "start, RFC 3339 (or YYYY-MM-DDTHH:MM in --timezone) (required)")
		ends := fs.String("ends-at", "", "end, same forms as --starts-at (required)")
		fs.StringVar(&in.TimeZone, "timezone", "", "IANA time zone, e.g. America/Chicago (required)")
		fs.StringVar(&in.Location, "location", "", "where it takes place (required)")
		fee := fs.Int64("fee-cents", 0, "fee in cents (required)")
		fs.StringVar(&in.Currency, "currency", "usd", "ISO 4217 currency")
		capacity := &optInt{}
		fs.Var(capacity, "capacity", "seats (default unlimited)")
		closed := fs.Bool("closed", false, "create it closed for registration")
		minAge, maxAge := &optInt{}, &optInt{}
		fs.Var(minAge, "min-age", "youngest age allowed, in whole years on --age-on (default: no limit)")
		fs.Var(maxAge, "max-age", "oldest age allowed, in whole years on --age-on (default: no limit)")
		ageOn := fs.String("age-on", "", "date ages are counted on, YYYY-MM-DD (default: the tryout's start date in its zone)")
		check = func() error {
			if *club == "" {
				return usagef("--club is required")
			}
			feeGiven := false
			fs.Visit(func(f *flag.Flag) { feeGiven = feeGiven || f.Name == "fee-cents" })
			if !feeGiven {
				return usagef("--fee-cents is required")
			}
			in.FeeCents, in.Capacity, in.Open = *fee, capacity.v, !*closed
			in.MinAge, in.MaxAge = minAge.v, maxAge.v
			if *ageOn != "" {
				in.AgeOn = ageOn
			}
			f := map[string]string{}
			var err error
			if in.StartsAt, err = parseTime(*starts, in.TimeZone); err != nil {
				f["starts_at"] = err.Error()
			}
			if in.EndsAt, err = parseTime(*ends, in.TimeZone); err != nil {
				f["ends_at"] = err.Error()
			}
			in.Normalize()
			var e *basketball.Error
			if err := in.Validate(); errors.As(err, &e) {
				for k, v := range e.Fields {
					if _, ok := f[k]; !ok {
						f[k] = v
					}
				}
			}
			if len(f) > 0 {
				return basketball.FieldErrors(f)
			}
			return nil
		}
		run = func(db *sqldb.DB) (any, string, error) {
			t, err := db.CreateTryout(ctx, *club, in)
			return t, fmt.Sprintf("created tryout %q (%s)", t.Name, t.ID), err
		}
	case "promo":
		fs = m.newFlags("promo create", "promo create --club S --code C (--percent-off P | --amount-off-cents A) [--max-uses N] [--expires-at T] [--json]")
		in := basketball.PromoInput{}
		club := fs.String("club", "", "club slug (required)")
		fs.StringVar(&in.Code, "code", "", "the code parents type, any letter case (required)")
		pct, maxUses := &optInt{}, &optInt{}
		fs.Var(pct, "percent-off", "percent off, 1-100")
		amount := fs.Int64("amount-off-cents", 0, "amount off in cents")
		fs.Var(maxUses, "max-uses", "how many registrations may use it (default unlimited)")
		expires := fs.String("expires-at", "", "RFC 3339 time after which it no longer works")
		check = func() error {
			if *club == "" {
				return usagef("--club is required")
			}
			in.PercentOff, in.MaxUses = pct.v, maxUses.v
			fs.Visit(func(f *flag.Flag) {
				if f.Name == "amount-off-cents" {
					in.AmountOffCents = amount
				}
			})
			if *expires != "" {
				t, err := time.Parse(time.RFC3339, *expires)
				if err != nil {
					return basketball.FieldErrors(map[string]string{"expires_at": "must be an RFC 3339 time"})
				}
				in.ExpiresAt = &t
			}
			return in.Validate()
		}
		run = func(db *sqldb.DB) (any, string, error) {
			p, err := db.CreatePromo(ctx, *club, in)
			return p, fmt.Sprintf("created promo code %s (%s)", p.Code, p.ID), err
		}
	}
	dbURL = fs.String("database-url", "", "database (default: $DATABASE_URL)")
	asJSON = fs.Bool("json", false, "print the created object as JSON")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	// Arguments are checked before the database is touched.
	if err := check(); err != nil {
		return err
	}
	db, err := m.openStore(ctx, *dbURL, kind == "club")
	if err != nil {
		return err
	}
	defer db.Close()
	obj, line, err := run(db)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(m.Stdout).Encode(obj)
	}
	fmt.Fprintln(m.Stdout, line)
	return nil
}

// parseTime reads RFC 3339, or a wall-clock time in the tryout's zone.
func parseTime(s, zone string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("is required")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return time.Time{}, fmt.Errorf("must be RFC 3339 (or local time with a valid --timezone)")
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("must be RFC 3339, e.g. 2027-01-09T09:00:00-06:00")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
