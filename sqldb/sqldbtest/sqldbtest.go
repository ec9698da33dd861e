// Package sqldbtest gives tests a fresh, migrated store on each engine:
// SQLite always, PostgreSQL whenever TEST_DATABASE_URL is set. Each call
// makes its own SQLite file or PostgreSQL database, so tests run in
// parallel without seeing each other's rows.
package sqldbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb"
)

// Engines lists the engines tests must cover here. When TEST_DATABASE_URL
// is set, PostgreSQL is included; if it is then unreachable, the tests that
// use it fail rather than skip.
func Engines() []string {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []string{sqldb.SQLite, sqldb.Postgres}
	}
	return []string{sqldb.SQLite}
}

// ForEachEngine runs fn as a parallel subtest per engine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e, func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// Clock is a settable clock for the store.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// URL returns a DATABASE_URL for a new, empty database of the engine,
// dropped when the test ends.
func URL(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case sqldb.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	case sqldb.Postgres:
		return newPostgresDatabase(t)
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// Open returns a migrated store on a new database of the engine. A nil
// now means the real clock.
func Open(t testing.TB, engine string, now func() time.Time) *sqldb.DB {
	t.Helper()
	return OpenWith(t, engine, sqldb.Options{Now: now})
}

// OpenWith returns a migrated store on a new database of the engine,
// opened with opts.
func OpenWith(t testing.TB, engine string, opts sqldb.Options) *sqldb.DB {
	t.Helper()
	return OpenURL(t, URL(t, engine), opts)
}

// OpenURL opens (and migrates) the database of a DATABASE_URL once more:
// another replica on the same database.
func OpenURL(t testing.TB, dbURL string, opts sqldb.Options) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dbURL, opts)
	if err != nil {
		t.Fatalf("open the test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate the test database: %v", err)
	}
	return db
}

func newPostgresDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Fatal("TEST_DATABASE_URL is not set")
	}
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	defer adb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "bt_" + strings.TrimPrefix(basketball.NewID("x"), "x_")
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database (TEST_DATABASE_URL unreachable?): %v", err)
	}
	t.Cleanup(func() {
		adb, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer adb.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := adb.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// MustClub creates a club or fails the test.
func MustClub(t testing.TB, db *sqldb.DB, slug string) basketball.Club {
	t.Helper()
	c, err := db.CreateClub(context.Background(), basketball.ClubInput{Slug: slug, Name: "Club " + slug, EmailFrom: "coach@" + slug + ".example"})
	if err != nil {
		t.Fatalf("create club: %v", err)
	}
	return c
}

// MustTryout creates an open tryout starting in two weeks by db's clock,
// with the given fee and capacity (0 = unlimited), or fails the test.
func MustTryout(t testing.TB, db *sqldb.DB, club string, feeCents int64, capacity int) basketball.Tryout {
	t.Helper()
	start := db.Now().Add(14 * 24 * time.Hour).Truncate(time.Hour)
	in := basketball.TryoutInput{
		Name: "Fall tryout", StartsAt: start, EndsAt: start.Add(2 * time.Hour), TimeZone: "America/Chicago",
		Location: "Main Gym, 1 Court St", FeeCents: feeCents, Currency: "usd", Open: true,
	}
	if capacity > 0 {
		in.Capacity = &capacity
	}
	tr, err := db.CreateTryout(context.Background(), club, in)
	if err != nil {
		t.Fatalf("create tryout: %v", err)
	}
	return tr
}

// Request returns a valid registration request for the tryout; n makes
// the player (and, unless the caller changes it, the parent) distinct.
func Request(tryoutID string, n int) basketball.RegistrationRequest {
	grade, height := 7, 60
	return basketball.RegistrationRequest{
		TryoutID: tryoutID,
		Parent:   basketball.ParentInput{FirstName: "Ann", LastName: "Lee", Email: fmt.Sprintf("parent%d@example.com", n), Phone: "+1 555 0100"},
		Player: basketball.PlayerInput{FirstName: fmt.Sprintf("Max%d", n), LastName: "Lee", BirthDate: "2013-05-01",
			Grade: &grade, Position: "guard", HeightInches: &height},
	}
}
