package basketball

import (
	"regexp"
	"strings"
	"time"
)

var promoRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

// PromoCode discounts a club's tryout fee. Codes compare case-insensitively.
type PromoCode struct {
	ID             string     `json:"id"`
	ClubID         string     `json:"-"`
	Code           string     `json:"code"`
	PercentOff     *int       `json:"percent_off"`
	AmountOffCents *int64     `json:"amount_off_cents"`
	MaxUses        *int       `json:"max_uses"`
	Uses           int        `json:"uses"`
	ExpiresAt      *time.Time `json:"expires_at"`
	// Active is false once staff disabled the code: registrations no
	// longer take it (those that did keep their discount).
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Discount returns how much of fee the code takes off, never more than fee.
func (p PromoCode) Discount(fee int64) int64 {
	var d int64
	switch {
	case p.PercentOff != nil:
		// Round the discount half up so 100% is exactly the fee and the
		// parent never pays a fraction of a cent more than advertised.
		d = (fee*int64(*p.PercentOff) + 50) / 100
	case p.AmountOffCents != nil:
		d = *p.AmountOffCents
	}
	return min(d, fee)
}

// Usable reports why the code cannot be used now, or nil.
func (p PromoCode) Usable(now time.Time) error {
	if !p.Active {
		return Errorf(EInvalidPromo, "promo code %q is no longer valid", p.Code)
	}
	if p.ExpiresAt != nil && !now.Before(*p.ExpiresAt) {
		return Errorf(EInvalidPromo, "promo code %q has expired", p.Code)
	}
	if p.MaxUses != nil && p.Uses >= *p.MaxUses {
		return Errorf(EInvalidPromo, "promo code %q has been used up", p.Code)
	}
	return nil
}

// PromoInput is what an admin gives to create a promo code.
type PromoInput struct {
	Code           string
	PercentOff     *int
	AmountOffCents *int64
	MaxUses        *int
	ExpiresAt      *time.Time
}

// PromoKey is the case-insensitive form of a code, used to look it up.
func PromoKey(code string) string { return strings.ToLower(strings.TrimSpace(code)) }

// Validate reports every problem of the input as an EInvalid error.
func (in PromoInput) Validate() error {
	f := map[string]string{}
	if !promoRE.MatchString(in.Code) {
		f["code"] = "must be 1-40 letters, digits, '-' or '_'"
	}
	switch {
	case in.PercentOff != nil && in.AmountOffCents != nil:
		f["discount"] = "give either percent_off or amount_off_cents, not both"
	case in.PercentOff == nil && in.AmountOffCents == nil:
		f["discount"] = "give percent_off or amount_off_cents"
	case in.PercentOff != nil && (*in.PercentOff < 1 || *in.PercentOff > 100):
		f["percent_off"] = "must be between 1 and 100"
	case in.AmountOffCents != nil && *in.AmountOffCents < 1:
		f["amount_off_cents"] = "must be positive"
	}
	if in.MaxUses != nil && *in.MaxUses < 1 {
		f["max_uses"] = "must be at least 1"
	}
	checkText(f, "code", in.Code)
	return fieldErrors(f)
}
