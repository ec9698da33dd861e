package staff

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
)

// Paths of the sign-in routes (Mount and MountDemo register them).
const (
	LoginPath     = "/admin/login"
	CallbackPath  = "/admin/callback"
	LogoutPath    = "/admin/logout"
	DemoLoginPath = "/admin/demo-login"
)

// CookieName is the default name of the session cookie.
const CookieName = "basketball_admin"

// Config configures staff sign-in. Zero durations take their defaults.
type Config struct {
	// IssuerURL is OIDC_ISSUER_URL, the issuer of staff sign-in (for
	// Keycloak {KEYCLOAK_URL}/realms/{realm}). Empty means no OIDC
	// sign-in: only demo links sign in (the demo), /admin/login answers
	// 503 and bearer tokens are refused.
	IssuerURL string
	// ClientID and ClientSecret are the confidential client of the staff
	// sign-in (OIDC_CLIENT_ID, OIDC_CLIENT_SECRET). Bearer tokens must name
	// ClientID in aud or azp. Both are required with IssuerURL.
	ClientID     string
	ClientSecret string
	// PublicURL is the service's base URL: the redirect URI is
	// PublicURL+"/admin/callback", and the cookie is Secure when it is
	// https.
	PublicURL string
	// SessionStore keeps sessions; sqldb's SessionStore in production, so
	// replicas share them and a restart keeps them.
	SessionStore scs.Store
	// IdleTimeout ends a session unused that long (default 2h); Lifetime
	// ends any session that long after sign-in (default 12h).
	IdleTimeout time.Duration
	Lifetime    time.Duration
	// Now is the clock for token expiry, session timeouts and demo links;
	// nil means time.Now.
	Now func() time.Time
	// HTTPClient talks to the issuer (discovery, JWKS, token exchange);
	// nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// DiscoveryTimeout bounds one discovery attempt (default 10s);
	// RetryAfter is how long a failed discovery is remembered before the
	// next request tries again (default 10s).
	DiscoveryTimeout time.Duration
	RetryAfter       time.Duration
	// CookieName defaults to CookieName.
	CookieName string
	// WriteError renders every error these handlers and middleware answer
	// with (401, 403, 503, 500). nil writes the contract's JSON error shape
	// itself; the web package passes its own writer so logs and shapes stay
	// in one place.
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	// Logger receives warnings (issuer unreachable, refused sign-ins);
	// nil discards them.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 2 * time.Hour
	}
	if c.Lifetime == 0 {
		c.Lifetime = 12 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.DiscoveryTimeout == 0 {
		c.DiscoveryTimeout = 10 * time.Second
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = 10 * time.Second
	}
	if c.CookieName == "" {
		c.CookieName = CookieName
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return c
}

func (c Config) validate() error {
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("staff: PublicURL %q is not an http(s) URL", c.PublicURL)
	}
	if c.SessionStore == nil {
		return errors.New("staff: SessionStore is required")
	}
	if c.IssuerURL != "" {
		iu, err := url.Parse(c.IssuerURL)
		if err != nil || (iu.Scheme != "http" && iu.Scheme != "https") || iu.Host == "" {
			return fmt.Errorf("staff: OIDC_ISSUER_URL %q is not an http(s) URL", c.IssuerURL)
		}
		if c.ClientID == "" || c.ClientSecret == "" {
			return errors.New("staff: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required with OIDC_ISSUER_URL")
		}
	}
	if c.IdleTimeout < 0 || c.Lifetime < 0 || c.IdleTimeout > c.Lifetime {
		return fmt.Errorf("staff: want 0 < IdleTimeout (%s) <= Lifetime (%s)", c.IdleTimeout, c.Lifetime)
	}
	return nil
}

// secureCookie reports whether the session cookie gets the Secure flag.
func (c Config) secureCookie() bool { return strings.HasPrefix(c.PublicURL, "https://") }
