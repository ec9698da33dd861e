package keycloaktest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// handleToken implements the client_credentials grant of
// /realms/{realm}/protocol/openid-connect/token. The client may
// authenticate with HTTP Basic (RFC 6749 §2.3.1, form-encoded id and
// secret) or with client_id and client_secret form parameters.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("realm") != s.realm {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Realm does not exist"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body")
		return
	}
	if !s.clientAuthenticated(r) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials")
		return
	}
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "client_credentials":
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing form parameter: grant_type")
		return
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}

	token := rand.Text() + rand.Text()
	s.mu.Lock()
	s.tokens[token] = time.Now().Add(TokenLifetime)
	s.tokensIssued++
	s.mu.Unlock()

	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":       token,
		"expires_in":         int(TokenLifetime / time.Second),
		"refresh_expires_in": 0,
		"token_type":         "Bearer",
		"not-before-policy":  0,
		"scope":              "profile email",
	})
}

func (s *Server) clientAuthenticated(r *http.Request) bool {
	if id, secret, ok := r.BasicAuth(); ok {
		// RFC 6749 says both parts are form-encoded; clients that skip the
		// encoding are accepted too, as Keycloak does for plain values.
		return s.clientMatches(id, secret) || s.clientMatches(formDecode(id), formDecode(secret))
	}
	return s.clientMatches(r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"))
}

func (s *Server) clientMatches(id, secret string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.clientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.clientSecret)) == 1
	return idOK && secretOK
}

func formDecode(v string) string {
	d, err := url.QueryUnescape(v)
	if err != nil {
		return v
	}
	return d
}

// admin guards an admin API handler: a valid bearer token first (Keycloak
// answers 401 before looking at the realm), then the realm.
func (s *Server) admin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.adminRequests++
		s.mu.Unlock()
		if !s.tokenValid(r.Header.Get("Authorization")) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+s.realm+`"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "HTTP 401 Unauthorized"})
			return
		}
		if r.PathValue("realm") != s.realm {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Realm not found."})
			return
		}
		h(w, r)
	})
}

func (s *Server) tokenValid(header string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[token]
	return ok && time.Now().Before(exp)
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}
