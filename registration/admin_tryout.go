package registration

import (
	"context"
	"strings"

	"basketball"
)

// CreateTryout creates a tryout of the club from staff's request (the
// command line's fields).
func (a *Admin) CreateTryout(ctx context.Context, actor basketball.Actor, club string, req basketball.TryoutRequest) (basketball.Tryout, error) {
	if _, err := a.store.ClubBySlug(ctx, club); err != nil {
		return basketball.Tryout{}, err
	}
	in, err := req.Input(a.Now())
	if err != nil {
		return basketball.Tryout{}, err
	}
	return a.store.CreateTryoutAudited(ctx, club, in, basketball.AuditEntry{Actor: actor, Action: basketball.ActionTryoutCreate,
		Detail: "created " + describeTryout(in)})
}

// UpdateTryout changes a tryout of the club: name, times, location, fee
// (for registrations made from then on), capacity, open, eligibility. More
// capacity frees seats; a new time or location emails every parent with a
// paid registration, once per change.
func (a *Admin) UpdateTryout(ctx context.Context, actor basketball.Actor, club, id string, p basketball.TryoutPatch) (basketball.Tryout, error) {
	if p.Empty() {
		return basketball.Tryout{}, basketball.Errorf(basketball.EInvalid, "the request changes nothing; give at least one field to change")
	}
	return a.store.UpdateTryout(ctx, club, id, p, basketball.AuditEntry{Actor: actor, Action: basketball.ActionTryoutUpdate})
}

func describeTryout(in basketball.TryoutInput) string {
	parts := []string{strings.TrimSpace(in.Name), in.StartsAt.In(loc(in.TimeZone)).Format("2006-01-02 15:04 MST"), in.Location,
		basketball.FormatAmount(in.FeeCents, in.Currency)}
	if in.Capacity != nil {
		parts = append(parts, itoa(*in.Capacity)+" seats")
	}
	if !in.Open {
		parts = append(parts, "closed")
	}
	return strings.Join(parts, ", ")
}
