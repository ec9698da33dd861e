package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"basketball"
	"basketball/sqldb"
)

// fieldErrs collects a command's bad arguments, keyed by flag.
type fieldErrs map[string]string

// merge adds a domain validation error's fields under their flags, unless
// the command already reported that flag.
func (f fieldErrs) merge(err error) {
	e, ok := asDomainError(err)
	if !ok {
		return
	}
	for field, msg := range e.Fields {
		flag := flagOf[field]
		if flag == "" {
			flag = field
		}
		if _, taken := f[flag]; !taken {
			f[flag] = msg
		}
	}
}

func (f fieldErrs) err() error {
	if len(f) == 0 {
		return nil
	}
	return basketball.FieldErrors(f)
}

// createCmd runs a create command: flags, then the arguments are checked
// before the database is touched, then run stores the object, which is
// printed as JSON with --json or as line otherwise.
func (m *Main) createCmd(ctx context.Context, fs *flag.FlagSet, args []string, newDB bool,
	check func() error, run func(db *sqldb.DB) (obj any, line string, err error)) error {
	dbURL := fs.String("database-url", "", "database (default: $DATABASE_URL)")
	asJSON := fs.Bool("json", false, "print the created object as JSON")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	db, err := m.openStore(ctx, *dbURL, newDB)
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

func (m *Main) createClub(ctx context.Context, args []string) error {
	fs := m.newFlags("club create", "club create --slug S --name N [--email-from ADDR] [--json]")
	in := basketball.ClubInput{}
	fs.StringVar(&in.Slug, "slug", "", "club slug, as in URLs: 2 to 63 lower-case letters, digits or dashes (required)")
	fs.StringVar(&in.Name, "name", "", "club name (required)")
	fs.StringVar(&in.EmailFrom, "email-from", "", "sender address of the club's emails")
	check := func() error {
		in.Normalize()
		f := fieldErrs{}
		f.merge(in.Validate())
		return f.err()
	}
	return m.createCmd(ctx, fs, args, true, check, func(db *sqldb.DB) (any, string, error) {
		c, err := db.CreateClub(ctx, in)
		return c, fmt.Sprintf("created club %s (%s)", c.Slug, c.ID), err
	})
}

func (m *Main) createTryout(ctx context.Context, args []string) error {
	fs := m.newFlags("tryout create", "tryout create --club S --name N --starts-at T --ends-at T --timezone TZ --location L --fee-cents N [--currency usd] [--capacity N] [--min-age N] [--max-age N] [--age-on DATE] [--closed] [--json]")
	in := basketball.TryoutInput{}
	club := fs.String("club", "", "club slug (required)")
	fs.StringVar(&in.Name, "name", "", "tryout name (required)")
	starts := fs.String("starts-at", "", "start: "+timeFormatsHelp+"; must be in the future (required)")
	ends := fs.String("ends-at", "", "end, in the same forms as --starts-at (required)")
	fs.StringVar(&in.TimeZone, "timezone", "", "IANA time zone of the tryout, e.g. America/Chicago (required)")
	fs.StringVar(&in.Location, "location", "", "where it takes place (required)")
	fee := fs.Int64("fee-cents", 0, "fee in cents, 0 for a free tryout (required)")
	fs.StringVar(&in.Currency, "currency", "usd", "ISO 4217 currency")
	capacity := &optInt{}
	fs.Var(capacity, "capacity", "seats (default unlimited)")
	closed := fs.Bool("closed", false, "create it closed for registration")
	minAge, maxAge := &optInt{}, &optInt{}
	fs.Var(minAge, "min-age", "youngest age allowed, in whole years on --age-on (default: no limit)")
	fs.Var(maxAge, "max-age", "oldest age allowed, in whole years on --age-on (default: no limit)")
	ageOn := fs.String("age-on", "", "date ages are counted on, YYYY-MM-DD (default: the tryout's start date in its zone)")
	check := func() error {
		if *club == "" {
			return usagef("--club is required")
		}
		if !flagGiven(fs, "fee-cents") {
			return usagef("--fee-cents is required")
		}
		in.FeeCents, in.Capacity, in.Open = *fee, capacity.v, !*closed
		in.MinAge, in.MaxAge = minAge.v, maxAge.v
		if *ageOn != "" {
			in.AgeOn = ageOn
		}
		f := fieldErrs{}
		loc, err := zoneArg(in.TimeZone)
		if err != nil {
			f["--timezone"] = err.Error()
		}
		for flagName, p := range map[string]struct {
			s string
			t *time.Time
		}{"--starts-at": {*starts, &in.StartsAt}, "--ends-at": {*ends, &in.EndsAt}} {
			a, err := parseTimeArg(p.s, loc, in.TimeZone)
			switch {
			case err != nil:
				f[flagName] = err.Error()
			case a.DateOnly:
				f[flagName] = fmt.Sprintf("%q is a date; give the time of day too, e.g. %sT09:00", p.s, p.s)
			default:
				*p.t = a.T
			}
		}
		if _, bad := f["--starts-at"]; !bad && !in.StartsAt.After(m.now()) {
			f["--starts-at"] = fmt.Sprintf("%s is in the past; a tryout must start in the future", *starts)
		}
		in.Normalize()
		f.merge(in.Validate())
		return f.err()
	}
	return m.createCmd(ctx, fs, args, false, check, func(db *sqldb.DB) (any, string, error) {
		t, err := db.CreateTryout(ctx, *club, in)
		return t, fmt.Sprintf("created tryout %q (%s)", t.Name, t.ID), err
	})
}

func (m *Main) createPromo(ctx context.Context, args []string) error {
	fs := m.newFlags("promo create", "promo create --club S --code C (--percent-off P | --amount-off-cents A) [--max-uses N] [--expires-at T] [--timezone TZ] [--json]")
	in := basketball.PromoInput{}
	club := fs.String("club", "", "club slug (required)")
	fs.StringVar(&in.Code, "code", "", "the code parents type, any letter case: 1 to 40 letters, digits, - or _ (required)")
	pct, maxUses := &optInt{}, &optInt{}
	fs.Var(pct, "percent-off", "percent off, 1 to 100")
	amount := fs.Int64("amount-off-cents", 0, "amount off in cents")
	fs.Var(maxUses, "max-uses", "how many registrations may use it (default unlimited)")
	expires := fs.String("expires-at", "", "when it stops working: "+timeFormatsHelp+
		", or a date (2027-01-09) meaning through the end of that day: it then expires at the start of the next day in --timezone")
	zone := fs.String("timezone", "UTC", "IANA time zone in which --expires-at is read when it has no offset, e.g. America/Chicago")
	check := func() error {
		if *club == "" {
			return usagef("--club is required")
		}
		in.PercentOff, in.MaxUses = pct.v, maxUses.v
		if flagGiven(fs, "amount-off-cents") {
			in.AmountOffCents = amount
		}
		f := fieldErrs{}
		if *expires != "" {
			t, err := m.expiryArg(*expires, *zone)
			if err != nil {
				f.merge(err)
			} else {
				in.ExpiresAt = &t
			}
		}
		f.merge(in.Validate())
		return f.err()
	}
	return m.createCmd(ctx, fs, args, false, check, func(db *sqldb.DB) (any, string, error) {
		p, err := db.CreatePromo(ctx, *club, in)
		return p, fmt.Sprintf("created promo code %s (%s)", p.Code, p.ID), err
	})
}

// expiryArg reads --expires-at in --timezone: a date means through the end
// of that day. It must be in the future.
func (m *Main) expiryArg(s, zone string) (time.Time, error) {
	bad := func(flag, msg string) error { return basketball.FieldErrors(map[string]string{flag: msg}) }
	loc, err := zoneArg(zone)
	if err != nil {
		return time.Time{}, bad("--timezone", err.Error())
	}
	a, err := parseTimeArg(s, loc, zone)
	if err != nil {
		return time.Time{}, bad("--expires-at", err.Error())
	}
	if a.DateOnly {
		day, _ := time.Parse(time.DateOnly, s)
		if a, err = parseTimeArg(day.AddDate(0, 0, 1).Format(time.DateOnly), loc, zone); err != nil {
			return time.Time{}, bad("--expires-at", err.Error())
		}
	}
	if !a.T.After(m.now()) {
		return time.Time{}, bad("--expires-at", fmt.Sprintf("%s is in the past; give a time in the future", s))
	}
	return a.T, nil
}

// flagGiven reports whether the flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
