package oidctest

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// codeLifetime is how long an authorization code may be exchanged, as
// Keycloak's default ("Client login timeout", 1 minute).
const codeLifetime = time.Minute

// authCode is what an authorization code stands for until it is exchanged.
type authCode struct {
	user        User
	redirectURI string
	challenge   string
	nonce       string
	scope       string
	expires     time.Time
}

// handleAuthorize is the authorization endpoint. An unknown client or an
// unregistered redirect URI gets an error page (never a redirect, RFC 6749
// §4.1.2.1); other errors go back to the client with error and state.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	last := make(map[string]string, len(q))
	for k := range q {
		last[k] = q.Get(k)
	}
	redirectURI := q.Get("redirect_uri")
	s.mu.Lock()
	s.authorizeRequest = last
	registered := s.redirectURIs[redirectURI]
	user := s.user
	s.mu.Unlock()

	if q.Get("client_id") != s.opts.ClientID {
		http.Error(w, "Client not found.", http.StatusBadRequest)
		return
	}
	if !registered {
		http.Error(w, "Invalid parameter: redirect_uri", http.StatusBadRequest)
		return
	}
	state := q.Get("state")
	fail := func(code, description string) {
		back := url.Values{"error": {code}, "error_description": {description}}
		if state != "" {
			back.Set("state", state)
		}
		http.Redirect(w, r, redirectURI+"?"+back.Encode(), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "Client is not allowed to initiate browser login with given response_type.")
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope", "scope must include openid")
	case state == "":
		fail("invalid_request", "Missing parameter: state")
	case q.Get("nonce") == "":
		fail("invalid_request", "Missing parameter: nonce")
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "Missing parameter: code_challenge_method (S256 required)")
	case len(q.Get("code_challenge")) != 43:
		fail("invalid_request", "Invalid parameter: code_challenge")
	case user == nil:
		fail("access_denied", "User cancelled the login")
	default:
		code := rand.Text() + rand.Text()
		s.mu.Lock()
		s.codes[code] = &authCode{
			user: *user, redirectURI: redirectURI, challenge: q.Get("code_challenge"),
			nonce: q.Get("nonce"), scope: q.Get("scope"), expires: s.opts.Now().Add(codeLifetime),
		}
		s.mu.Unlock()
		back := url.Values{"code": {code}, "state": {state}, "iss": {s.URL()}}
		http.Redirect(w, r, redirectURI+"?"+back.Encode(), http.StatusFound)
	}
}
