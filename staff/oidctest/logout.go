package oidctest

import (
	"net/http"
	"net/url"
)

// handleLogout is the end-session endpoint (OIDC RP-Initiated Logout). A
// post_logout_redirect_uri must be registered and come with id_token_hint
// or client_id, as Keycloak requires; an id_token_hint must be one the
// issuer signed.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Malformed request", http.StatusBadRequest)
		return
	}
	var l Logout
	hint := r.Form.Get("id_token_hint")
	if hint != "" {
		c, err := s.verifyOwn(hint)
		if err != nil {
			http.Error(w, "Invalid parameter: id_token_hint", http.StatusBadRequest)
			return
		}
		l.Subject, _ = c["sub"].(string)
	}
	l.PostLogoutRedirectURI = r.Form.Get("post_logout_redirect_uri")
	if l.PostLogoutRedirectURI != "" {
		s.mu.Lock()
		ok := s.postLogoutURIs[l.PostLogoutRedirectURI]
		s.mu.Unlock()
		if !ok || (hint == "" && r.Form.Get("client_id") != s.opts.ClientID) {
			http.Error(w, "Invalid redirect uri", http.StatusBadRequest)
			return
		}
	}
	s.mu.Lock()
	s.logouts = append(s.logouts, l)
	s.mu.Unlock()
	if l.PostLogoutRedirectURI == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("You are logged out.\n"))
		return
	}
	target := l.PostLogoutRedirectURI
	if st := r.Form.Get("state"); st != "" {
		target += "?" + url.Values{"state": {st}}.Encode()
	}
	http.Redirect(w, r, target, http.StatusFound)
}
