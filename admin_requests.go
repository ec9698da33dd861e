package basketball

import (
	"fmt"
	"strings"
	"time"
)

// TryoutRequest is a tryout as staff create it, with the command line's
// fields (tryout create), as JSON or form values. Times are RFC 3339 with
// an offset, or wall-clock times read in TimeZone (ParseTime); the start
// must be in the future. Open defaults to true.
type TryoutRequest struct {
	Name     string  `json:"name"`
	StartsAt string  `json:"starts_at"`
	EndsAt   string  `json:"ends_at"`
	TimeZone string  `json:"timezone"`
	Location string  `json:"location"`
	FeeCents *int64  `json:"fee_cents"`
	Currency string  `json:"currency"`
	Capacity *int    `json:"capacity"`
	Open     *bool   `json:"open"`
	MinAge   *int    `json:"min_age"`
	MaxAge   *int    `json:"max_age"`
	AgeOn    *string `json:"age_on"`
	// The waitlist's fields (waitlist, offer_ttl) are added here by the
	// waitlist work.
}

// Input checks the request whole and returns the tryout to store, or one
// EInvalid error naming every bad field.
func (r TryoutRequest) Input(now time.Time) (TryoutInput, error) {
	in := TryoutInput{Name: r.Name, TimeZone: strings.TrimSpace(r.TimeZone), Location: r.Location, Currency: r.Currency,
		Capacity: r.Capacity, Open: r.Open == nil || *r.Open, Eligibility: Eligibility{MinAge: r.MinAge, MaxAge: r.MaxAge, AgeOn: r.AgeOn}}
	f := map[string]string{}
	if r.FeeCents == nil {
		f["fee_cents"] = "is required (0 for a free tryout)"
	} else {
		in.FeeCents = *r.FeeCents
	}
	loc, zerr := LoadZone(in.TimeZone)
	if zerr != nil {
		f["timezone"] = zerr.Error()
	}
	for field, p := range map[string]struct {
		s string
		t *time.Time
	}{"starts_at": {r.StartsAt, &in.StartsAt}, "ends_at": {r.EndsAt, &in.EndsAt}} {
		if zerr != nil && p.s != "" {
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(p.s)); err == nil {
				*p.t = t
			}
			continue
		}
		t, dateOnly, err := ParseTime(p.s, loc, in.TimeZone, "timezone")
		switch {
		case err != nil:
			f[field] = err.Error()
		case dateOnly:
			f[field] = fmt.Sprintf("%q is a date; give the time of day too, e.g. %sT09:00", p.s, strings.TrimSpace(p.s))
		default:
			*p.t = t
		}
	}
	if _, bad := f["starts_at"]; !bad && !in.StartsAt.IsZero() && !in.StartsAt.After(now) {
		f["starts_at"] = fmt.Sprintf("%s is in the past; a tryout must start in the future", strings.TrimSpace(r.StartsAt))
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		mergeFields(f, err)
	}
	if len(f) > 0 {
		return in, FieldErrors(f)
	}
	return in, nil
}

// PromoRequest is a promo code as staff create it (promo create's fields).
// ExpiresAt is RFC 3339, a wall-clock time, or a date meaning through the
// end of that day, read in TimeZone (default UTC); it must be in the
// future.
type PromoRequest struct {
	Code           string `json:"code"`
	PercentOff     *int   `json:"percent_off"`
	AmountOffCents *int64 `json:"amount_off_cents"`
	MaxUses        *int   `json:"max_uses"`
	ExpiresAt      string `json:"expires_at"`
	TimeZone       string `json:"timezone"`
}

// Input checks the request whole and returns the promo code to store, or
// one EInvalid error naming every bad field.
func (r PromoRequest) Input(now time.Time) (PromoInput, error) {
	in := PromoInput{Code: strings.TrimSpace(r.Code), PercentOff: r.PercentOff, AmountOffCents: r.AmountOffCents, MaxUses: r.MaxUses}
	f := map[string]string{}
	if s := strings.TrimSpace(r.ExpiresAt); s != "" {
		t, err := PromoExpiry(s, r.TimeZone, now)
		if err != nil {
			mergeFields(f, err)
		} else {
			in.ExpiresAt = &t
		}
	}
	if err := in.Validate(); err != nil {
		mergeFields(f, err)
	}
	if len(f) > 0 {
		return in, FieldErrors(f)
	}
	return in, nil
}

// PromoExpiry reads a promo code's expiry in zone (default UTC): a date
// means through the end of that day, so the code expires when the next
// day starts there. It must be in the future. Errors name the fields
// expires_at and timezone.
func PromoExpiry(s, zone string, now time.Time) (time.Time, error) {
	bad := func(field, msg string) error { return FieldErrors(map[string]string{field: msg}) }
	if strings.TrimSpace(zone) == "" {
		zone = "UTC"
	}
	loc, err := LoadZone(zone)
	if err != nil {
		return time.Time{}, bad("timezone", err.Error())
	}
	t, dateOnly, err := ParseTime(s, loc, zone, "timezone")
	if err != nil {
		return time.Time{}, bad("expires_at", err.Error())
	}
	if dateOnly {
		day, _ := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if t, _, err = ParseTime(day.AddDate(0, 0, 1).Format(time.DateOnly), loc, zone, "timezone"); err != nil {
			return time.Time{}, bad("expires_at", err.Error())
		}
	}
	if !t.After(now) {
		return time.Time{}, bad("expires_at", fmt.Sprintf("%s is in the past; give a time in the future", s))
	}
	return t, nil
}

// mergeFields adds an EInvalid error's fields to f, keeping those f has.
func mergeFields(f map[string]string, err error) {
	e, ok := err.(*Error)
	if !ok {
		f["body"] = err.Error()
		return
	}
	for k, v := range e.Fields {
		if _, taken := f[k]; !taken {
			f[k] = v
		}
	}
}
