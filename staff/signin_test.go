package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"basketball/sqldb/sqldbtest"
	"basketball/staff"
	"basketball/staff/oidctest"
)

// TestSignInRoundTrip walks the whole flow through real HTTP, with the
// database's session store on each engine: a guarded page sends the
// browser to sign in, the issuer approves, the callback makes a session,
// the page shows who is signed in; sign-out ends both sessions.
func TestSignInRoundTrip(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		var db = struct{ count func() int }{}
		b := setup(t, func(c *staff.Config) {
			d := sqldbtest.Open(t, engine, nil)
			c.SessionStore = d.SessionStore()
			db.count = func() int {
				var n int
				if err := d.SQL().QueryRow(`SELECT count(*) FROM staff_sessions`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
		})
		br := newBrowser(t)

		// Not signed in: the page asks for a sign-in and remembers itself.
		wantLoginRedirect(t, do(t, br.noFollow, "GET", b.app.URL+"/admin/clubs/tigers?tab=paid", nil), "/admin/clubs/tigers?tab=paid")

		got := b.mustSignIn(t, br, "/admin/clubs/tigers?tab=paid")
		if got.Subject != coach.Subject || got.Email != coach.Email || !slices.Equal(got.Clubs, []string{"tigers"}) || got.All {
			t.Fatalf("signed in as %+v, want the coach of tigers", got)
		}
		if got.Path != "/admin/clubs/tigers?tab=paid" {
			t.Fatalf("landed on %q, want the page asked for", got.Path)
		}
		req := b.issuer.LastAuthorizeRequest()
		if req["code_challenge_method"] != "S256" || len(req["code_challenge"]) != 43 || req["state"] == "" ||
			req["nonce"] == "" || req["client_id"] != clientID || req["redirect_uri"] != b.app.URL+staff.CallbackPath ||
			!slices.Contains(strings.Fields(req["scope"]), "openid") {
			t.Fatalf("authorization request = %v", req)
		}
		if n := db.count(); n != 1 {
			t.Fatalf("staff_sessions rows = %d, want 1 (the pre-sign-in session replaced)", n)
		}

		// The session also opens the JSON API.
		if m := decodeMe(t, do(t, br.follow, "GET", b.app.URL+"/api/v1/admin/me", nil)); m.Subject != coach.Subject {
			t.Fatalf("API as %+v", m)
		}

		// Sign out: the session is gone, here and at the issuer.
		u, _ := url.Parse(b.app.URL)
		old := br.jar.Cookies(u)
		res := do(t, br.follow, "POST", b.app.URL+staff.LogoutPath, nil)
		if res.status != http.StatusOK || res.body != "home" {
			t.Fatalf("after sign-out: %d %q at %s", res.status, res.body, res.finalURL)
		}
		logouts := b.issuer.Logouts()
		if len(logouts) != 1 || logouts[0].Subject != coach.Subject || logouts[0].PostLogoutRedirectURI != b.app.URL+"/" {
			t.Fatalf("issuer logouts = %+v", logouts)
		}
		if n := db.count(); n != 0 {
			t.Fatalf("staff_sessions rows after sign-out = %d, want 0", n)
		}
		wantLoginRedirect(t, do(t, br.noFollow, "GET", b.app.URL+"/admin/clubs/tigers", nil), "/admin/clubs/tigers")

		// The old cookie, replayed, opens nothing.
		replay := newBrowser(t)
		replay.jar.SetCookies(u, old)
		wantLoginRedirect(t, do(t, replay.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")
		wantError(t, do(t, replay.noFollow, "GET", b.app.URL+"/api/v1/admin/me", nil), http.StatusUnauthorized, "unauthenticated")
	})
}

// TestTokenRenewedOnSignIn: the cookie set before sign-in (holding state
// and nonce) is not the one that is signed in, so a cookie planted on a
// victim before sign-in gives the planter nothing.
func TestTokenRenewedOnSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := newBrowser(t)
	res := do(t, br.noFollow, "GET", b.app.URL+staff.LoginPath, nil)
	before := sessionCookie(t, res)
	if res.status != http.StatusFound || before == nil {
		t.Fatalf("login: %d, cookie %v", res.status, before)
	}
	b.mustSignIn(t, br, "/admin")
	u, _ := url.Parse(b.app.URL)
	var after string
	for _, c := range br.jar.Cookies(u) {
		if c.Name == staff.CookieName {
			after = c.Value
		}
	}
	if after == "" || after == before.Value {
		t.Fatalf("session token before sign-in %q, after %q: want a new one", before.Value, after)
	}
	planted := newBrowser(t)
	planted.jar.SetCookies(u, []*http.Cookie{{Name: staff.CookieName, Value: before.Value}})
	wantLoginRedirect(t, do(t, planted.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")
}

// callbackURL runs /admin/login and the issuer's /authorize by hand and
// returns the callback URL the issuer sent back, unvisited.
func callbackURL(t *testing.T, b *testBundle, br *browser) *url.URL {
	t.Helper()
	res := do(t, br.noFollow, "GET", b.app.URL+staff.LoginPath, nil)
	if res.status != http.StatusFound {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	res = do(t, br.noFollow, "GET", res.location(), nil)
	u, err := url.Parse(res.location())
	if res.status != http.StatusFound || err != nil || u.Path != staff.CallbackPath {
		t.Fatalf("authorize: %d to %q", res.status, res.location())
	}
	return u
}

func TestCallbackRefusesAStateMismatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := newBrowser(t)
	cb := callbackURL(t, b, br)
	good := *cb
	q := cb.Query()
	q.Set("state", "forged-"+q.Get("state"))
	cb.RawQuery = q.Encode()
	before := b.issuer.TokenRequests()
	wantError(t, do(t, br.noFollow, "GET", cb.String(), nil), http.StatusUnauthorized, "unauthenticated")
	if b.issuer.TokenRequests() != before {
		t.Fatal("the code was exchanged despite the wrong state")
	}
	// The pending sign-in was used up: the genuine callback fails too.
	wantError(t, do(t, br.noFollow, "GET", good.String(), nil), http.StatusUnauthorized, "unauthenticated")
	wantLoginRedirect(t, do(t, br.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")

	// A callback in a browser that never started a sign-in (login CSRF).
	other := newBrowser(t)
	cb2 := callbackURL(t, b, newBrowser(t))
	wantError(t, do(t, other.noFollow, "GET", cb2.String(), nil), http.StatusUnauthorized, "unauthenticated")
	wantLoginRedirect(t, do(t, other.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")
}

// TestCallbackRefusesBadIDTokens: the ID token's nonce must be the one this
// browser's sign-in sent; its audience must be the client; its at_hash
// must match the access token; both tokens must name the same subject.
func TestCallbackRefusesBadIDTokens(t *testing.T) {
	t.Parallel()
	for name, hook := range map[string]struct{ id, access func(oidctest.Claims) }{
		"nonce mismatch":     {id: func(c oidctest.Claims) { c["nonce"] = "nonce-of-another-login" }},
		"no nonce":           {id: func(c oidctest.Claims) { delete(c, "nonce") }},
		"audience elsewhere": {id: func(c oidctest.Claims) { c["aud"] = "other-client" }},
		"expired":            {id: func(c oidctest.Claims) { c["exp"] = c["iat"].(int64) - 1 }},
		"at_hash mismatch":   {id: func(c oidctest.Claims) { c["at_hash"] = "AAAAAAAAAAAAAAAAAAAAAA" }},
		"subjects differ":    {access: func(c oidctest.Claims) { c["sub"] = "someone-else" }},
		"access token for another client": {access: func(c oidctest.Claims) {
			c["aud"], c["azp"] = "account", "other-client"
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.issuer.SetIDTokenHook(hook.id)
			b.issuer.SetAccessTokenHook(hook.access)
			br := newBrowser(t)
			res := do(t, br.follow, "GET", b.app.URL+"/admin", nil)
			wantError(t, res, http.StatusUnauthorized, "unauthenticated")
			if !strings.HasPrefix(res.finalURL, b.app.URL+staff.CallbackPath) {
				t.Fatalf("refused at %s, want at the callback", res.finalURL)
			}
			wantLoginRedirect(t, do(t, br.noFollow, "GET", b.app.URL+"/admin", nil), "/admin")
		})
	}
}

// TestCallbackWhenTheIssuerRefuses: a user who cancels at the issuer comes
// back with error=access_denied and is not signed in.
func TestCallbackWhenTheIssuerRefuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.issuer.SetUser(nil)
	br := newBrowser(t)
	wantError(t, do(t, br.follow, "GET", b.app.URL+"/admin", nil), http.StatusUnauthorized, "unauthenticated")
}

func TestNextIsRestrictedToTheAdminArea(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for next, want := range map[string]string{
		"/admin/clubs/tigers?x=1":  "/admin/clubs/tigers?x=1",
		"https://evil.example/":    "/admin",
		"//evil.example/admin":     "/admin",
		"/admin/../api/v1/clubs":   "/admin",
		"/administrator":           "/admin",
		"/admin/login?next=/admin": "/admin",
	} {
		br := newBrowser(t)
		got := b.mustSignIn(t, br, staff.LoginPath+"?"+url.Values{"next": {next}}.Encode())
		if got.Path != want {
			t.Errorf("next=%q landed on %q, want %q", next, got.Path, want)
		}
	}
}

// TestLogoutRefusesCrossOriginPosts: another site cannot sign staff out
// (nor post anything else) with the session cookie.
func TestLogoutRefusesCrossOriginPosts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := newBrowser(t)
	b.mustSignIn(t, br, "/admin")
	for _, path := range []string{staff.LogoutPath, "/admin/clubs/tigers/act", "/api/v1/admin/clubs/tigers/ping"} {
		res := do(t, br.noFollow, "POST", b.app.URL+path, map[string]string{"Sec-Fetch-Site": "cross-site"})
		if res.status != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, res.status)
		}
	}
	b.mustSignIn(t, br, "/admin") // still signed in, without a new sign-in
	if n := len(b.issuer.Logouts()); n != 0 {
		t.Fatalf("issuer saw %d logouts", n)
	}
	res := do(t, br.noFollow, "POST", b.app.URL+"/api/v1/admin/clubs/tigers/ping", map[string]string{"Sec-Fetch-Site": "same-origin"})
	if res.status != http.StatusOK {
		t.Fatalf("same-origin POST: %d %s", res.status, res.body)
	}
}

// TestIssuerDownAtStart: New does not need the issuer; while it is down the
// sign-in and bearer tokens answer 503 (a failure remembered for
// RetryAfter, not retried by every request); once it is back, sign-in works.
func TestIssuerDownAtStart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.issuer.SetDown(true)
	if err := b.auth.Discover(context.Background()); err == nil {
		t.Fatal("Discover succeeded against an issuer that is down")
	}
	br := newBrowser(t)
	hits := b.issuer.DiscoveryRequests()
	wantError(t, do(t, br.noFollow, "GET", b.app.URL+staff.LoginPath, nil), http.StatusServiceUnavailable, "unavailable")
	wantError(t, do(t, br.noFollow, "GET", b.app.URL+"/api/v1/admin/me", map[string]string{"Authorization": "Bearer x.y.z"}), http.StatusServiceUnavailable, "unavailable")
	if got := b.issuer.DiscoveryRequests(); got != hits {
		t.Fatalf("discovery retried %d times within RetryAfter", got-hits)
	}
	b.issuer.SetDown(false)
	b.clock.Advance(11 * 1e9)
	b.mustSignIn(t, br, "/admin")
}
