package staff

import (
	"net/http"
	"net/url"
	"strings"

	"basketball"
)

// RequirePage guards the admin pages: without a signed-in session the
// browser is sent to /admin/login?next=<this page> (303). Cross-origin
// form posts are refused (403). The staff is in the request's context
// (FromContext); authorization per club is ClubOnly's or RequireClub's.
func (a *Auth) RequirePage(next http.Handler) http.Handler {
	return a.cop.Handler(a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, ok, err := a.sessionStaff(r.Context())
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if !ok {
			back := "/admin"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				back = safeNext(r.URL.RequestURI())
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, LoginPath+"?"+url.Values{"next": {back}}.Encode(), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), st)))
	})))
}

// RequireAPI guards the admin JSON API. It takes either
// "Authorization: Bearer <access token>" from the issuer, verified against
// its JWKS on every request (no session is read or made), or the session
// cookie of a signed-in browser (then cross-origin writes are refused).
// Otherwise it answers 401 unauthenticated; 503 unavailable while the
// issuer cannot be reached to check a bearer token.
func (a *Auth) RequireAPI(next http.Handler) http.Handler {
	withSession := a.cop.Handler(a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, ok, err := a.sessionStaff(r.Context())
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="basketball-api admin"`)
			a.writeError(w, r, basketball.Errorf(basketball.EUnauthenticated, "sign in as club staff, or send an access token as Authorization: Bearer"))
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), st)))
	})))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			withSession.ServeHTTP(w, r)
			return
		}
		scheme, token, _ := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="basketball-api admin", error="invalid_request"`)
			a.writeError(w, r, basketball.Errorf(basketball.EUnauthenticated, "the Authorization header must be Bearer <access token>"))
			return
		}
		if !a.OIDCEnabled() {
			a.writeError(w, r, errBadToken)
			return
		}
		iss, err := a.discover(r.Context())
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		st, err := a.verifyAccessToken(r.Context(), iss, token)
		if err != nil {
			a.cfg.Logger.Info("bearer token refused", "err", err)
			w.Header().Set("WWW-Authenticate", `Bearer realm="basketball-api admin", error="invalid_token"`)
			a.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), st)))
	})
}
