package staff

import (
	"net/http"
	"net/url"
)

// Logout returns the handler of POST /admin/logout. It destroys the session
// (the row and the cookie) and, when the issuer has an end_session_endpoint
// and the session came from it, sends the browser there to end the
// issuer's session too (id_token_hint, post_logout_redirect_uri
// PublicURL+"/"); otherwise to /. Cross-origin posts are refused.
func (a *Auth) Logout() http.Handler {
	return a.cop.Handler(a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		idToken := a.sessions.GetString(ctx, keyIDToken)
		if err := a.sessions.Destroy(ctx); err != nil {
			a.writeError(w, r, err)
			return
		}
		target := "/"
		if iss := a.discovered(); iss != nil && iss.endSession != "" && idToken != "" {
			if u, err := url.Parse(iss.endSession); err == nil {
				q := u.Query()
				q.Set("id_token_hint", idToken)
				q.Set("client_id", a.cfg.ClientID)
				q.Set("post_logout_redirect_uri", a.cfg.PublicURL+"/")
				u.RawQuery = q.Encode()
				target = u.String()
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, target, http.StatusSeeOther)
	})))
}

// discovered returns the issuer if discovery has succeeded, without
// contacting it: signing out never waits for an issuer that is down.
func (a *Auth) discovered() *issuer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.issuer
}
