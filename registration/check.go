package registration

import (
	"context"

	"basketball"
)

// Check reports every problem of a registration request at once, as one
// EInvalid error keyed by field: its shape, and (when the tryout exists)
// whether the player may play at it. A well-formed request for an unknown
// club or tryout gets that not-found error. The store checks it all again
// when it writes.
func (s *Service) Check(ctx context.Context, club string, req basketball.RegistrationRequest) error {
	req.Normalize()
	fields := map[string]string{}
	add := func(err error) {
		var e *basketball.Error
		if asError(err, &e) {
			for k, v := range e.Fields {
				if _, taken := fields[k]; !taken {
					fields[k] = v
				}
			}
		}
	}
	add(req.Validate())
	var notFound error
	if _, bad := fields["tryout_id"]; !bad && req.TryoutID != "" {
		t, err := s.store.Tryout(ctx, club, req.TryoutID)
		switch basketball.ErrorCode(err) {
		case "":
			if _, bad := fields["player.birth_date"]; !bad {
				add(req.CheckEligibility(t))
			}
		case basketball.ETryoutNotFound, basketball.EClubNotFound:
			notFound = err
		}
	}
	if len(fields) > 0 {
		return basketball.FieldErrors(fields)
	}
	// A request that is fine but names an unknown club or tryout: 404.
	return notFound
}
