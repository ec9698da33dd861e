package sqldb_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

var t0 = time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)

type testBundle struct {
	db    *sqldb.DB
	clock *sqldbtest.Clock
	ctx   context.Context
}

func setup(t *testing.T, engine string) testBundle {
	t.Helper()
	return setupWith(t, engine, sqldb.Options{})
}

// setupWith opens a store with opts, on a clock reading t0.
func setupWith(t *testing.T, engine string, opts sqldb.Options) testBundle {
	t.Helper()
	clock := sqldbtest.NewClock(t0)
	opts.Now = clock.Now
	return testBundle{db: sqldbtest.OpenWith(t, engine, opts), clock: clock, ctx: context.Background()}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := basketball.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func count(t *testing.T, db *sqldb.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestClubs(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		c, err := b.db.CreateClub(b.ctx, basketball.ClubInput{Slug: "tigers", Name: " Tigers BC "})
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Tigers BC" || c.ID == "" {
			t.Fatalf("club = %+v", c)
		}
		got, err := b.db.ClubBySlug(b.ctx, "tigers")
		if err != nil || got.ID != c.ID || !got.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("ClubBySlug = %+v, %v; want %+v", got, err, c)
		}
		_, err = b.db.CreateClub(b.ctx, basketball.ClubInput{Slug: "tigers", Name: "Other"})
		wantCode(t, err, basketball.EConflict)
		_, err = b.db.CreateClub(b.ctx, basketball.ClubInput{Slug: "Bad Slug", Name: "X"})
		wantCode(t, err, basketball.EInvalid)
		_, err = b.db.ClubBySlug(b.ctx, "nope")
		wantCode(t, err, basketball.EClubNotFound)
		if n := count(t, b.db, "SELECT count(*) FROM clubs"); n != 1 {
			t.Fatalf("clubs = %d, want 1", n)
		}
	})
}

func TestTryoutsAndSeats(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 2)
		if _, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 1), basketball.CreateOptions{CardEnabled: true}); err != nil {
			t.Fatal(err)
		}
		list, err := b.db.ListTryouts(b.ctx, "tigers", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != tr.ID || *list[0].SeatsLeft != 1 || !list[0].StartsAt.Equal(tr.StartsAt) ||
			list[0].TimeZone != "America/Chicago" || list[0].FeeCents != 3000 {
			t.Fatalf("tryouts = %+v", list)
		}
		// The pending hold lapses: the seat comes back.
		b.clock.Advance(sqldb.InitialHold + time.Minute)
		list, _ = b.db.ListTryouts(b.ctx, "tigers", true)
		if *list[0].SeatsLeft != 2 {
			t.Fatalf("seats left after hold lapsed = %d, want 2", *list[0].SeatsLeft)
		}
		// A started tryout is no longer listed as open.
		b.clock.Advance(15 * 24 * time.Hour)
		list, _ = b.db.ListTryouts(b.ctx, "tigers", true)
		if len(list) != 0 {
			t.Fatalf("started tryout still listed: %+v", list)
		}
		_, err = b.db.CreateTryout(b.ctx, "tigers", basketball.TryoutInput{Name: "x", StartsAt: t0, EndsAt: t0.Add(-time.Hour),
			TimeZone: "Mars/Base", Location: "L", FeeCents: -1, Currency: "zzz"})
		wantCode(t, err, basketball.EInvalid)
		var e *basketball.Error
		errors.As(err, &e)
		for _, f := range []string{"ends_at", "timezone", "fee_cents", "currency"} {
			if e.Fields[f] == "" {
				t.Errorf("no message for field %s: %v", f, e.Fields)
			}
		}
	})
}

func TestPromoCodes(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		pct := 50
		if _, err := b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "Half", PercentOff: &pct}); err != nil {
			t.Fatal(err)
		}
		_, err := b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "HALF", PercentOff: &pct})
		wantCode(t, err, basketball.EConflict)
		amt := int64(500)
		_, err = b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "BOTH", PercentOff: &pct, AmountOffCents: &amt})
		wantCode(t, err, basketball.EInvalid)
		_, err = b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "NONE"})
		wantCode(t, err, basketball.EInvalid)
		if n := count(t, b.db, "SELECT count(*) FROM promo_codes"); n != 1 {
			t.Fatalf("promo codes = %d, want 1", n)
		}
	})
}

func TestCreateRegistration(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0)
		card := basketball.CreateOptions{CardEnabled: true}
		pct, amt := 100, int64(1000)
		expired := t0.Add(-time.Hour)
		b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "FREE", PercentOff: &pct})
		b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "TENOFF", AmountOffCents: &amt})
		b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "OLD", PercentOff: &pct, ExpiresAt: &expired})

		r, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 1), card)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "pending" || r.Method != "card" || r.AmountCents != 3000 || r.CheckoutAttempts != 1 ||
			r.ParentEmail != "parent1@example.com" || r.PlayerFirstName != "Max1" || r.TryoutName != "Fall tryout" || r.PaidAt != nil {
			t.Fatalf("registration = %+v", r)
		}
		_, err = b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 1), card)
		wantCode(t, err, basketball.EAlreadyRegistered)

		req := sqldbtest.Request(tr.ID, 2)
		req.PromoCode = "tenoff"
		r, err = b.db.CreateRegistration(b.ctx, "tigers", req, card)
		if err != nil || r.AmountCents != 2000 || r.Status != "pending" {
			t.Fatalf("discounted = %+v, %v", r, err)
		}
		req = sqldbtest.Request(tr.ID, 3)
		req.PromoCode = "Free"
		r, err = b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{})
		if err != nil || r.Status != "paid" || r.Method != "promo" || r.AmountCents != 0 || r.PaidAt == nil {
			t.Fatalf("free = %+v, %v", r, err)
		}

		before := count(t, b.db, "SELECT count(*) FROM registrations")
		for _, tc := range []struct {
			name string
			club string
			mod  func(*basketball.RegistrationRequest)
			opts basketball.CreateOptions
			code string
		}{
			{"unknown club", "nope", nil, card, basketball.EClubNotFound},
			{"unknown tryout", "tigers", func(r *basketball.RegistrationRequest) { r.TryoutID = "try_nope" }, card, basketball.ETryoutNotFound},
			{"bad promo", "tigers", func(r *basketball.RegistrationRequest) { r.PromoCode = "NOPE" }, card, basketball.EInvalidPromo},
			{"expired promo", "tigers", func(r *basketball.RegistrationRequest) { r.PromoCode = "old" }, card, basketball.EInvalidPromo},
			{"bad email", "tigers", func(r *basketball.RegistrationRequest) { r.Parent.Email = "nope" }, card, basketball.EInvalid},
			{"born after the tryout", "tigers", func(r *basketball.RegistrationRequest) { r.Player.BirthDate = "2030-01-01" }, card, basketball.EInvalid},
			{"no card payments", "tigers", nil, basketball.CreateOptions{}, basketball.EPaymentsNotConfigured},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := sqldbtest.Request(tr.ID, 100)
				if tc.mod != nil {
					tc.mod(&req)
				}
				_, err := b.db.CreateRegistration(b.ctx, tc.club, req, tc.opts)
				wantCode(t, err, tc.code)
			})
		}
		if n := count(t, b.db, "SELECT count(*) FROM registrations"); n != before {
			t.Fatalf("failed requests wrote registrations: %d, want %d", n, before)
		}
		if n := count(t, b.db, "SELECT count(*) FROM parents WHERE email = 'parent100@example.com'"); n != 0 {
			t.Fatalf("failed requests left a parent behind")
		}

		// Closed and started tryouts refuse registrations.
		if err := b.db.SetTryoutOpen(b.ctx, tr.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 4), card)
		wantCode(t, err, basketball.ERegistrationClosed)
		b.db.SetTryoutOpen(b.ctx, tr.ID, true)
		b.clock.Advance(15 * 24 * time.Hour)
		_, err = b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 4), card)
		wantCode(t, err, basketball.ERegistrationClosed)
	})
}

func TestLapsedHoldAllowsNewRegistration(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 1)
		card := basketball.CreateOptions{CardEnabled: true}
		first, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 1), card)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 2), card)
		wantCode(t, err, basketball.ETryoutFull)
		b.clock.Advance(sqldb.InitialHold + time.Second)
		if _, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 1), card); err != nil {
			t.Fatalf("re-register after lapsed hold: %v", err)
		}
		old, _ := b.db.Registration(b.ctx, first.ID)
		if old.Status != "expired" {
			t.Fatalf("lapsed registration status = %s, want expired", old.Status)
		}
		_, _, err = b.db.BeginCheckout(b.ctx, first.ID)
		wantCode(t, err, basketball.ENotPayable)
	})
}

func TestConcurrentLastSeat(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		for round := 0; round < 3; round++ {
			tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 1)
			ok, full := runConcurrently(t, 2, func(i int) error {
				_, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, round*10+i), basketball.CreateOptions{CardEnabled: true})
				return err
			})
			if ok != 1 || full != 1 {
				t.Fatalf("round %d: %d succeeded, %d full; want 1 and 1", round, ok, full)
			}
		}
	})
}

func TestConcurrentCapacityAndPromo(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 5)
		ok, full := runConcurrently(t, 20, func(i int) error {
			_, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, i), basketball.CreateOptions{CardEnabled: true})
			return err
		})
		if ok != 5 || full != 15 {
			t.Fatalf("%d succeeded, %d full; want 5 and 15", ok, full)
		}

		tr2 := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0)
		pct, maxUses := 100, 2
		b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "TWO", PercentOff: &pct, MaxUses: &maxUses})
		var mu sync.Mutex
		codes := map[string]int{}
		runConcurrently(t, 5, func(i int) error {
			req := sqldbtest.Request(tr2.ID, 100+i)
			req.PromoCode = "two"
			_, err := b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{})
			mu.Lock()
			codes[basketball.ErrorCode(err)]++
			mu.Unlock()
			return err
		})
		if codes[""] != 2 || codes[basketball.EInvalidPromo] != 3 {
			t.Fatalf("promo outcomes = %v, want 2 ok and 3 invalid_promo_code", codes)
		}
	})
}

func TestConcurrentParentUpsert(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		// A free tryout: registrations are paid at once, so the limit on
		// a parent's unpaid seats does not apply.
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 0, 0)
		emails := []string{"Sam@Example.com", "sam@example.com", "SAM@EXAMPLE.COM", "sAm@eXample.com"}
		ok, _ := runConcurrently(t, 10, func(i int) error {
			req := sqldbtest.Request(tr.ID, i)
			req.Parent.Email = emails[i%len(emails)]
			_, err := b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{})
			return err
		})
		if ok != 10 {
			t.Fatalf("%d of 10 registrations succeeded", ok)
		}
		if n := count(t, b.db, "SELECT count(*) FROM parents"); n != 1 {
			t.Fatalf("parents = %d, want 1", n)
		}
		if n := count(t, b.db, "SELECT count(*) FROM players"); n != 10 {
			t.Fatalf("players = %d, want 10", n)
		}
	})
}

// TestPendingLimitUnderConcurrency: ten unpaid registrations of one
// parent (emails in any case) at once: exactly MaxPendingPerParent take a
// seat; the others are refused and write nothing.
func TestPendingLimitUnderConcurrency(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 20)
		emails := []string{"Sam@Example.com", "sam@example.com", "SAM@EXAMPLE.COM", "sAm@eXample.com"}
		var mu sync.Mutex
		refused := 0
		ok, _ := runConcurrently(t, 10, func(i int) error {
			req := sqldbtest.Request(tr.ID, i)
			req.Parent.Email = emails[i%len(emails)]
			_, err := b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{CardEnabled: true})
			if basketball.ErrorCode(err) == basketball.ETooManyPending {
				mu.Lock()
				refused++
				mu.Unlock()
				return nil
			}
			return err
		})
		if ok-refused != sqldb.MaxPendingPerParent || refused != 10-sqldb.MaxPendingPerParent {
			t.Fatalf("%d registered, %d refused; want %d and %d", ok-refused, refused, sqldb.MaxPendingPerParent, 10-sqldb.MaxPendingPerParent)
		}
		if n := count(t, b.db, "SELECT count(*) FROM registrations"); n != sqldb.MaxPendingPerParent {
			t.Fatalf("%d registrations stored", n)
		}
		mustCountersAgree(t, b.db)
	})
}

// runConcurrently starts n calls of fn at once and counts successes and
// tryout_full errors; any other error fails the test unless it is a promo
// error, which callers count themselves.
func runConcurrently(t *testing.T, n int, fn func(i int) error) (ok, full int) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := fn(i)
			mu.Lock()
			defer mu.Unlock()
			switch basketball.ErrorCode(err) {
			case "":
				ok++
			case basketball.ETryoutFull:
				full++
			case basketball.EInvalidPromo:
			default:
				t.Errorf("call %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return ok, full
}
