package basketball

import (
	"fmt"
	"strings"
	"time"
)

// Positions a player may give.
var positions = map[string]bool{"guard": true, "forward": true, "center": true}

// Normalize trims every text field and lower-cases email and position.
func (r *RegistrationRequest) Normalize() {
	r.TryoutID = strings.TrimSpace(r.TryoutID)
	r.PromoCode = strings.TrimSpace(r.PromoCode)
	p := &r.Parent
	p.FirstName, p.LastName = strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName)
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.Phone = strings.TrimSpace(p.Phone)
	pl := &r.Player
	pl.FirstName, pl.LastName = strings.TrimSpace(pl.FirstName), strings.TrimSpace(pl.LastName)
	pl.BirthDate = strings.TrimSpace(pl.BirthDate)
	pl.Position = strings.ToLower(strings.TrimSpace(pl.Position))
}

// Validate checks the shape of a normalized request and reports every bad
// field at once, keyed like "parent.email". Eligibility needs the tryout
// and is checked by CheckEligibility.
func (r RegistrationRequest) Validate() error {
	f := map[string]string{}
	if r.TryoutID == "" {
		f["tryout_id"] = "is required"
	}
	checkName(f, "parent.first_name", r.Parent.FirstName, 100)
	checkName(f, "parent.last_name", r.Parent.LastName, 100)
	switch {
	case r.Parent.Email == "":
		f["parent.email"] = "is required"
	case !ValidEmail(r.Parent.Email):
		f["parent.email"] = "is not a valid email address"
	}
	if r.Parent.Phone != "" && !validPhone(r.Parent.Phone) {
		f["parent.phone"] = "must be a phone number of 7 to 15 digits"
	}
	checkName(f, "player.first_name", r.Player.FirstName, 100)
	checkName(f, "player.last_name", r.Player.LastName, 100)
	if r.Player.BirthDate == "" {
		f["player.birth_date"] = "is required"
	} else if _, err := time.Parse(time.DateOnly, r.Player.BirthDate); err != nil {
		f["player.birth_date"] = "must be a real date as YYYY-MM-DD"
	}
	if g := r.Player.Grade; g != nil && (*g < 1 || *g > 12) {
		f["player.grade"] = "must be between 1 and 12"
	}
	if h := r.Player.HeightInches; h != nil && (*h < 36 || *h > 96) {
		f["player.height_inches"] = "must be between 36 and 96 inches"
	}
	if r.Player.Position != "" && !positions[r.Player.Position] {
		f["player.position"] = "must be guard, forward or center"
	}
	if len(r.PromoCode) > 40 {
		f["promo_code"] = "is too long"
	}
	for field, v := range map[string]string{
		"tryout_id": r.TryoutID, "promo_code": r.PromoCode,
		"parent.first_name": r.Parent.FirstName, "parent.last_name": r.Parent.LastName,
		"parent.email": r.Parent.Email, "parent.phone": r.Parent.Phone,
		"player.first_name": r.Player.FirstName, "player.last_name": r.Player.LastName,
		"player.birth_date": r.Player.BirthDate, "player.position": r.Player.Position,
	} {
		checkText(f, field, v)
	}
	return fieldErrors(f)
}

// CheckEligibility reports an EInvalid error on player.birth_date unless
// the player may register for the tryout: born before it starts, and of the
// tryout's ages (if it has any) on its cut-off date.
func (r RegistrationRequest) CheckEligibility(t Tryout) error {
	born, err := time.Parse(time.DateOnly, r.Player.BirthDate)
	if err != nil {
		return FieldErrors(map[string]string{"player.birth_date": "must be a real date as YYYY-MM-DD"})
	}
	if msg := t.Eligibility.refuses(born, t.StartsAt.In(t.Loc())); msg != "" {
		return FieldErrors(map[string]string{"player.birth_date": msg})
	}
	return nil
}

// refuses says why a player born on born may not play at a tryout starting
// at start (in the tryout's zone), or "".
func (e Eligibility) refuses(born, start time.Time) string {
	startDay := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	if born.After(startDay) {
		return "must be before the tryout's date"
	}
	if e.MinAge == nil && e.MaxAge == nil {
		return ""
	}
	on := startDay
	if e.AgeOn != nil {
		if d, err := time.Parse(time.DateOnly, *e.AgeOn); err == nil {
			on = d
		}
	}
	age := AgeOn(born, on)
	if (e.MinAge == nil || age >= *e.MinAge) && (e.MaxAge == nil || age <= *e.MaxAge) {
		return ""
	}
	day := on.Format("January 2, 2006")
	switch {
	case e.MinAge != nil && e.MaxAge != nil:
		return fmt.Sprintf("this tryout is for players %d to %d years old on %s", *e.MinAge, *e.MaxAge, day)
	case e.MinAge != nil:
		return fmt.Sprintf("this tryout is for players at least %d years old on %s", *e.MinAge, day)
	}
	return fmt.Sprintf("this tryout is for players at most %d years old on %s", *e.MaxAge, day)
}

// AgeOn returns a person's age in whole years on the calendar day of at.
func AgeOn(born, at time.Time) int {
	age := at.Year() - born.Year()
	if at.Month() < born.Month() || (at.Month() == born.Month() && at.Day() < born.Day()) {
		age--
	}
	return age
}

// validPhone accepts the ways people write phone numbers (+1 (555) 010-0100,
// 555.010.0100) with 7 to 15 digits, the ITU maximum.
func validPhone(p string) bool {
	if len(p) > 40 {
		return false
	}
	digits := 0
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune(" +-().", c):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}
