package staff_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"

	"basketball/staff"
)

// TestDemoLink: a demo link signs in once, as staff of its club only, with
// no issuer at all (the demo runs offline); used or expired, it is refused.
func TestDemoLink(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *staff.Config) { c.IssuerURL, c.ClientID, c.ClientSecret = "", "", "" })
	link, err := b.auth.DemoLink("demo")
	if err != nil || !strings.HasPrefix(link, b.app.URL+staff.DemoLoginPath+"?token=") {
		t.Fatalf("DemoLink = %q, %v", link, err)
	}
	br := newBrowser(t)
	res := do(t, br.follow, "GET", link, nil)
	if res.status != http.StatusOK {
		t.Fatalf("demo link: %d %s", res.status, res.body)
	}
	m := decodeMe(t, res)
	if m.Path != "/admin/clubs/demo" || m.Subject != staff.DemoSubject || m.Email != staff.DemoEmail || !slices.Equal(m.Clubs, []string{"demo"}) || m.All {
		t.Fatalf("demo sign-in: %+v", m)
	}
	wantError(t, do(t, br.follow, "GET", b.app.URL+"/admin/clubs/tigers", nil), http.StatusForbidden, "forbidden")

	// Used once: a second browser gets nothing from it.
	wantError(t, do(t, newBrowser(t).noFollow, "GET", link, nil), http.StatusUnauthorized, "unauthenticated")
	wantError(t, do(t, newBrowser(t).noFollow, "GET", b.app.URL+staff.DemoLoginPath+"?token=guess", nil), http.StatusUnauthorized, "unauthenticated")

	// Valid 24 hours.
	late, _ := b.auth.DemoLink("demo")
	soon, _ := b.auth.DemoLink("demo")
	b.clock.Advance(staff.DemoLinkLifetime - time.Second)
	if res := do(t, newBrowser(t).follow, "GET", soon, nil); res.status != http.StatusOK {
		t.Fatalf("link within 24 h: %d %s", res.status, res.body)
	}
	b.clock.Advance(time.Second)
	wantError(t, do(t, newBrowser(t).noFollow, "GET", late, nil), http.StatusUnauthorized, "unauthenticated")

	// Without an issuer, sign-in and bearer tokens are unavailable, clearly.
	wantError(t, do(t, newBrowser(t).noFollow, "GET", b.app.URL+staff.LoginPath, nil), http.StatusServiceUnavailable, "unavailable")
	wantError(t, do(t, http.DefaultClient, "GET", b.app.URL+"/api/v1/admin/me", bearer(b.issuer.AccessToken(operator))), http.StatusUnauthorized, "unauthenticated")

	if _, err := b.auth.DemoLink("Not A Slug"); err == nil {
		t.Fatal("DemoLink accepted a malformed slug")
	}
}

// TestDemoLinkRenewsTheSession: a demo sign-in replaces whatever session
// the browser had.
func TestDemoLinkRenewsTheSession(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *staff.Config) { c.SessionStore = memstore.New() })
	br := newBrowser(t)
	first := do(t, br.noFollow, "GET", b.app.URL+staff.LoginPath, nil) // a pre-sign-in session
	link, _ := b.auth.DemoLink("tigers")
	res := do(t, br.noFollow, "GET", link, nil)
	before, after := sessionCookie(t, first), sessionCookie(t, res)
	if before == nil || after == nil || before.Value == after.Value {
		t.Fatalf("session token before %v, after %v: want a new one", before, after)
	}
}
