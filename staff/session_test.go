package staff_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"

	"basketball/staff"
)

// TestSessionCookie: HttpOnly, SameSite=Lax, Path=/, Secure exactly when
// PUBLIC_URL is https; a browser-session cookie (no Max-Age).
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		publicURL  string
		wantSecure bool
	}{
		{"http", "", false}, // the app's own http:// URL
		{"https", "https://club.example", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(c *staff.Config) {
				if tc.publicURL != "" {
					c.PublicURL = tc.publicURL
				}
			})
			res := do(t, newBrowser(t).noFollow, "GET", b.app.URL+staff.LoginPath, nil)
			c := sessionCookie(t, res)
			if c == nil {
				t.Fatalf("no %s cookie in %v", staff.CookieName, res.header.Values("Set-Cookie"))
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != tc.wantSecure || c.MaxAge != 0 {
				t.Fatalf("cookie %q: HttpOnly=%v SameSite=%v Path=%q Secure=%v MaxAge=%d", c.Raw, c.HttpOnly, c.SameSite, c.Path, c.Secure, c.MaxAge)
			}
		})
	}
}

// TestIdleTimeout: a session unused for IdleTimeout is over; using it
// before then keeps it alive.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *staff.Config) { c.IdleTimeout = 30 * time.Minute })
	br := newBrowser(t)
	b.mustSignIn(t, br, "/admin")
	for range 4 { // two hours in steps just under the idle timeout
		b.clock.Advance(29 * time.Minute)
		if res := do(t, br.noFollow, "GET", b.app.URL+"/admin", nil); res.status != http.StatusOK {
			t.Fatalf("used every 29 min: %d %s", res.status, res.location())
		}
	}
	b.clock.Advance(30 * time.Minute)
	wantLoginRedirect(t, do(t, br.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")
	// Over for the API too, and for good: moving on does not revive it.
	wantError(t, do(t, br.noFollow, "GET", b.app.URL+"/api/v1/admin/me", nil), http.StatusUnauthorized, "unauthenticated")
}

// TestAbsoluteLifetime: however busy, a session ends Lifetime after
// sign-in; signing in again starts a new one.
func TestAbsoluteLifetime(t *testing.T) {
	t.Parallel()
	b := setup(t) // defaults: idle 2h, lifetime 12h
	br := newBrowser(t)
	b.mustSignIn(t, br, "/admin")
	for range 11 {
		b.clock.Advance(time.Hour)
		if res := do(t, br.noFollow, "GET", b.app.URL+"/api/v1/admin/me", nil); res.status != http.StatusOK {
			t.Fatalf("within the lifetime: %d %s", res.status, res.body)
		}
	}
	b.clock.Advance(59 * time.Minute)
	if res := do(t, br.noFollow, "GET", b.app.URL+"/admin", nil); res.status != http.StatusOK {
		t.Fatalf("11h59m after sign-in: %d", res.status)
	}
	b.clock.Advance(time.Minute)
	wantLoginRedirect(t, do(t, br.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")
	b.mustSignIn(t, br, "/admin")
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := staff.Config{IssuerURL: b.issuer.URL(), ClientID: clientID, ClientSecret: clientSecret, PublicURL: b.app.URL, SessionStore: nil}
	for name, change := range map[string]func(*staff.Config){
		"no session store":       func(c *staff.Config) {},
		"no public URL":          func(c *staff.Config) { c.PublicURL = "" },
		"issuer without secret":  func(c *staff.Config) { c.ClientSecret = "" },
		"issuer not a URL":       func(c *staff.Config) { c.IssuerURL = "keycloak:8080" },
		"idle longer than total": func(c *staff.Config) { c.IdleTimeout, c.Lifetime = 3*time.Hour, time.Hour },
	} {
		cfg := base
		if name != "no session store" {
			cfg.SessionStore = memstore.New()
		}
		change(&cfg)
		if _, err := staff.New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}
