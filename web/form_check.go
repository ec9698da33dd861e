package web

import (
	"context"
	"strings"

	"basketball"
)

// checkForm adds to errs (keyed by form field) every problem of one
// submit, so the parent sees them all at once: the numbers that did not
// parse (already in errs), the shape of the request, and the player's age
// for the chosen tryout. The store checks all of it again when it writes.
func (s *Server) checkForm(ctx context.Context, club string, req *basketball.RegistrationRequest, errs map[string]string) {
	add := func(err error) {
		e, ok := asError(err)
		if !ok {
			return
		}
		for k, v := range e.Fields {
			k = strings.ReplaceAll(k, ".", "_")
			if _, taken := errs[k]; !taken {
				errs[k] = v
			}
		}
	}
	req.Normalize()
	add(req.Validate())
	if req.TryoutID == "" {
		return
	}
	t, err := s.store.Tryout(ctx, club, req.TryoutID)
	if err != nil {
		// An unknown tryout is reported with the rest; any other trouble
		// surfaces when the registration is written.
		if basketball.ErrorCode(err) == basketball.ETryoutNotFound {
			errs["tryout_id"] = "Choose one of the tryouts."
		}
		return
	}
	if _, bad := errs["player_birth_date"]; !bad {
		add(req.CheckAge(t))
	}
}
