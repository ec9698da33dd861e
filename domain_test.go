package basketball_test

import (
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
		name string
		p    basketball.PromoCode
		ok   bool
	}{
		{"plain", basketball.PromoCode{}, true},
		{"expired", basketball.PromoCode{ExpiresAt: &past}, false},
		{"expires at now", basketball.PromoCode{ExpiresAt: &now}, false},
		{"not yet expired", basketball.PromoCode{ExpiresAt: &future}, true},
		{"used up", basketball.PromoCode{MaxUses: &two, Uses: 2}, false},
		{"uses left", basketball.PromoCode{MaxUses: &two, Uses: 1}, true},
	} {
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

func TestAgeAtTryout(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	// 03:00 UTC on June 1 is still May 31 in Chicago: the player born on
	// June 1, 2022 is 3 there, not 4.
	tryout := basketball.Tryout{StartsAt: time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC), TimeZone: "America/Chicago"}
	r := basketball.RegistrationRequest{Player: basketball.PlayerInput{BirthDate: "2022-06-01"}}
	if err := r.CheckAge(tryout); err == nil {
		t.Fatal("a 3-year-old was accepted")
	}
	r.Player.BirthDate = "2022-05-31"
	if err := r.CheckAge(tryout); err != nil {
		t.Fatalf("a 4-year-old was refused: %v", err)
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
