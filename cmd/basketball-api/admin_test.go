package main

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
	"basketball/staff"
	"basketball/staff/oidctest"
)

// freeAddr reserves a loopback port for a server whose PUBLIC_URL must be
// known before it starts (the issuer's redirect URI names it).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// staffBrowser is a cookie jar with a client that follows redirects, as a
// browser does.
func staffBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: waitLimit}
}

func mustRead(t *testing.T, c *http.Client, method, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestStaffSignInThroughServe: with OIDC_* set, serve signs staff in
// through the issuer (the fake one: authorization code with PKCE, state
// and nonce) into a session kept in the database, shows the club's
// dashboard, and signs out at the issuer too. The demo's sign-in links do
// not exist in serve.
func TestStaffSignInThroughServe(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		iss := oidctest.NewServer(t, oidctest.Options{ClientID: "basketball-admin", ClientSecret: "oidc-secret"})
		iss.SetUser(&oidctest.User{Subject: "sub-coach", Email: "coach@tigers.example", RealmRoles: []string{"club-admin:tigers"}})
		addr := freeAddr(t)
		public := "http://" + addr
		iss.AllowRedirectURI(public + staff.CallbackPath)
		iss.AllowPostLogoutRedirectURI(public + "/")
		secretFile := filepath.Join(t.TempDir(), "oidc-secret")
		if err := os.WriteFile(secretFile, []byte("oidc-secret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env := serveEnv(t, engine)
		env["LISTEN_ADDR"], env["PUBLIC_URL"] = addr, public
		env["OIDC_ISSUER_URL"], env["OIDC_CLIENT_ID"], env["OIDC_CLIENT_SECRET_FILE"] = iss.URL(), "basketball-admin", secretFile
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers BC")
		srv := mustStart(t, env, "serve")

		br := staffBrowser(t)
		res, body := mustRead(t, br, "GET", srv.url("/admin/clubs/tigers"))
		if res.StatusCode != 200 || res.Request.URL.Path != "/admin/clubs/tigers" || !strings.Contains(body, "Tigers BC") ||
			!strings.Contains(body, "coach@tigers.example") {
			t.Fatalf("after signing in: %d at %s\n%.1500s", res.StatusCode, res.Request.URL, body)
		}
		if q := iss.LastAuthorizeRequest(); q["code_challenge_method"] != "S256" || q["state"] == "" || q["nonce"] == "" {
			t.Fatalf("authorize request %v", q)
		}
		u, _ := url.Parse(public)
		var cookie *http.Cookie
		for _, c := range br.Jar.Cookies(u) {
			if c.Name == staff.CookieName {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatal("no session cookie")
		}
		var sessions int
		db := mustOpen(t, env["DATABASE_URL"])
		if err := db.SQL().QueryRow(`SELECT count(*) FROM staff_sessions`).Scan(&sessions); err != nil || sessions != 1 {
			t.Fatalf("%d sessions in the database, %v", sessions, err)
		}
		// The API takes the session too, and the issuer's tokens.
		if res, body := mustRead(t, br, "GET", srv.url("/api/v1/admin/me")); res.StatusCode != 200 || !strings.Contains(body, `"clubs":["tigers"]`) {
			t.Fatalf("me: %d %s", res.StatusCode, body)
		}
		if res, _ := mustRead(t, http.DefaultClient, "GET", srv.url("/admin/demo-login?token=x")); res.StatusCode != 404 {
			t.Fatalf("serve has the demo's sign-in link: %d", res.StatusCode)
		}
		res, _ = mustRead(t, br, "POST", srv.url(staff.LogoutPath))
		if got := iss.Logouts(); len(got) != 1 || got[0].Subject != "sub-coach" || res.Request.URL.String() != public+"/" {
			t.Fatalf("sign-out: logouts %v, ended at %s", got, res.Request.URL)
		}
		noFollow := &http.Client{Jar: br.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if res, _ := mustRead(t, noFollow, "GET", srv.url("/admin/clubs/tigers")); res.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(res.Header.Get("Location"), staff.LoginPath) {
			t.Fatalf("after sign-out: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// TestAdminAreaOffWithoutOIDC: without an issuer and client every admin
// path is 404, also when Keycloak (the default issuer) is configured but
// OIDC_CLIENT_ID is not.
func TestAdminAreaOffWithoutOIDC(t *testing.T) {
	t.Parallel()
	env := serveEnv(t, "sqlite")
	env["KEYCLOAK_URL"], env["KEYCLOAK_REALM"] = "http://127.0.0.1:1", "clubs"
	env["KEYCLOAK_CLIENT_ID"], env["KEYCLOAK_CLIENT_SECRET"] = "basketball-api", "x"
	srv := mustStart(t, env, "serve")
	for _, p := range []string{"/admin", "/admin/login", "/admin/clubs/tigers", "/api/v1/admin/me", "/api/v1/admin/clubs/tigers/audit"} {
		if status, body := mustGet(t, srv.url(p)); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404: %s", p, status, body)
		}
	}
}

// TestOIDCConfiguration: the issuer defaults to the Keycloak realm; a
// client without its secret, or without any issuer, stops serve at start
// with one line naming the variable.
func TestOIDCConfiguration(t *testing.T) {
	t.Parallel()
	env := map[string]string{"KEYCLOAK_URL": "https://kc.example.org/", "KEYCLOAK_REALM": "clubs",
		"KEYCLOAK_CLIENT_ID": "basketball-api", "KEYCLOAK_CLIENT_SECRET": "x", "OIDC_CLIENT_ID": "basketball-admin", "OIDC_CLIENT_SECRET": "s3cret"}
	out := mustRun(t, env, "serve", "--print-config")
	if !strings.Contains(out, "OIDC_ISSUER_URL=https://kc.example.org/realms/clubs\n") || !strings.Contains(out, "OIDC_CLIENT_SECRET=*****\n") ||
		strings.Contains(out, "s3cret") {
		t.Fatalf("print-config:\n%s", out)
	}
	env["OIDC_ISSUER_URL"] = "https://login.example.org/realms/staff"
	if out := mustRun(t, env, "serve", "--print-config"); !strings.Contains(out, "OIDC_ISSUER_URL=https://login.example.org/realms/staff\n") {
		t.Fatalf("an explicit issuer:\n%s", out)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OIDC_CLIENT_ID": "basketball-admin", "OIDC_CLIENT_SECRET": "x"}, "OIDC_ISSUER_URL: required when OIDC_CLIENT_ID is set"},
		{map[string]string{"OIDC_ISSUER_URL": "https://login.example.org", "OIDC_CLIENT_ID": "basketball-admin"}, "OIDC_CLIENT_SECRET: required"},
		{map[string]string{"OIDC_ISSUER_URL": "login.example.org", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"}, "OIDC_ISSUER_URL: want an absolute http(s) URL"},
	} {
		code, _, stderr := run(t, tc.env, "serve")
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.env, code, stderr, tc.want)
		}
	}
}

// TestDemoStaffLink: the demo prints a one-time staff sign-in link for
// its club; it opens the dashboard once, then is used up.
func TestDemoStaffLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := mustStart(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": filepath.Join(dir, "outbox")}, "demo", "--db", filepath.Join(dir, "demo.db"))
	link := demoStaffLink(t, srv)
	br := staffBrowser(t)
	res, body := mustRead(t, br, "GET", link)
	if res.StatusCode != 200 || res.Request.URL.Path != "/admin/clubs/demo" || !strings.Contains(body, "U14 Winter Tryout") {
		t.Fatalf("staff link: %d at %s\n%.1000s", res.StatusCode, res.Request.URL, body)
	}
	if res, _ := mustRead(t, staffBrowser(t), "GET", link); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the link used again: %d", res.StatusCode)
	}
	if res, body := mustRead(t, br, "GET", srv.url("/api/v1/admin/me")); res.StatusCode != 200 || !strings.Contains(body, `"clubs":["demo"]`) {
		t.Fatalf("me: %d %s", res.StatusCode, body)
	}
}

var staffLinkRE = regexp.MustCompile(`http://\S+/admin/demo-login\?token=\S+`)

func demoStaffLink(t *testing.T, srv *running) string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if link := staffLinkRE.FindString(srv.stdout.String()); link != "" {
			return link
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the demo printed no staff link:\n%s", srv.stdout.String())
	return ""
}
