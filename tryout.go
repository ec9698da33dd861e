package basketball

import (
	"strings"
	"time"
)

// Tryout is an event of a club that players register and pay for.
type Tryout struct {
	ID        string    `json:"id"`
	ClubID    string    `json:"-"`
	Name      string    `json:"name"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	TimeZone  string    `json:"timezone"`
	Location  string    `json:"location"`
	FeeCents  int64     `json:"fee_cents"`
	Currency  string    `json:"currency"`
	Capacity  *int      `json:"capacity"`
	SeatsLeft *int      `json:"seats_left"`
	Open      bool      `json:"open"`
	Eligibility
	CreatedAt time.Time `json:"created_at"`
}

// Eligibility is who may register for a tryout: players MinAge to MaxAge
// years old (each optional) on AgeOn (a date, YYYY-MM-DD; default the
// tryout's start date in its zone). Nothing about age is hard-coded.
type Eligibility struct {
	MinAge *int    `json:"min_age"`
	MaxAge *int    `json:"max_age"`
	AgeOn  *string `json:"age_on"`
}

// Location returns the tryout's time zone, falling back to UTC for a zone
// this machine does not know (zones are validated when a tryout is made).
func (t Tryout) Loc() *time.Location {
	loc, err := time.LoadLocation(t.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// AcceptsRegistrations reports whether a parent may still register: the
// tryout is open and has not started.
func (t Tryout) AcceptsRegistrations(now time.Time) bool {
	return t.Open && now.Before(t.StartsAt)
}

// TryoutInput is what an admin gives to create a tryout.
type TryoutInput struct {
	Name     string
	StartsAt time.Time
	EndsAt   time.Time
	TimeZone string
	Location string
	FeeCents int64
	Currency string
	Capacity *int
	Open     bool
	Eligibility
}

// Normalize trims text and lower-cases the currency.
func (in *TryoutInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	in.Location = strings.TrimSpace(in.Location)
	in.Currency = strings.ToLower(strings.TrimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = "usd"
	}
	in.StartsAt = in.StartsAt.UTC()
	in.EndsAt = in.EndsAt.UTC()
}

// Validate reports every problem of the input as an EInvalid error.
func (in TryoutInput) Validate() error {
	f := map[string]string{}
	checkName(f, "name", in.Name, 200)
	checkName(f, "location", in.Location, 300)
	if in.StartsAt.IsZero() {
		f["starts_at"] = "is required"
	}
	if in.EndsAt.IsZero() {
		f["ends_at"] = "is required"
	} else if !in.EndsAt.After(in.StartsAt) {
		f["ends_at"] = "must be after starts_at"
	}
	if in.TimeZone == "" {
		f["timezone"] = "is required"
	} else if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		f["timezone"] = "is not a known IANA time zone"
	}
	if in.FeeCents < 0 {
		f["fee_cents"] = "must not be negative"
	} else if in.FeeCents > 100_000_00 {
		f["fee_cents"] = "is too large"
	}
	if !ValidCurrency(in.Currency) {
		f["currency"] = "is not a known ISO 4217 currency"
	}
	if in.Capacity != nil && (*in.Capacity < 1 || *in.Capacity > 100000) {
		f["capacity"] = "must be between 1 and 100000"
	}
	in.Eligibility.validate(f)
	checkText(f, "name", in.Name)
	checkText(f, "location", in.Location)
	checkText(f, "timezone", in.TimeZone)
	checkText(f, "currency", in.Currency)
	return fieldErrors(f)
}

func (e Eligibility) validate(f map[string]string) {
	for field, v := range map[string]*int{"min_age": e.MinAge, "max_age": e.MaxAge} {
		if v != nil && (*v < 0 || *v > 120) {
			f[field] = "must be between 0 and 120 years"
		}
	}
	if e.MinAge != nil && e.MaxAge != nil && *e.MinAge > *e.MaxAge {
		f["max_age"] = "must not be below min_age"
	}
	if e.AgeOn != nil {
		if _, err := time.Parse(time.DateOnly, *e.AgeOn); err != nil {
			f["age_on"] = "must be a real date as YYYY-MM-DD"
		}
	}
}
