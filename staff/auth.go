package staff

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"basketball"
)

// Auth signs staff in and tells handlers who they are. Build it once with
// New and mount its handlers; it is safe for concurrent use.
type Auth struct {
	cfg      Config
	sessions *scs.SessionManager
	cop      *http.CrossOriginProtection
	demo     demoLinks

	mu        sync.Mutex // guards the fields below and serialises discovery
	issuer    *issuer    // nil until discovered
	lastErr   error
	lastTryAt time.Time
}

// issuer is what discovery learnt: endpoints and verifiers.
type issuer struct {
	oauth      oauth2.Config
	idTokens   *oidc.IDTokenVerifier // aud must contain the client
	access     *oidc.IDTokenVerifier // aud or azp checked by verifyAccessToken
	endSession string                // "" when the issuer has none
}

// New checks cfg and returns an Auth. It does not contact the issuer:
// discovery happens at the first request that needs it (or at Discover),
// so the service starts while the issuer is down and the admin area
// answers 503 until the issuer is reachable.
func New(cfg Config) (*Auth, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = cfg.SessionStore
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.Lifetime
	sm.HashTokenInStore = true // a copy of the table is no key to anyone's session
	sm.Cookie = scs.SessionCookie{
		Name:     cfg.CookieName,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode, // sent on the issuer's redirect back to /admin/callback
		Secure:   cfg.secureCookie(),
		Persist:  false, // ends with the browser; the server enforces both timeouts anyway
	}
	a := &Auth{cfg: cfg, sessions: sm, cop: http.NewCrossOriginProtection()}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		a.writeError(w, r, fmt.Errorf("staff session: %w", err))
	}
	a.demo.links = map[[32]byte]demoGrant{}
	return a, nil
}

// OIDCEnabled reports whether sign-in through the issuer is configured.
func (a *Auth) OIDCEnabled() bool { return a.cfg.IssuerURL != "" }

// Mount registers the sign-in routes on mux: GET /admin/login,
// GET /admin/callback and POST /admin/logout.
func (a *Auth) Mount(mux *http.ServeMux) {
	mux.Handle("GET "+LoginPath, a.Login())
	mux.Handle("GET "+CallbackPath, a.Callback())
	mux.Handle("POST "+LogoutPath, a.Logout())
}

// Discover contacts the issuer now, so that start-up can log whether it is
// reachable. Failing is not fatal: requests retry later.
func (a *Auth) Discover(ctx context.Context) error {
	_, err := a.discover(ctx)
	return err
}

// discover returns the issuer, discovering it if needed. A failure is
// remembered for RetryAfter, during which requests answer 503 at once
// instead of each waiting for an issuer that is down.
func (a *Auth) discover(ctx context.Context) (*issuer, error) {
	if a.cfg.IssuerURL == "" {
		return nil, basketball.Errorf(basketball.EUnavailable, "staff sign-in is not configured here (no OIDC issuer); in the demo, use the sign-in link it printed")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.issuer != nil {
		return a.issuer, nil
	}
	if a.lastErr != nil && a.cfg.Now().Sub(a.lastTryAt) < a.cfg.RetryAfter {
		return nil, a.lastErr
	}
	iss, err := a.discoverNow(ctx)
	if err != nil {
		a.cfg.Logger.Warn("staff sign-in: OIDC issuer unreachable", "issuer", a.cfg.IssuerURL, "err", err)
		a.lastErr = &basketball.Error{Code: basketball.EUnavailable, Message: "staff sign-in is unavailable: the identity provider cannot be reached", Err: err}
		a.lastTryAt = a.cfg.Now()
		return nil, a.lastErr
	}
	a.issuer, a.lastErr = iss, nil
	return iss, nil
}

func (a *Auth) discoverNow(ctx context.Context) (*issuer, error) {
	// The discovery's context also carries the client into the key set,
	// which go-oidc keeps for later JWKS fetches.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.DiscoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, a.cfg.HTTPClient), a.cfg.IssuerURL)
	if err != nil {
		return nil, err
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, err
	}
	ep := p.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader // no auto-detection: a second try would reuse the one-time code
	return &issuer{
		oauth: oauth2.Config{
			ClientID:     a.cfg.ClientID,
			ClientSecret: a.cfg.ClientSecret,
			Endpoint:     ep,
			RedirectURL:  a.cfg.PublicURL + CallbackPath,
			Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
		},
		idTokens:   p.Verifier(&oidc.Config{ClientID: a.cfg.ClientID, Now: a.cfg.Now}),
		access:     p.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: a.cfg.Now}),
		endSession: meta.EndSession,
	}, nil
}

// clientContext carries the configured HTTP client to oauth2.
func (a *Auth) clientContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, a.cfg.HTTPClient)
}
