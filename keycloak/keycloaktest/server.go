// Package keycloaktest is an in-memory fake of the parts of Keycloak's
// admin REST API that basketball-api uses: the client-credentials token
// endpoint and user search, creation and password reset.
//
// It answers like Keycloak's documented API (status codes, Location header,
// errorMessage bodies, lower-cased usernames and emails) so that the
// keycloak package and the jobs that use it can be tested without a JVM.
//
// What it models of a login: a user logs in (CheckPassword, the test login
// page) when enabled, holding that password, and without VERIFY_EMAIL
// among its required actions: Keycloak lets nobody in before the address
// is confirmed through the link it mails (VerifyEmail stands for clicking
// it). execute-actions-email sends nothing: the fake records each call
// (ActionsEmails) and checks what Keycloak checks (user, email, enabled,
// client, redirect URI), so tests can count them.
// Tests call NewServer; cmd/fake-keycloak serves it for people trying the
// whole flow by hand. Passwords are kept in clear text: it is a fake.
package keycloaktest

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TokenLifetime is the expires_in of every token the fake issues; it is
// Keycloak's default access token lifespan.
const TokenLifetime = 5 * time.Minute

// Server is a running fake Keycloak holding one realm and one confidential
// client. All methods are safe for concurrent use.
type Server struct {
	realm, clientID, clientSecret string
	hs                            *httptest.Server
	closeOnce                     sync.Once

	mu            sync.Mutex
	users         map[string]*record // by ID
	order         []string           // IDs in creation order, for stable snapshots
	tokens        map[string]time.Time
	down          bool
	tokensIssued  int
	adminRequests int
	actionsEmails []ActionsEmail
	// actionsEmailFailing makes execute-actions-email answer 500.
	actionsEmailFailing bool
}

// ActionsEmail is one execute-actions-email call the fake accepted: the
// email Keycloak would have sent.
type ActionsEmail struct {
	UserID      string
	Email       string
	Actions     []string
	Lifespan    time.Duration
	ClientID    string
	RedirectURI string
}

// record is a user plus the one credential the fake models.
type record struct {
	User
	password  string
	temporary bool
}

// User is a snapshot of a user as Keycloak stores it: Username and Email
// are lower-cased.
type User struct {
	ID            string
	Username      string
	Email         string
	FirstName     string
	LastName      string
	Enabled       bool
	EmailVerified bool
	Attributes    map[string][]string
	// RequiredActions are asked at the next login; VERIFY_EMAIL keeps the
	// user out until VerifyEmail.
	RequiredActions []string
}

// Start serves a fake Keycloak on addr (host:port; port 0 picks a free
// one) until Close. It is for programs; tests should use NewServer.
func Start(addr, realm, clientID, clientSecret string) (*Server, error) {
	if realm == "" || clientID == "" || clientSecret == "" {
		return nil, errors.New("keycloaktest: realm, client id and client secret are required")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		realm:        realm,
		clientID:     clientID,
		clientSecret: clientSecret,
		users:        make(map[string]*record),
		tokens:       make(map[string]time.Time),
	}
	s.hs = httptest.NewUnstartedServer(s.routes())
	s.hs.Listener.Close()
	s.hs.Listener = ln
	s.hs.Start()
	return s, nil
}

// NewServer starts a fake Keycloak on a free loopback port and closes it
// when the test ends.
func NewServer(t testing.TB, realm, clientID, clientSecret string) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", realm, clientID, clientSecret)
	if err != nil {
		t.Fatalf("keycloaktest: start: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to configure as KEYCLOAK_URL, without a trailing
// slash.
func (s *Server) URL() string { return s.hs.URL }

// ClientSecret is the secret of the fake's confidential client.
func (s *Server) ClientSecret() string { return s.clientSecret }

// Close stops the server, waiting for requests in flight. It may be called
// more than once.
func (s *Server) Close() { s.closeOnce.Do(s.hs.Close) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /realms/{realm}/protocol/openid-connect/token", s.handleToken)
	mux.Handle("GET /admin/realms/{realm}/users", s.admin(s.handleSearchUsers))
	mux.Handle("POST /admin/realms/{realm}/users", s.admin(s.handleCreateUser))
	mux.Handle("GET /admin/realms/{realm}/users/{id}", s.admin(s.handleGetUser))
	mux.Handle("PUT /admin/realms/{realm}/users/{id}/reset-password", s.admin(s.handleResetPassword))
	mux.Handle("PUT /admin/realms/{realm}/users/{id}/execute-actions-email", s.admin(s.handleExecuteActionsEmail))
	mux.HandleFunc("GET /_test/users", s.handleTestUsers)
	mux.HandleFunc("POST /_test/check-password", s.handleTestCheckPassword)
	mux.HandleFunc("GET /test-login", s.handleLoginPage)
	mux.HandleFunc("POST /test-login", s.handleLoginCheck)
	mux.HandleFunc("POST /test-login/verify-email", s.handleVerifyEmail)
	mux.HandleFunc("GET /realms/{realm}/account", s.handleLoginPage)
	return s.unlessDown(mux)
}

// unlessDown answers 503 to everything while the server is marked down, as
// a reverse proxy in front of a stopped Keycloak would.
func (s *Server) unlessDown(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		down := s.down
		s.mu.Unlock()
		if down {
			http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}
