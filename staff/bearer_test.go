package staff_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"basketball/staff/oidctest"
)

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// TestBearerTokensRefused: every way a token can be wrong answers 401
// unauthenticated, with the same message whichever check failed.
func TestBearerTokensRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	valid := func(change func(oidctest.Claims)) oidctest.Claims {
		c := b.issuer.AccessTokenClaims(operator)
		if change != nil {
			change(c)
		}
		return c
	}
	for name, header := range map[string]map[string]string{
		"expired":               bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { c["exp"] = b.clock.Now().Add(-time.Second).Unix() }))),
		"no exp":                bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { delete(c, "exp") }))),
		"not yet valid":         bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { c["nbf"] = b.clock.Now().Add(time.Hour).Unix() }))),
		"signed by another key": bearer(b.issuer.SignWithForeignKey(valid(nil))),
		"alg none":              bearer(oidctest.Unsigned(valid(nil))),
		"HS256":                 bearer(b.issuer.SignHS256(valid(nil), []byte("a-shared-secret-of-32-bytes-long!"))),
		"wrong issuer":          bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { c["iss"] = b.issuer.URL() + "/other" }))),
		"wrong audience and azp": bearer(b.issuer.Sign(valid(func(c oidctest.Claims) {
			c["aud"], c["azp"] = []string{"account", "other-client"}, "other-client"
		}))),
		"an ID token":       bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { c["typ"], c["aud"] = "ID", clientID }))),
		"a refresh token":   bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { c["typ"] = "Refresh" }))),
		"no subject":        bearer(b.issuer.Sign(valid(func(c oidctest.Claims) { delete(c, "sub") }))),
		"tampered payload":  bearer(tamper(b.issuer.AccessToken(coach), b.issuer.AccessTokenClaims(operator))),
		"not a JWT":         bearer("not-a-jwt"),
		"empty bearer":      {"Authorization": "Bearer "},
		"basic credentials": {"Authorization": "Basic " + "YWRtaW46YWRtaW4="},
		"no header at all":  nil,
	} {
		t.Run(name, func(t *testing.T) {
			res := do(t, http.DefaultClient, "GET", b.app.URL+"/api/v1/admin/me", header)
			wantError(t, res, http.StatusUnauthorized, "unauthenticated")
			if res.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if c := sessionCookie(t, res); c != nil {
				t.Errorf("a refused request got a session cookie %v", c)
			}
		})
	}
}

// tamper swaps the payload of a signed token for other claims, keeping its
// header and signature.
func tamper(token string, c oidctest.Claims) string {
	parts, forged := strings.Split(token, "."), strings.Split(oidctest.Unsigned(c), ".")
	return parts[0] + "." + forged[1] + "." + parts[2]
}

// TestBearerTokensAccepted: a token from the issuer for this client is
// accepted whether it names the client in azp only (Keycloak's default,
// aud "account") or in aud; the roles come from realm_access and from
// resource_access of this client only.
func TestBearerTokensAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		name      string
		user      oidctest.User
		change    func(oidctest.Claims)
		wantClubs []string
		wantAll   bool
	}{
		{name: "azp only, realm role", user: coach, wantClubs: []string{"tigers"}},
		{name: "aud only", user: coach, change: func(c oidctest.Claims) { c["aud"], c["azp"] = []string{"account", clientID}, "some-frontend" },
			wantClubs: []string{"tigers"}},
		{name: "client role", user: oidctest.User{Subject: "s2", ClientRoles: []string{"club-admin:bears"}}, wantClubs: []string{"bears"}},
		{name: "realm and client roles together", user: oidctest.User{Subject: "s3", RealmRoles: []string{"club-admin:tigers"}, ClientRoles: []string{"club-admin:bears"}},
			wantClubs: []string{"bears", "tigers"}},
		{name: "another client's roles do not count", user: oidctest.User{Subject: "s4"}, change: func(c oidctest.Claims) {
			c["resource_access"] = map[string]any{"other-client": map[string]any{"roles": []string{"club-admin:*", "club-admin:tigers"}}}
		}},
		{name: "wildcard", user: operator, wantAll: true},
		{name: "no roles: signed in, no clubs", user: oidctest.User{Subject: "s5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := b.issuer.AccessTokenClaims(tc.user)
			if tc.change != nil {
				tc.change(c)
			}
			res := do(t, http.DefaultClient, "GET", b.app.URL+"/api/v1/admin/me", bearer(b.issuer.Sign(c)))
			if res.status != http.StatusOK {
				t.Fatalf("%d %s", res.status, res.body)
			}
			m := decodeMe(t, res)
			if m.Subject != tc.user.Subject || !slices.Equal(m.Clubs, tc.wantClubs) || m.All != tc.wantAll {
				t.Fatalf("staff = %+v, want clubs %v all=%v", m, tc.wantClubs, tc.wantAll)
			}
			if sessionCookie(t, res) != nil {
				t.Fatal("a bearer request got a session cookie")
			}
		})
	}
}

// TestClubScope: staff of one club get 403 forbidden for every other club,
// with the same answer whether that club exists or not; club-admin:*
// reaches every club. Through bearer tokens and through a session.
func TestClubScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	coachToken, opToken := b.issuer.AccessToken(coach), b.issuer.AccessToken(operator)
	get := func(token, club string) response {
		return do(t, http.DefaultClient, "GET", b.app.URL+"/api/v1/admin/clubs/"+club+"/ping", bearer(token))
	}
	if res := get(coachToken, "tigers"); res.status != http.StatusOK {
		t.Fatalf("own club: %d %s", res.status, res.body)
	}
	other, missing := get(coachToken, "bears"), get(coachToken, "no-such-club")
	wantError(t, other, http.StatusForbidden, "forbidden")
	if other.body != missing.body || other.status != missing.status {
		t.Fatalf("another club %d %q vs a missing one %d %q: the answers differ", other.status, other.body, missing.status, missing.body)
	}
	for _, club := range []string{"tigers", "bears"} {
		if res := get(opToken, club); res.status != http.StatusOK {
			t.Fatalf("operator on %s: %d %s", club, res.status, res.body)
		}
	}

	br := newBrowser(t)
	b.mustSignIn(t, br, "/admin/clubs/tigers")
	wantError(t, do(t, br.follow, "GET", b.app.URL+"/admin/clubs/bears", nil), http.StatusForbidden, "forbidden")
	wantError(t, do(t, br.follow, "GET", b.app.URL+"/api/v1/admin/clubs/bears/ping", nil), http.StatusForbidden, "forbidden")
}
