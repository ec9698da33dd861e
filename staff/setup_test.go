package staff_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"

	"basketball/sqldb/sqldbtest"
	"basketball/staff"
	"basketball/staff/oidctest"
)

const (
	clientID     = "basketball-admin"
	clientSecret = "s3cret-of-the-client"
)

var (
	coach    = oidctest.User{Subject: "sub-coach", Email: "coach@tigers.example", RealmRoles: []string{"club-admin:tigers"}}
	operator = oidctest.User{Subject: "sub-op", Email: "op@example.com", RealmRoles: []string{"club-admin:*"}}
)

type testBundle struct {
	issuer *oidctest.Server
	auth   *staff.Auth
	app    *httptest.Server
	clock  *sqldbtest.Clock
}

// setup starts a fake issuer and an app serving the sign-in routes and a
// few guarded handlers that echo who is signed in. Options change the
// staff.Config before New.
func setup(t *testing.T, opts ...func(*staff.Config)) *testBundle {
	t.Helper()
	clock := sqldbtest.NewClock(time.Now())
	iss := oidctest.NewServer(t, oidctest.Options{ClientID: clientID, ClientSecret: clientSecret, Now: clock.Now})
	iss.SetUser(&coach)

	// The app's URL is needed before its handler exists: listen first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	appURL := "http://" + ln.Addr().String()
	iss.AllowRedirectURI(appURL + staff.CallbackPath)
	iss.AllowPostLogoutRedirectURI(appURL + "/")

	cfg := staff.Config{
		IssuerURL: iss.URL(), ClientID: clientID, ClientSecret: clientSecret,
		PublicURL: appURL, SessionStore: memstore.New(), Now: clock.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := staff.New(cfg)
	if err != nil {
		t.Fatalf("staff.New: %v", err)
	}
	app := httptest.NewUnstartedServer(appRoutes(a))
	app.Listener.Close()
	app.Listener = ln
	app.Start()
	t.Cleanup(app.Close)
	return &testBundle{issuer: iss, auth: a, app: app, clock: clock}
}

func appRoutes(a *staff.Auth) http.Handler {
	mux := http.NewServeMux()
	a.Mount(mux)
	a.MountDemo(mux)
	who := func(w http.ResponseWriter, r *http.Request) {
		st, ok := staff.FromContext(r.Context())
		if !ok {
			http.Error(w, "no staff in context", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(me{Subject: st.Subject, Email: st.Email, Clubs: st.Clubs, All: st.AllClubs, Path: r.URL.RequestURI()})
	}
	mux.Handle("GET /admin", a.RequirePage(http.HandlerFunc(who)))
	mux.Handle("GET /admin/clubs/{club}", a.RequirePage(a.ClubOnly(http.HandlerFunc(who))))
	mux.Handle("POST /admin/clubs/{club}/act", a.RequirePage(a.ClubOnly(http.HandlerFunc(who))))
	mux.Handle("GET /api/v1/admin/me", a.RequireAPI(http.HandlerFunc(who)))
	mux.Handle("GET /api/v1/admin/clubs/{club}/ping", a.RequireAPI(a.ClubOnly(http.HandlerFunc(who))))
	mux.Handle("POST /api/v1/admin/clubs/{club}/ping", a.RequireAPI(a.ClubOnly(http.HandlerFunc(who))))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "home") })
	return mux
}

// me is what the guarded handlers answer.
type me struct {
	Subject string   `json:"subject"`
	Email   string   `json:"email"`
	Clubs   []string `json:"clubs"`
	All     bool     `json:"all"`
	Path    string   `json:"path"`
}

// browser is a cookie jar with two clients over it: one follows redirects
// like a browser, the other stops at the first answer.
type browser struct {
	jar      *cookiejar.Jar
	follow   *http.Client
	noFollow *http.Client
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{
		jar:    jar,
		follow: &http.Client{Jar: jar, Timeout: 30 * time.Second},
		noFollow: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
}

// response is a read answer.
type response struct {
	status   int
	header   http.Header
	body     string
	finalURL string
}

func (r response) location() string { return r.header.Get("Location") }

func do(t *testing.T, c *http.Client, method, url string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b), finalURL: res.Request.URL.String()}
}

// mustSignIn signs the browser in as whoever the issuer approves, through
// the whole redirect chain, and returns the page it lands on.
func (b *testBundle) mustSignIn(t *testing.T, br *browser, page string) me {
	t.Helper()
	res := do(t, br.follow, "GET", b.app.URL+page, nil)
	if res.status != http.StatusOK {
		t.Fatalf("sign-in via %s: %d %s (at %s)", page, res.status, res.body, res.finalURL)
	}
	return decodeMe(t, res)
}

func decodeMe(t *testing.T, res response) me {
	t.Helper()
	var m me
	if err := json.Unmarshal([]byte(res.body), &m); err != nil {
		t.Fatalf("not a guarded page: %d %q", res.status, res.body)
	}
	return m
}

// wantError checks an answer in the contract's JSON error shape.
func wantError(t *testing.T, res response, status int, code string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if res.status != status || json.Unmarshal([]byte(res.body), &e) != nil || e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("got %d %q, want %d with error code %q", res.status, res.body, status, code)
	}
}

// wantLoginRedirect checks a 303 to /admin/login?next=….
func wantLoginRedirect(t *testing.T, res response, next string) {
	t.Helper()
	want := staff.LoginPath + "?" + url.Values{"next": {next}}.Encode()
	if res.status != http.StatusSeeOther || res.location() != want {
		t.Fatalf("got %d Location %q, want 303 to %q", res.status, res.location(), want)
	}
}

func sessionCookie(t *testing.T, res response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == staff.CookieName {
			return c
		}
	}
	return nil
}
