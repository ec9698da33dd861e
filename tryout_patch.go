package basketball

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Change is one field of a partial update: Set says the field was given,
// Null that it was given as null (clearing an optional value), Value is
// the new value otherwise. Its JSON form is the value itself; a field left
// out of the object stays unset.
type Change[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// To returns a Change setting v.
func To[T any](v T) Change[T] { return Change[T]{Set: true, Value: v} }

// UnmarshalJSON implements json.Unmarshaler.
func (c *Change[T]) UnmarshalJSON(b []byte) error {
	c.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		c.Null = true
		return nil
	}
	return json.Unmarshal(b, &c.Value)
}

// TryoutPatch is staff changing a tryout: each field given replaces the
// tryout's. The fee applies to registrations made from then on; a
// registration keeps what it was due. Capacity, min_age, max_age and
// age_on may be null (no limit).
type TryoutPatch struct {
	Name Change[string] `json:"name"`
	// StartsAt and EndsAt are RFC 3339, or wall-clock times read in the
	// tryout's time zone.
	StartsAt Change[string] `json:"starts_at"`
	EndsAt   Change[string] `json:"ends_at"`
	Location Change[string] `json:"location"`
	FeeCents Change[int64]  `json:"fee_cents"`
	Capacity Change[int]    `json:"capacity"`
	Open     Change[bool]   `json:"open"`
	MinAge   Change[int]    `json:"min_age"`
	MaxAge   Change[int]    `json:"max_age"`
	AgeOn    Change[string] `json:"age_on"`
	// The waitlist's fields (waitlist on or off, offer_ttl) are added here
	// by the waitlist work, applied in Apply like the others.
}

// Empty reports whether the patch changes nothing.
func (p TryoutPatch) Empty() bool {
	return !(p.Name.Set || p.StartsAt.Set || p.EndsAt.Set || p.Location.Set || p.FeeCents.Set || p.Capacity.Set ||
		p.Open.Set || p.MinAge.Set || p.MaxAge.Set || p.AgeOn.Set)
}

// Apply returns the tryout's fields with the patch applied, normalized
// and validated as TryoutInput, together with a list of what changed in
// words (for the audit log). now refuses moving a tryout into the past.
func (p TryoutPatch) Apply(t Tryout, now time.Time) (TryoutInput, []string, error) {
	in := TryoutInput{
		Name: t.Name, StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone, Location: t.Location,
		FeeCents: t.FeeCents, Currency: t.Currency, Capacity: t.Capacity, Open: t.Open, Eligibility: t.Eligibility,
	}
	f := map[string]string{}
	notNull := func(name string, null bool) bool {
		if null {
			f[name] = "may not be null"
		}
		return !null
	}
	if p.Name.Set && notNull("name", p.Name.Null) {
		in.Name = p.Name.Value
	}
	for field, c := range map[string]struct {
		ch Change[string]
		t  *time.Time
	}{"starts_at": {p.StartsAt, &in.StartsAt}, "ends_at": {p.EndsAt, &in.EndsAt}} {
		if !c.ch.Set || !notNull(field, c.ch.Null) {
			continue
		}
		v, dateOnly, err := ParseTime(c.ch.Value, t.Loc(), t.TimeZone, "the tryout's time zone")
		switch {
		case err != nil:
			f[field] = err.Error()
		case dateOnly:
			f[field] = fmt.Sprintf("%q is a date; give the time of day too", c.ch.Value)
		default:
			*c.t = v
		}
	}
	if p.Location.Set && notNull("location", p.Location.Null) {
		in.Location = p.Location.Value
	}
	if p.FeeCents.Set && notNull("fee_cents", p.FeeCents.Null) {
		in.FeeCents = p.FeeCents.Value
	}
	if p.Open.Set && notNull("open", p.Open.Null) {
		in.Open = p.Open.Value
	}
	in.Capacity = applyOptional(p.Capacity, in.Capacity)
	in.MinAge = applyOptional(p.MinAge, in.MinAge)
	in.MaxAge = applyOptional(p.MaxAge, in.MaxAge)
	in.AgeOn = applyOptional(p.AgeOn, in.AgeOn)
	in.Normalize()
	if err := in.Validate(); err != nil {
		mergeFields(f, err)
	}
	moved := !in.StartsAt.Equal(t.StartsAt.UTC())
	if moved && !in.StartsAt.After(now) {
		f["starts_at"] = "must be in the future"
	}
	if len(f) > 0 {
		return in, nil, FieldErrors(f)
	}
	return in, describeChanges(t, in), nil
}

func applyOptional[T any](c Change[T], cur *T) *T {
	switch {
	case !c.Set:
		return cur
	case c.Null:
		return nil
	}
	v := c.Value
	return &v
}

// describeChanges lists what differs between a tryout and its new fields.
func describeChanges(t Tryout, in TryoutInput) []string {
	var out []string
	add := func(field, before, after string) {
		if before != after {
			out = append(out, fmt.Sprintf("%s %s → %s", field, before, after))
		}
	}
	quote := func(s string) string { return fmt.Sprintf("%q", s) }
	add("name", quote(t.Name), quote(in.Name))
	add("starts_at", t.StartsAt.UTC().Format(time.RFC3339), in.StartsAt.UTC().Format(time.RFC3339))
	add("ends_at", t.EndsAt.UTC().Format(time.RFC3339), in.EndsAt.UTC().Format(time.RFC3339))
	add("location", quote(t.Location), quote(in.Location))
	add("fee_cents", fmt.Sprint(t.FeeCents), fmt.Sprint(in.FeeCents))
	add("capacity", optString(t.Capacity), optString(in.Capacity))
	add("open", fmt.Sprint(t.Open), fmt.Sprint(in.Open))
	add("min_age", optString(t.MinAge), optString(in.MinAge))
	add("max_age", optString(t.MaxAge), optString(in.MaxAge))
	add("age_on", optString(t.AgeOn), optString(in.AgeOn))
	return out
}

func optString[T any](v *T) string {
	if v == nil {
		return "none"
	}
	return strings.TrimSpace(fmt.Sprint(*v))
}

// TimeOrPlaceChanged reports whether in moves the tryout t or changes
// where it is: the paid parents are told.
func TimeOrPlaceChanged(t Tryout, in TryoutInput) bool {
	return !t.StartsAt.Equal(in.StartsAt) || !t.EndsAt.Equal(in.EndsAt) || t.Location != in.Location
}
