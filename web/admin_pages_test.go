package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

func wantPage(t *testing.T, res response, status int, parts ...string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("page answered %d, want %d:\n%s", res.status, status, res.body)
	}
	for _, p := range parts {
		if !strings.Contains(string(res.body), p) {
			t.Errorf("page lacks %q:\n%s", p, res.body)
		}
	}
}

// TestAdminPages drives the admin pages as a person does, without
// JavaScript: the dashboard's numbers, the table with search, a
// registration's page, a refund confirmed on a second page, a cash
// payment, a tryout edited, a promo code disabled, and the audit log.
func TestAdminPages(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupAdmin(t, engine, nil)
		c := b.browser(t, tigersCoach)
		tg := b.tigers
		// One club: /admin goes straight to it.
		if res := b.page(t, c, "/admin"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/clubs/tigers" {
			t.Fatalf("/admin: %d %s", res.status, res.header.Get("Location"))
		}
		res := b.page(t, c, "/admin/clubs/tigers")
		wantPage(t, res, 200, "Fall tryout", `<td class="num paid">1</td>`, `<td class="num pending">1</td>`,
			`<td class="num seats-left">8 of 10</td>`, `<td class="num revenue">$30.00</td>`)
		if strings.Contains(string(res.body), "<script") {
			t.Error("the dashboard has a script")
		}
		wantPage(t, b.page(t, c, "/admin/clubs/tigers/registrations?q=PARENT2"), 200, tg.paid.ID, "Export CSV",
			"/api/v1/admin/clubs/tigers/registrations.csv?q=PARENT2")
		if res := b.page(t, c, "/admin/clubs/tigers/registrations?q=nobody"); !strings.Contains(string(res.body), "No registration matches") {
			t.Errorf("search for nobody:\n%s", res.body)
		}
		wantPage(t, b.page(t, c, "/admin/clubs/tigers/registrations?status=lost"), 422, "not valid")
		regPath := "/admin/clubs/tigers/registrations/" + tg.paid.ID
		wantPage(t, b.page(t, c, regPath), 200, "Cancel and refund", "Resend confirmation", "Timeline", "checkout.session.completed")

		// The refund asks first; only the post does it.
		wantPage(t, b.page(t, c, regPath+"/cancel?refund=1"), 200, "Yes, refund $30.00 and cancel")
		if r := mustReg(t, b.db, tg.paid.ID); r.Status != basketball.StatusPaid {
			t.Fatal("the confirmation page changed the registration")
		}
		res = b.post(t, c, regPath+"/cancel", url.Values{"refund": {"1"}, "reason": {"family moved"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != regPath+"?done=refunded" {
			t.Fatalf("confirm refund: %d %s %s", res.status, res.header.Get("Location"), res.body)
		}
		wantPage(t, b.page(t, c, regPath+"?done=refunded"), 200, "refunded in full", `id="status">refunded`)
		if n := len(b.stripe.Refunds()); n != 1 {
			t.Fatalf("%d refunds", n)
		}
		// Again: the registration is refunded, the form says why it cannot.
		wantPage(t, b.post(t, c, regPath+"/cancel", url.Values{"refund": {"1"}}), 409, "cannot be canceled")

		// A cross-site post is refused.
		res = b.doAdmin(t, c, "POST", "/admin/clubs/tigers/registrations/"+tg.pending.ID+"/mark-paid",
			strings.NewReader("method=cash"), map[string]string{"Content-Type": "application/x-www-form-urlencoded",
				"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
		if res.status != http.StatusForbidden {
			t.Fatalf("cross-site post: %d", res.status)
		}
		wantPage(t, b.page(t, c, "/admin/clubs/tigers/registrations/"+tg.pending.ID+"/mark-paid"), 200, "Yes, mark it paid")
		b.clock.Advance(time.Second)
		res = b.post(t, c, "/admin/clubs/tigers/registrations/"+tg.pending.ID+"/mark-paid", url.Values{"method": {"check"}, "note": {"#1042"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("mark paid: %d %s", res.status, res.body)
		}
		if r := mustReg(t, b.db, tg.pending.ID); r.Status != basketball.StatusPaid || r.Method != basketball.MethodOffline {
			t.Fatalf("marked paid: %s %s", r.Status, r.Method)
		}

		// Tryout: a bad capacity is shown beside its field, then saved.
		tp := "/admin/clubs/tigers/tryouts/" + tg.tryout.ID
		wantPage(t, b.page(t, c, tp), 200, `value="Fall tryout"`, `value="10"`)
		form := url.Values{"name": {"Fall tryout"}, "location": {"Main Gym, 1 Court St"}, "fee_cents": {"3000"}, "capacity": {"zero"}, "open": {"1"}}
		loc := tg.tryout.Loc()
		form.Set("starts_at", tg.tryout.StartsAt.In(loc).Format("2006-01-02T15:04"))
		form.Set("ends_at", tg.tryout.EndsAt.In(loc).Format("2006-01-02T15:04"))
		wantPage(t, b.post(t, c, tp, form), 422, `id="capacity-error"`, "whole number")
		form.Set("capacity", "12")
		b.clock.Advance(time.Second)
		if res := b.post(t, c, tp, form); res.status != http.StatusSeeOther {
			t.Fatalf("save tryout: %d %s", res.status, res.body)
		}
		if tr, _ := b.db.Tryout(b.ctx, "tigers", tg.tryout.ID); *tr.Capacity != 12 || !tr.StartsAt.Equal(tg.tryout.StartsAt) {
			t.Fatalf("tryout after save: capacity %d, starts %v", *tr.Capacity, tr.StartsAt)
		}

		// Promo code disabled from its page.
		b.clock.Advance(time.Second)
		if res := b.post(t, c, "/admin/clubs/tigers/promo-codes/"+tg.promo.ID+"/active", url.Values{"active": {"0"}}); res.status != http.StatusSeeOther {
			t.Fatalf("disable: %d %s", res.status, res.body)
		}
		wantPage(t, b.page(t, c, "/admin/clubs/tigers/promo-codes"), 200, "<strong>disabled</strong>", "Enable")

		res = b.page(t, c, "/admin/clubs/tigers/audit")
		wantPage(t, res, 200, "promo_code.update", "tryout.update", "registration.mark_paid", "registration.refund", "family moved",
			"coach@tigers.example (sub-tigers)")
		mustCountersAgree(t, b.db)
	})
}
