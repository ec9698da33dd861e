package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
	"basketball/staff/oidctest"
)

// TestAdminAPIScopedToTheClub: the lions' staff, signed in with a valid
// token, cannot read or act on the tigers' data on any admin endpoint:
// with the tigers' ids under their own club, every endpoint answers 404;
// under the tigers' path, 403. Either way nothing changes: not a status,
// a tryout, a promo code, the audit log, an email, nor a call to Stripe.
func TestAdminAPIScopedToTheClub(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupAdmin(t, engine, nil)
		tg := b.tigers
		routes := []struct {
			method, path string // %s is the club in the path
			body         any
		}{
			{"GET", "/api/v1/admin/clubs/%s/registrations/" + tg.paid.ID, nil},
			{"GET", "/api/v1/admin/clubs/%s/registrations?tryout_id=" + tg.tryout.ID, nil},
			{"GET", "/api/v1/admin/clubs/%s/registrations.csv?tryout_id=" + tg.tryout.ID, nil},
			{"POST", "/api/v1/admin/clubs/%s/registrations/" + tg.paid.ID + "/cancel", map[string]any{"refund": true}},
			{"POST", "/api/v1/admin/clubs/%s/registrations/" + tg.pending.ID + "/cancel", map[string]any{"refund": false}},
			{"POST", "/api/v1/admin/clubs/%s/registrations/" + tg.pending.ID + "/mark-paid", map[string]any{"method": "cash"}},
			{"POST", "/api/v1/admin/clubs/%s/registrations/" + tg.paid.ID + "/resend-confirmation", nil},
			{"PATCH", "/api/v1/admin/clubs/%s/tryouts/" + tg.tryout.ID, map[string]any{"capacity": 50, "location": "Elsewhere"}},
			{"PATCH", "/api/v1/admin/clubs/%s/promo-codes/" + tg.promo.ID, map[string]any{"active": false}},
		}
		before := b.snapshot(t)
		for _, rt := range routes {
			own := strings.Replace(rt.path, "%s", "lions", 1)
			res := b.api(t, &lionsCoach, rt.method, own, rt.body)
			if res.status != http.StatusNotFound || res.errCode(t) == "" {
				t.Errorf("%s %s as lions' staff: %d %s, want 404", rt.method, own, res.status, res.body)
			}
			if strings.Contains(string(res.body), "tigers") || strings.Contains(string(res.body), tg.paid.ParentEmail) {
				t.Errorf("%s %s: the answer reveals the other club: %s", rt.method, own, res.body)
			}
			theirs := strings.Replace(rt.path, "%s", "tigers", 1)
			if res := b.api(t, &lionsCoach, rt.method, theirs, rt.body); res.status != http.StatusForbidden || res.errCode(t) != "forbidden" {
				t.Errorf("%s %s as lions' staff: %d %s, want 403", rt.method, theirs, res.status, res.body)
			}
		}
		// Club-wide endpoints under another club's path.
		for _, rt := range []struct{ method, path string }{
			{"GET", "/api/v1/admin/clubs/tigers/registrations"}, {"GET", "/api/v1/admin/clubs/tigers/registrations.csv"},
			{"GET", "/api/v1/admin/clubs/tigers/promo-codes"}, {"POST", "/api/v1/admin/clubs/tigers/promo-codes"},
			{"POST", "/api/v1/admin/clubs/tigers/tryouts"}, {"GET", "/api/v1/admin/clubs/tigers/audit"},
		} {
			if res := b.api(t, &lionsCoach, rt.method, rt.path, map[string]any{}); res.status != http.StatusForbidden {
				t.Errorf("%s %s as lions' staff: %d %s, want 403", rt.method, rt.path, res.status, res.body)
			}
		}
		if after := b.snapshot(t); after != before {
			t.Fatalf("refused requests changed something:\nbefore\n%s\nafter\n%s", before, after)
		}
		// The same requests by the tigers' staff do work (the table is not
		// testing dead routes).
		for _, rt := range routes[:3] {
			if res := b.api(t, &tigersCoach, rt.method, strings.Replace(rt.path, "%s", "tigers", 1), rt.body); res.status != http.StatusOK {
				t.Errorf("%s %s as tigers' staff: %d %s", rt.method, rt.path, res.status, res.body)
			}
		}
	})
}

// TestAdminPagesScopedToTheClub: the same for the pages and their forms,
// signed in through the issuer with a session cookie.
func TestAdminPagesScopedToTheClub(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupAdmin(t, engine, nil)
		lions := b.browser(t, lionsCoach)
		tg := b.tigers
		base := "/admin/clubs/lions"
		before := b.snapshot(t)
		for _, p := range []string{"/registrations/" + tg.paid.ID, "/registrations/" + tg.paid.ID + "/cancel?refund=1",
			"/registrations/" + tg.pending.ID + "/mark-paid", "/tryouts/" + tg.tryout.ID} {
			if res := b.page(t, lions, base+p); res.status != http.StatusNotFound || !strings.Contains(string(res.body), "<html") {
				t.Errorf("GET %s: %d, want a 404 page", base+p, res.status)
			}
		}
		for _, f := range []struct {
			path string
			form url.Values
		}{
			{"/registrations/" + tg.paid.ID + "/cancel", url.Values{"refund": {"1"}}},
			{"/registrations/" + tg.pending.ID + "/mark-paid", url.Values{"method": {"cash"}}},
			{"/registrations/" + tg.paid.ID + "/resend-confirmation", nil},
			{"/tryouts/" + tg.tryout.ID, url.Values{"name": {"Taken over"}, "capacity": {"99"}}},
			{"/promo-codes/" + tg.promo.ID + "/active", url.Values{"active": {"0"}}},
		} {
			if res := b.post(t, lions, base+f.path, f.form); res.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", base+f.path, res.status)
			}
		}
		for _, p := range []string{"/admin/clubs/tigers", "/admin/clubs/tigers/registrations", "/admin/clubs/tigers/audit",
			"/admin/clubs/tigers/registrations/" + tg.paid.ID} {
			if res := b.page(t, lions, p); res.status != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", p, res.status)
			}
		}
		if res := b.post(t, lions, "/admin/clubs/tigers/registrations/"+tg.paid.ID+"/cancel", url.Values{"refund": {"1"}}); res.status != http.StatusForbidden {
			t.Errorf("POST cancel under the tigers' path: %d", res.status)
		}
		if after := b.snapshot(t); after != before {
			t.Fatalf("refused requests changed something:\nbefore\n%s\nafter\n%s", before, after)
		}
	})
}

// TestAdminAuthentication: no token is 401, a token without the club's
// role 403 (the same for a club that does not exist), an expired token
// 401, all in the JSON error shape; pages send the browser to sign in.
func TestAdminAuthentication(t *testing.T) {
	t.Parallel()
	b := setupAdmin(t, "sqlite", nil)
	for _, tc := range []struct {
		user   *oidctest.User
		path   string
		status int
		code   string
	}{
		{nil, "/api/v1/admin/me", 401, "unauthenticated"},
		{nil, "/api/v1/admin/clubs/tigers/registrations", 401, "unauthenticated"},
		{&parentUser, "/api/v1/admin/clubs/tigers/registrations", 403, "forbidden"},
		{&parentUser, "/api/v1/admin/clubs/no-such-club/registrations", 403, "forbidden"},
		{&lionsCoach, "/api/v1/admin/clubs/no-such-club/audit", 403, "forbidden"},
		{&operator, "/api/v1/admin/clubs/no-such-club/audit", 404, "club_not_found"},
	} {
		res := b.api(t, tc.user, "GET", tc.path, nil)
		if res.status != tc.status || res.errCode(t) != tc.code {
			t.Errorf("GET %s as %v: %d %s, want %d %s", tc.path, tc.user, res.status, res.body, tc.status, tc.code)
		}
	}
	expired := b.issuer.AccessTokenClaims(tigersCoach)
	expired["exp"] = b.clock.Now().Add(-time.Hour).Unix()
	res := b.doAdmin(t, http.DefaultClient, "GET", "/api/v1/admin/me", nil, map[string]string{"Authorization": "Bearer " + b.issuer.Sign(expired)})
	if res.status != 401 || res.errCode(t) != "unauthenticated" {
		t.Errorf("expired token: %d %s", res.status, res.body)
	}
	me := b.api(t, &operator, "GET", "/api/v1/admin/me", nil).json(t)
	if me["clubs"] != "*" || me["subject"] != "sub-op" || me["email"] != "op@example.org" {
		t.Errorf("me as the operator: %v", me)
	}
	me = b.api(t, &lionsCoach, "GET", "/api/v1/admin/me", nil).json(t)
	if clubs, _ := me["clubs"].([]any); len(clubs) != 1 || clubs[0] != "lions" {
		t.Errorf("me as the lions' coach: %v", me)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res = b.doAdmin(t, noFollow, "GET", "/admin/clubs/tigers", nil, nil)
	if loc := res.header.Get("Location"); res.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login?next=") {
		t.Errorf("page without a session: %d to %q", res.status, loc)
	}
}

// TestAdminAreaOff: without staff sign-in configured, every admin path
// answers 404.
func TestAdminAreaOff(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	for _, p := range []string{"/admin", "/admin/login", "/admin/clubs/tigers", "/admin/demo-login?token=x",
		"/api/v1/admin/me", "/api/v1/admin/clubs/tigers/registrations"} {
		if res := b.do(t, "GET", p, nil, nil); res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.status)
		}
	}
}
