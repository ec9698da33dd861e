package basketball_test

import (
	"strings"
	"testing"
	"time"

	"basketball"
)

func TestPromoDiscount(t *testing.T) {
	pct := func(n int) *int { return &n }
	amt := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		name string
		p    basketball.PromoCode
		fee  int64
		want int64
	}{
		{"100 percent", basketball.PromoCode{PercentOff: pct(100)}, 3000, 3000},
		{"50 percent", basketball.PromoCode{PercentOff: pct(50)}, 3000, 1500},
		{"rounds half up", basketball.PromoCode{PercentOff: pct(50)}, 2999, 1500},
		{"amount", basketball.PromoCode{AmountOffCents: amt(1000)}, 3000, 1000},
		{"amount over fee", basketball.PromoCode{AmountOffCents: amt(5000)}, 3000, 3000},
		{"free tryout", basketball.PromoCode{PercentOff: pct(10)}, 0, 0},
	} {
		if got := tc.p.Discount(tc.fee); got != tc.want {
			t.Errorf("%s: discount = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestPromoUsable(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	past, future, two := now.Add(-time.Second), now.Add(time.Hour), 2
	for _, tc := range []struct {
		name     string
		p        basketball.PromoCode
		ok       bool
		disabled bool
	}{
		{"plain", basketball.PromoCode{}, true, false},
		{"expired", basketball.PromoCode{ExpiresAt: &past}, false, false},
		{"expires at now", basketball.PromoCode{ExpiresAt: &now}, false, false},
		{"not yet expired", basketball.PromoCode{ExpiresAt: &future}, true, false},
		{"used up", basketball.PromoCode{MaxUses: &two, Uses: 2}, false, false},
		{"uses left", basketball.PromoCode{MaxUses: &two, Uses: 1}, true, false},
		{"disabled by staff", basketball.PromoCode{}, false, true},
	} {
		tc.p.Active = !tc.disabled
		err := tc.p.Usable(now)
		if (err == nil) != tc.ok || (err != nil && basketball.ErrorCode(err) != basketball.EInvalidPromo) {
			t.Errorf("%s: Usable = %v", tc.name, err)
		}
	}
}

func TestRegistrationValidation(t *testing.T) {
	valid := func() basketball.RegistrationRequest {
		g, h := 8, 62
		return basketball.RegistrationRequest{TryoutID: "try_1",
			Parent: basketball.ParentInput{FirstName: " Ann ", LastName: "Lee", Email: " Ann@Example.COM "},
			Player: basketball.PlayerInput{FirstName: "Max", LastName: "Lee", BirthDate: "2012-05-01", Grade: &g, Position: "Guard", HeightInches: &h}}
	}
	r := valid()
	r.Normalize()
	if err := r.Validate(); err != nil {
		t.Fatalf("valid request: %v", err)
	}
	if r.Parent.Email != "ann@example.com" || r.Parent.FirstName != "Ann" || r.Player.Position != "guard" {
		t.Fatalf("normalized = %+v", r)
	}
	for _, tc := range []struct {
		field string
		mod   func(*basketball.RegistrationRequest)
	}{
		{"parent.email", func(r *basketball.RegistrationRequest) { r.Parent.Email = "a@b" }},
		{"parent.email", func(r *basketball.RegistrationRequest) { r.Parent.Email = "Ann <ann@example.com>" }},
		{"parent.first_name", func(r *basketball.RegistrationRequest) { r.Parent.FirstName = "" }},
		{"player.birth_date", func(r *basketball.RegistrationRequest) { r.Player.BirthDate = "2012-13-01" }},
		{"player.birth_date", func(r *basketball.RegistrationRequest) { r.Player.BirthDate = "01/05/2012" }},
		{"player.grade", func(r *basketball.RegistrationRequest) { g := 0; r.Player.Grade = &g }},
		{"player.height_inches", func(r *basketball.RegistrationRequest) { h := 97; r.Player.HeightInches = &h }},
		{"player.position", func(r *basketball.RegistrationRequest) { r.Player.Position = "point" }},
		{"tryout_id", func(r *basketball.RegistrationRequest) { r.TryoutID = "" }},
	} {
		r := valid()
		tc.mod(&r)
		r.Normalize()
		err := r.Validate()
		var e *basketball.Error
		if basketball.ErrorCode(err) != basketball.EInvalid || !asError(err, &e) || e.Fields[tc.field] == "" {
			t.Errorf("%s: got %v", tc.field, err)
		}
	}
}

func asError(err error, e **basketball.Error) bool {
	v, ok := err.(*basketball.Error)
	*e = v
	return ok
}

func TestEligibility(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	ptr := func(n int) *int { return &n }
	date := func(s string) *string { return &s }
	// 03:00 UTC on June 1 is still May 31 in Chicago: the tryout's day, and
	// so the default cut-off, is May 31.
	start := time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		elig  basketball.Eligibility
		born  string
		ok    bool
		words string // in the message when refused
	}{
		{"no rule takes an adult", basketball.Eligibility{}, "2001-01-01", true, ""},
		{"no rule takes a baby born before the tryout", basketball.Eligibility{}, "2026-05-30", true, ""},
		{"born after the tryout's day in its zone", basketball.Eligibility{}, "2026-06-01", false, "before the tryout"},
		{"4 on the tryout's day in Chicago", basketball.Eligibility{MinAge: ptr(4)}, "2022-05-31", true, ""},
		{"3 in Chicago though 4 in UTC", basketball.Eligibility{MinAge: ptr(4)}, "2022-06-01", false, "at least 4 years old on May 31, 2026"},
		{"U12 cut-off: 12 on Aug 1", basketball.Eligibility{MinAge: ptr(10), MaxAge: ptr(12), AgeOn: date("2026-08-01")}, "2014-08-01", true, ""},
		{"U12 cut-off: 13 on Aug 1", basketball.Eligibility{MinAge: ptr(10), MaxAge: ptr(12), AgeOn: date("2026-08-01")}, "2013-07-31", false, "10 to 12 years old on August 1, 2026"},
		{"U12 cut-off: 9 on Aug 1", basketball.Eligibility{MinAge: ptr(10), MaxAge: ptr(12), AgeOn: date("2026-08-01")}, "2016-08-02", false, "10 to 12"},
		{"max only", basketball.Eligibility{MaxAge: ptr(18)}, "2007-05-31", false, "at most 18"},
	} {
		tr := basketball.Tryout{StartsAt: start, TimeZone: "America/Chicago", Eligibility: tc.elig}
		r := basketball.RegistrationRequest{Player: basketball.PlayerInput{BirthDate: tc.born}}
		err := r.CheckEligibility(tr)
		if tc.ok != (err == nil) {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if err != nil {
			var e *basketball.Error
			if !asError(err, &e) || !strings.Contains(e.Fields["player.birth_date"], tc.words) {
				t.Errorf("%s: fields = %v, want %q", tc.name, e.Fields, tc.words)
			}
		}
	}
	if got := basketball.AgeOn(time.Date(2012, 2, 29, 0, 0, 0, 0, chicago), time.Date(2026, 2, 28, 0, 0, 0, 0, chicago)); got != 13 {
		t.Fatalf("leap-day age = %d", got)
	}
}

func TestTryoutInputValidation(t *testing.T) {
	start := time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC)
	cap0 := 0
	in := basketball.TryoutInput{Name: "T", StartsAt: start, EndsAt: start, TimeZone: "Local", Location: "L", FeeCents: 1, Currency: "xyz", Capacity: &cap0}
	in.Normalize()
	err := in.Validate()
	e, _ := err.(*basketball.Error)
	for _, f := range []string{"ends_at", "timezone", "currency", "capacity"} {
		if e == nil || e.Fields[f] == "" {
			t.Errorf("no error for %s: %v", f, err)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		cur   string
		want  string
	}{
		{3000, "usd", "$30.00"}, {5, "usd", "$0.05"}, {1250, "eur", "€12.50"}, {500, "jpy", "¥500"}, {1999, "chf", "19.99 CHF"},
	} {
		if got := basketball.FormatAmount(tc.cents, tc.cur); got != tc.want {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", tc.cents, tc.cur, got, tc.want)
		}
	}
}

func TestIDsAreUnguessable(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := basketball.NewID("reg")
		if len(id) != len("reg_")+26 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}
