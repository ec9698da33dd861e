package staff

import (
	"encoding/json"
	"net/http"

	"basketball"
)

// writeError answers err through cfg.WriteError, or in the contract's JSON
// shape when none is set. Internal causes stay in the log.
func (a *Auth) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if a.cfg.WriteError != nil {
		a.cfg.WriteError(w, r, err)
		return
	}
	code := basketball.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		a.cfg.Logger.Error("staff sign-in failed", "code", code, "err", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
		"code": code, "message": basketball.ErrorMessage(err),
	}})
}

// statusOf maps the codes this package answers with; web's table agrees.
var statusOf = map[string]int{
	basketball.EUnauthenticated: http.StatusUnauthorized,
	basketball.EForbidden:       http.StatusForbidden,
	basketball.EUnavailable:     http.StatusServiceUnavailable,
	basketball.EInvalid:         http.StatusUnprocessableEntity,
	basketball.EInternal:        http.StatusInternalServerError,
}
