// Package oidctest is an in-process fake OpenID Connect issuer for tests of
// staff sign-in, in the style of keycloak/keycloaktest: discovery, a JWKS,
// the authorization endpoint with PKCE (S256), the token endpoint
// (authorization_code) and end-session, answering the way Keycloak does
// (RS256 tokens, roles in the access token's realm_access and
// resource_access, aud "account" and azp the client).
//
// Nobody types a password: /authorize approves whichever User the test set
// with SetUser. Everything else is checked as a strict issuer would: client
// id and secret, registered redirect URIs, state, nonce, the PKCE challenge
// and verifier, single-use codes. Tests mint arbitrary tokens with
// AccessToken, Sign, SignWithForeignKey, Unsigned and SignHS256, and make
// the issuer misbehave with the token hooks or SetDown.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TokenLifetime is the default lifetime of the tokens the fake issues, as
// Keycloak's default access token lifespan.
const TokenLifetime = 5 * time.Minute

// Options configure a fake issuer.
type Options struct {
	ClientID     string // required
	ClientSecret string // required
	// RedirectURIs and PostLogoutRedirectURIs are the client's registered
	// URIs, compared exactly. More can be added with AllowRedirectURI.
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	// Now is the issuer's clock (iat, exp, code expiry); nil means time.Now.
	Now func() time.Time
	// TokenLifetime defaults to the package's TokenLifetime.
	TokenLifetime time.Duration
}

// User is who the fake signs in: its subject, email and roles.
type User struct {
	Subject     string
	Email       string
	RealmRoles  []string // realm_access.roles
	ClientRoles []string // resource_access.{client id}.roles
}

// Logout is one request to the end-session endpoint.
type Logout struct {
	Subject               string // from id_token_hint; "" without one
	PostLogoutRedirectURI string
}

// Server is a running fake issuer. Its methods are safe for concurrent use.
type Server struct {
	opts      Options
	key       *rsa.PrivateKey
	kid       string
	hs        *httptest.Server
	closeOnce sync.Once

	mu               sync.Mutex
	user             *User
	redirectURIs     map[string]bool
	postLogoutURIs   map[string]bool
	codes            map[string]*authCode
	idTokenHook      func(Claims)
	accessTokenHook  func(Claims)
	down             bool
	logouts          []Logout
	discoveryHits    int
	tokenRequests    int
	authorizeRequest map[string]string // the last /authorize query, for assertions
}

// Start serves a fake issuer on addr (host:port; port 0 picks a free one)
// until Close. It is for programs; tests should use NewServer.
func Start(addr string, opts Options) (*Server, error) {
	if opts.ClientID == "" || opts.ClientSecret == "" {
		return nil, errors.New("oidctest: client id and secret are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = TokenLifetime
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts: opts, key: key, kid: "k-" + rand.Text()[:8],
		redirectURIs: map[string]bool{}, postLogoutURIs: map[string]bool{}, codes: map[string]*authCode{},
	}
	for _, u := range opts.RedirectURIs {
		s.redirectURIs[u] = true
	}
	for _, u := range opts.PostLogoutRedirectURIs {
		s.postLogoutURIs[u] = true
	}
	s.hs = httptest.NewUnstartedServer(s.routes())
	s.hs.Listener.Close()
	s.hs.Listener = ln
	s.hs.Start()
	return s, nil
}

// NewServer starts a fake issuer on a free loopback port and closes it when
// the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("oidctest: start: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the issuer URL (OIDC_ISSUER_URL), without a trailing slash.
func (s *Server) URL() string { return s.hs.URL }

// ClientID is the client the fake knows.
func (s *Server) ClientID() string { return s.opts.ClientID }

// Close stops the server. It may be called more than once.
func (s *Server) Close() { s.closeOnce.Do(s.hs.Close) }

// SetUser chooses who the following authorizations sign in; nil makes
// them fail with access_denied, as a user who cancels the login would.
func (s *Server) SetUser(u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u == nil {
		s.user = nil
		return
	}
	c := *u
	s.user = &c
}

// AllowRedirectURI registers a redirect URI of the client.
func (s *Server) AllowRedirectURI(uri string) {
	s.mu.Lock()
	s.redirectURIs[uri] = true
	s.mu.Unlock()
}

// AllowPostLogoutRedirectURI registers a post-logout redirect URI.
func (s *Server) AllowPostLogoutRedirectURI(uri string) {
	s.mu.Lock()
	s.postLogoutURIs[uri] = true
	s.mu.Unlock()
}

// SetIDTokenHook and SetAccessTokenHook let a test change the claims of the
// tokens the token endpoint issues next (a wrong nonce, a foreign
// audience), before they are signed. nil removes the hook.
func (s *Server) SetIDTokenHook(f func(Claims)) {
	s.mu.Lock()
	s.idTokenHook = f
	s.mu.Unlock()
}

// SetAccessTokenHook: see SetIDTokenHook.
func (s *Server) SetAccessTokenHook(f func(Claims)) {
	s.mu.Lock()
	s.accessTokenHook = f
	s.mu.Unlock()
}

// SetDown makes every endpoint answer 503 while down is true.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// Logouts returns the end-session requests received so far.
func (s *Server) Logouts() []Logout {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Logout(nil), s.logouts...)
}

// DiscoveryRequests counts the requests for the discovery document,
// including those answered 503 while down.
func (s *Server) DiscoveryRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.discoveryHits
}

// TokenRequests counts the requests to the token endpoint.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// LastAuthorizeRequest returns the query parameters of the last request to
// /authorize (one value each), or nil.
func (s *Server) LastAuthorizeRequest() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authorizeRequest == nil {
		return nil
	}
	m := make(map[string]string, len(s.authorizeRequest))
	for k, v := range s.authorizeRequest {
		m[k] = v
	}
	return m
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /jwks", s.handleJWKS)
	mux.HandleFunc("GET /authorize", s.handleAuthorize)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("GET /logout", s.handleLogout)
	mux.HandleFunc("POST /logout", s.handleLogout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		down := s.down
		if r.URL.Path == "/.well-known/openid-configuration" {
			s.discoveryHits++ // counted even while down: tests check who keeps asking
		}
		s.mu.Unlock()
		if down {
			http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	u := s.URL()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                u,
		"authorization_endpoint":                u + "/authorize",
		"token_endpoint":                        u + "/token",
		"jwks_uri":                              u + "/jwks",
		"end_session_endpoint":                  u + "/logout",
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "email", "profile", "roles"},
	})
}
