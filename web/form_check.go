package web

import (
	"context"
	"strings"

	"basketball"
)

// checkForm adds to errs (keyed by form field) every problem of one
// submit, so the parent sees them all at once: the numbers that did not
// parse (already in errs), and what the service finds (the request's
// shape, the player's eligibility for the chosen tryout).
func (s *Server) checkForm(ctx context.Context, club string, req *basketball.RegistrationRequest, errs map[string]string) {
	e, ok := asError(s.svc.Check(ctx, club, *req))
	if !ok {
		return // no problem, or one the registration itself will report
	}
	for k, v := range e.Fields {
		k = strings.ReplaceAll(k, ".", "_")
		if k == "tryout_id" {
			v = "Choose one of the tryouts."
		}
		if _, taken := errs[k]; !taken {
			errs[k] = v
		}
	}
}
