package oidctest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
)

// handleToken is the token endpoint for the authorization_code grant. The
// client authenticates with HTTP Basic or with form parameters; the code is
// single-use, bound to its redirect URI and to the PKCE challenge, whose
// verifier must be sent.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenRequests++
	s.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body")
		return
	}
	if !s.clientAuthenticated(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials")
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}
	s.mu.Lock()
	code, ok := s.codes[r.PostForm.Get("code")]
	delete(s.codes, r.PostForm.Get("code")) // single use, even when the exchange fails
	s.mu.Unlock()
	switch verifier := r.PostForm.Get("code_verifier"); {
	case !ok || !s.opts.Now().Before(code.expires):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Code not valid")
	case r.PostForm.Get("redirect_uri") != code.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Incorrect redirect_uri")
	case verifier == "":
		oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE code verifier not specified")
	case subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(code.challenge)) != 1:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed: Code mismatch")
	default:
		s.issueTokens(w, code)
	}
}

func (s *Server) issueTokens(w http.ResponseWriter, code *authCode) {
	sid := rand.Text()
	access := s.AccessTokenClaims(code.user)
	access["sid"] = sid
	access["scope"] = code.scope
	s.mu.Lock()
	accessHook, idHook := s.accessTokenHook, s.idTokenHook
	s.mu.Unlock()
	if accessHook != nil {
		accessHook(access)
	}
	accessToken := s.Sign(access)

	now := s.opts.Now()
	id := Claims{
		"iss":       s.URL(),
		"sub":       code.user.Subject,
		"aud":       s.opts.ClientID,
		"azp":       s.opts.ClientID,
		"typ":       "ID",
		"iat":       now.Unix(),
		"exp":       now.Add(s.opts.TokenLifetime).Unix(),
		"auth_time": now.Unix(),
		"nonce":     code.nonce,
		"sid":       sid,
		"at_hash":   atHash(accessToken),
	}
	if code.user.Email != "" {
		id["email"] = code.user.Email
		id["email_verified"] = true
	}
	if idHook != nil {
		id = id.clone()
		idHook(id)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": accessToken,
		"token_type":   "Bearer",
		"expires_in":   int(s.opts.TokenLifetime.Seconds()),
		"id_token":     s.Sign(id),
		"scope":        code.scope,
	})
}

func (s *Server) clientAuthenticated(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if ok {
		// RFC 6749 §2.3.1: both parts are form-encoded.
		if d, err := url.QueryUnescape(id); err == nil {
			id = d
		}
		if d, err := url.QueryUnescape(secret); err == nil {
			secret = d
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) == 1
	return idOK && secretOK
}

// s256 is the PKCE S256 transform (RFC 7636 §4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// atHash is the at_hash of an RS256 ID token (OIDC Core §3.1.3.6).
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}
