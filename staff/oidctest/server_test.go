package oidctest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"basketball/staff/oidctest"
)

const redirectURI = "http://app.test/admin/callback"

type testBundle struct {
	srv    *oidctest.Server
	client *http.Client // does not follow redirects
}

func setup(t *testing.T) testBundle {
	t.Helper()
	srv := oidctest.NewServer(t, oidctest.Options{ClientID: "app", ClientSecret: "secret", RedirectURIs: []string{redirectURI},
		PostLogoutRedirectURIs: []string{"http://app.test/"}})
	srv.SetUser(&oidctest.User{Subject: "u1", Email: "u1@example.com", RealmRoles: []string{"club-admin:tigers"}})
	return testBundle{srv: srv, client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// authorize asks for a code with the given parameters changed (a value ""
// removes it) and returns where the issuer sent the browser.
func (b testBundle) authorize(t *testing.T, verifier string, change map[string]string) (*http.Response, url.Values) {
	t.Helper()
	q := url.Values{
		"response_type": {"code"}, "client_id": {"app"}, "redirect_uri": {redirectURI}, "scope": {"openid email"},
		"state": {"st"}, "nonce": {"n0"}, "code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
	}
	for k, v := range change {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	res, err := b.client.Get(b.srv.URL() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var back url.Values
	if loc, err := url.Parse(res.Header.Get("Location")); err == nil {
		back = loc.Query()
	}
	return res, back
}

func (b testBundle) exchange(t *testing.T, code, verifier string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	req, _ := http.NewRequest("POST", b.srv.URL()+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("app", "secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func TestPKCEVerifierIsChecked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := oauth2.GenerateVerifier()
	for name, sent := range map[string]string{"wrong verifier": oauth2.GenerateVerifier(), "no verifier": ""} {
		_, back := b.authorize(t, v, nil)
		status, body := b.exchange(t, back.Get("code"), sent)
		if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v, want 400 invalid_grant", name, status, body)
		}
	}
	_, back := b.authorize(t, v, nil)
	if back.Get("state") != "st" || back.Get("code") == "" {
		t.Fatalf("authorize sent back %v", back)
	}
	status, body := b.exchange(t, back.Get("code"), v)
	if status != http.StatusOK || body["id_token"] == nil || body["access_token"] == nil || body["token_type"] != "Bearer" {
		t.Fatalf("exchange: %d %v", status, body)
	}
	// A code is used once.
	if status, body := b.exchange(t, back.Get("code"), v); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("second exchange: %d %v", status, body)
	}
}

func TestAuthorizeValidatesTheRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := oauth2.GenerateVerifier()
	// No redirect for an unknown client or redirect URI.
	for name, change := range map[string]map[string]string{
		"unknown client":           {"client_id": "evil"},
		"unregistered redirect":    {"redirect_uri": "http://evil.test/cb"},
		"redirect with extra path": {"redirect_uri": redirectURI + "/x"},
	} {
		if res, _ := b.authorize(t, v, change); res.StatusCode != http.StatusBadRequest || res.Header.Get("Location") != "" {
			t.Errorf("%s: %d to %q, want 400 without redirect", name, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Errors go back to the client.
	for name, tc := range map[string]struct {
		change map[string]string
		want   string
	}{
		"no state":      {map[string]string{"state": ""}, "invalid_request"},
		"no nonce":      {map[string]string{"nonce": ""}, "invalid_request"},
		"no PKCE":       {map[string]string{"code_challenge": "", "code_challenge_method": ""}, "invalid_request"},
		"plain PKCE":    {map[string]string{"code_challenge_method": "plain"}, "invalid_request"},
		"not openid":    {map[string]string{"scope": "email"}, "invalid_scope"},
		"implicit flow": {map[string]string{"response_type": "token"}, "unsupported_response_type"},
	} {
		res, back := b.authorize(t, v, tc.change)
		if res.StatusCode != http.StatusFound || back.Get("error") != tc.want || back.Get("code") != "" {
			t.Errorf("%s: %d %v, want an error %s", name, res.StatusCode, back, tc.want)
		}
	}
	b.srv.SetUser(nil)
	if _, back := b.authorize(t, v, nil); back.Get("error") != "access_denied" || back.Get("state") != "st" {
		t.Errorf("no user: %v", back)
	}
}

// TestTokensVerifyWithGoOIDC: what the fake issues verifies with the same
// library the app uses, and carries the roles where Keycloak puts them.
func TestTokensVerifyWithGoOIDC(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, b.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	v := oauth2.GenerateVerifier()
	_, back := b.authorize(t, v, nil)
	_, body := b.exchange(t, back.Get("code"), v)
	id, err := p.Verifier(&oidc.Config{ClientID: "app"}).Verify(ctx, body["id_token"].(string))
	if err != nil || id.Nonce != "n0" || id.Subject != "u1" {
		t.Fatalf("id token: %+v, %v", id, err)
	}
	if err := id.VerifyAccessToken(body["access_token"].(string)); err != nil {
		t.Fatalf("at_hash: %v", err)
	}
	at, err := p.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, body["access_token"].(string))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		AZP         string                   `json:"azp"`
		RealmAccess struct{ Roles []string } `json:"realm_access"`
	}
	if err := at.Claims(&c); err != nil || c.AZP != "app" || !strings.Contains(strings.Join(c.RealmAccess.Roles, " "), "club-admin:tigers") {
		t.Fatalf("access token claims %+v, %v", c, err)
	}
	if _, err := p.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, b.srv.SignWithForeignKey(b.srv.AccessTokenClaims(oidctest.User{Subject: "x"}))); err == nil {
		t.Fatal("a token signed by a foreign key verified")
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hint := b.srv.Sign(oidctest.Claims{"iss": b.srv.URL(), "sub": "u1", "aud": "app"})
	get := func(q url.Values) *http.Response {
		res, err := b.client.Get(b.srv.URL() + "/logout?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := get(url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"http://app.test/"}}); res.StatusCode != http.StatusFound || res.Header.Get("Location") != "http://app.test/" {
		t.Fatalf("logout: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	for name, q := range map[string]url.Values{
		"unregistered redirect":           {"id_token_hint": {hint}, "post_logout_redirect_uri": {"http://evil.test/"}},
		"forged hint":                     {"id_token_hint": {b.srv.SignWithForeignKey(oidctest.Claims{"sub": "u1"})}},
		"redirect without hint or client": {"post_logout_redirect_uri": {"http://app.test/"}},
	} {
		if res := get(q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, res.StatusCode)
		}
	}
	if l := b.srv.Logouts(); len(l) != 1 || l[0].Subject != "u1" {
		t.Fatalf("logouts = %+v", l)
	}
}
