package registration

import (
	"context"
	"strconv"
	"time"

	"basketball"
)

// PromoCodes lists the club's promo codes with their uses so far.
func (a *Admin) PromoCodes(ctx context.Context, club string) ([]basketball.PromoCode, error) {
	return a.store.ListPromos(ctx, club)
}

// CreatePromo creates a promo code of the club from staff's request.
func (a *Admin) CreatePromo(ctx context.Context, actor basketball.Actor, club string, req basketball.PromoRequest) (basketball.PromoCode, error) {
	if _, err := a.store.ClubBySlug(ctx, club); err != nil {
		return basketball.PromoCode{}, err
	}
	in, err := req.Input(a.Now())
	if err != nil {
		return basketball.PromoCode{}, err
	}
	detail := "created " + in.Code + ": "
	if in.PercentOff != nil {
		detail += itoa(*in.PercentOff) + "% off"
	} else if in.AmountOffCents != nil {
		detail += strconv.FormatInt(*in.AmountOffCents, 10) + " cents off"
	}
	if in.MaxUses != nil {
		detail += ", " + itoa(*in.MaxUses) + " uses"
	}
	if in.ExpiresAt != nil {
		detail += ", expires " + in.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return a.store.CreatePromoAudited(ctx, club, in, basketball.AuditEntry{Actor: actor, Action: basketball.ActionPromoCreate, Detail: detail})
}

// SetPromoActive disables a promo code of the club (registrations no
// longer take it) or enables it again.
func (a *Admin) SetPromoActive(ctx context.Context, actor basketball.Actor, club, id string, active bool) (basketball.PromoCode, error) {
	detail := "disabled"
	if active {
		detail = "enabled again"
	}
	return a.store.SetPromoActive(ctx, club, id, active, basketball.AuditEntry{Actor: actor, Action: basketball.ActionPromoUpdate, Detail: detail})
}

func itoa(n int) string { return strconv.Itoa(n) }

func loc(zone string) *time.Location { return basketball.Tryout{TimeZone: zone}.Loc() }
