package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripemock"
	"basketball/stripe/stripetest"
)

// TestAdminRegistrationsAPI: the listing (fields of the CLI's JSON and
// the check-in details, newest first, cursor paging), the CSV export and
// one registration with its timeline.
func TestAdminRegistrationsAPI(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupAdmin(t, engine, nil)
		b.clock.Advance(time.Second)
		newest := b.mustRegister(t, "tigers", b.tigers.tryout.ID, 3)
		res := b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/registrations?limit=2", nil)
		if res.status != 200 {
			t.Fatalf("list: %d %s", res.status, res.body)
		}
		v := res.json(t)
		regs := v["registrations"].([]any)
		first := regs[0].(map[string]any)
		if len(regs) != 2 || first["id"] != newest.ID || v["next_cursor"] == nil {
			t.Fatalf("first page %v", v)
		}
		for _, k := range []string{"id", "status", "method", "tryout_id", "amount_cents", "currency", "parent_email", "player_first_name",
			"player_last_name", "stripe_checkout_session_id", "stripe_payment_intent_id", "created_at", "paid_at", "parent_first_name",
			"parent_last_name", "parent_phone", "player_birth_date", "tryout_name", "promo_code", "amount_paid_cents", "possible_duplicate"} {
			if _, ok := first[k]; !ok {
				t.Errorf("a registration lacks %q: %v", k, first)
			}
		}
		if first["parent_phone"] != "+1 555 0100" || first["player_birth_date"] != "2013-05-01" || first["tryout_name"] != "Fall tryout" {
			t.Errorf("check-in details %v", first)
		}
		res = b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/registrations?limit=2&cursor="+v["next_cursor"].(string), nil)
		if v2 := res.json(t); len(v2["registrations"].([]any)) != 1 || v2["next_cursor"] != nil {
			t.Fatalf("second page %v", v2)
		}
		for q, code := range map[string]string{"limit=0": "invalid_request", "limit=abc": "invalid_request", "status=lost": "invalid_request",
			"cursor=zzz": "invalid_request", "tryout_id=try_nope": "tryout_not_found"} {
			if res := b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/registrations?"+q, nil); res.errCode(t) != code {
				t.Errorf("?%s: %d %s, want %s", q, res.status, res.body, code)
			}
		}
		res = b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/registrations.csv?status=paid", nil)
		if ct := res.header.Get("Content-Type"); res.status != 200 || !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("csv: %d %s %s", res.status, ct, res.body)
		}
		records, err := csv.NewReader(strings.NewReader(string(res.body))).ReadAll()
		if err != nil || len(records) != 2 || records[1][0] != b.tigers.paid.ID || !slices.Contains(records[0], "parent_phone") {
			t.Fatalf("csv records %v, %v", records, err)
		}
		res = b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/registrations/"+b.tigers.paid.ID, nil)
		one := res.json(t)
		timeline, _ := one["timeline"].([]any)
		if res.status != 200 || one["status"] != "paid" || len(timeline) < 3 {
			t.Fatalf("one registration: %d %s", res.status, res.body)
		}
		for _, e := range timeline {
			m := e.(map[string]any)
			if m["at"] == nil || m["kind"] == nil || m["detail"] == nil {
				t.Fatalf("timeline entry %v", m)
			}
		}
		if res := b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/registrations/reg_nope", nil); res.status != 404 || res.errCode(t) != "registration_not_found" {
			t.Fatalf("unknown id: %d %s", res.status, res.body)
		}
	})
}

// TestAdminActionsAPI: cancel, refund (once), mark paid, resend, the
// errors of each in the JSON shape, and the audit log that lists them.
func TestAdminActionsAPI(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupAdmin(t, engine, nil)
		tg := b.tigers
		path := func(id, action string) string { return "/api/v1/admin/clubs/tigers/registrations/" + id + "/" + action }

		for body, want := range map[string]int{`{"refund":`: 400, `{"refund": true, "why": "x"}`: 422, `{"refund": "yes"}`: 422} {
			if res := b.api(t, &tigersCoach, "POST", path(tg.paid.ID, "cancel"), body); res.status != want {
				t.Errorf("cancel with %s: %d %s, want %d", body, res.status, res.body, want)
			}
		}
		b.stripe.FailNext(stripetest.EndpointCreateRefund, 1, 500)
		res := b.api(t, &tigersCoach, "POST", path(tg.paid.ID, "cancel"), map[string]any{"refund": true})
		if res.status != 502 || res.errCode(t) != "payment_provider_unavailable" {
			t.Fatalf("refund while Stripe fails: %d %s", res.status, res.body)
		}
		if r := mustReg(t, b.db, tg.paid.ID); r.Status != basketball.StatusPaid {
			t.Fatalf("after the failed refund: %s", r.Status)
		}
		b.clock.Advance(time.Second)
		res = b.api(t, &tigersCoach, "POST", path(tg.paid.ID, "cancel"), map[string]any{"refund": true, "reason": "injured"})
		if res.status != 200 || res.json(t)["status"] != "refunded" {
			t.Fatalf("refund: %d %s", res.status, res.body)
		}
		if res := b.api(t, &tigersCoach, "POST", path(tg.paid.ID, "cancel"), map[string]any{"refund": true}); res.status != 409 || res.errCode(t) != "invalid_state" {
			t.Fatalf("refund again: %d %s", res.status, res.body)
		}
		if n := len(b.stripe.Refunds()); n != 1 {
			t.Fatalf("%d refunds", n)
		}

		if res := b.api(t, &tigersCoach, "POST", path(tg.pending.ID, "mark-paid"), map[string]any{}); res.status != 422 {
			t.Fatalf("mark-paid without a method: %d %s", res.status, res.body)
		}
		b.clock.Advance(time.Second)
		res = b.api(t, &tigersCoach, "POST", path(tg.pending.ID, "mark-paid"), map[string]any{"method": "cash", "note": "at the desk"})
		if v := res.json(t); res.status != 200 || v["status"] != "paid" || v["method"] != "offline" {
			t.Fatalf("mark-paid: %d %s", res.status, res.body)
		}
		b.clock.Advance(time.Second)
		res = b.api(t, &tigersCoach, "POST", path(tg.pending.ID, "resend-confirmation"), nil)
		if res.status != 202 || res.json(t)["status"] != "queued" {
			t.Fatalf("resend: %d %s", res.status, res.body)
		}
		b.clock.Advance(time.Second)
		// A pending one, canceled with an empty body.
		other := b.mustRegister(t, "tigers", tg.tryout.ID, 7)
		if res := b.api(t, &tigersCoach, "POST", path(other.ID, "cancel"), nil); res.status != 200 || res.json(t)["status"] != "canceled" {
			t.Fatalf("cancel pending: %d %s", res.status, res.body)
		}
		mustCountersAgree(t, b.db)

		res = b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/audit?limit=3", nil)
		if res.status != 200 {
			t.Fatalf("audit: %d %s", res.status, res.body)
		}
		entries := decodeArray(t, res.body)
		if len(entries) != 3 || res.header.Get("X-Next-Cursor") == "" || !strings.Contains(res.header.Get("Link"), `rel="next"`) {
			t.Fatalf("audit page: %v %v", entries, res.header)
		}
		actor := entries[0]["actor"].(map[string]any)
		if entries[0]["action"] != basketball.ActionCancel || entries[0]["target"] != other.ID || actor["subject"] != "sub-tigers" ||
			actor["email"] != "coach@tigers.example" || entries[0]["at"] == nil || entries[2]["action"] != basketball.ActionMarkPaid {
			t.Fatalf("audit entries %v", entries)
		}
		rest := decodeArray(t, b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/audit?limit=3&cursor="+res.header.Get("X-Next-Cursor"), nil).body)
		if len(rest) != 1 || rest[0]["action"] != basketball.ActionRefund || !strings.Contains(rest[0]["detail"].(string), "injured") {
			t.Fatalf("audit, second page %v", rest)
		}
	})
}

// TestAdminTryoutsAndPromosAPI: create and patch tryouts (a capacity
// raise frees seats), promo codes listed, created and disabled.
func TestAdminTryoutsAndPromosAPI(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupAdmin(t, engine, nil)
		day := b.clock.Now().AddDate(0, 2, 0).Format("2006-01-02")
		res := b.api(t, &tigersCoach, "POST", "/api/v1/admin/clubs/tigers/tryouts", map[string]any{
			"name": "U12", "starts_at": day + "T09:00", "ends_at": day + "T11:00", "timezone": "America/Chicago",
			"location": "North Gym", "fee_cents": 2000, "capacity": 1, "min_age": 10, "max_age": 12, "age_on": day})
		tr := res.json(t)
		if res.status != 201 || tr["id"] == nil || tr["min_age"] != float64(10) || tr["seats_left"] != float64(1) || tr["open"] != true {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		if res := b.api(t, &tigersCoach, "POST", "/api/v1/admin/clubs/tigers/tryouts", map[string]any{"name": "x"}); res.status != 422 || res.errCode(t) != "invalid_request" {
			t.Fatalf("create without fields: %d %s", res.status, res.body)
		}
		id := tr["id"].(string)
		req := sqldbtest.Request(id, 40)
		req.Player.BirthDate = b.clock.Now().AddDate(-11, 0, 0).Format("2006-01-02")
		if _, err := b.svc.Register(b.ctx, "tigers", req); err != nil {
			t.Fatal(err)
		}
		req = sqldbtest.Request(id, 41)
		req.Player.BirthDate = b.clock.Now().AddDate(-11, 0, 0).Format("2006-01-02")
		if _, err := b.svc.Register(b.ctx, "tigers", req); basketball.ErrorCode(err) != basketball.ETryoutFull {
			t.Fatalf("second registration: %v", err)
		}
		res = b.api(t, &tigersCoach, "PATCH", "/api/v1/admin/clubs/tigers/tryouts/"+id, `{"capacity": 2, "max_age": null}`)
		if v := res.json(t); res.status != 200 || v["capacity"] != float64(2) || v["seats_left"] != float64(1) || v["max_age"] != nil {
			t.Fatalf("patch: %d %s", res.status, res.body)
		}
		if _, err := b.svc.Register(b.ctx, "tigers", req); err != nil {
			t.Fatalf("after the raise: %v", err)
		}
		mustCountersAgree(t, b.db)
		for body, want := range map[string]string{`{}`: "invalid_request", `{"capacity": "lots"}`: "invalid_request",
			`{"name": null}`: "invalid_request", `{"timezone": "UTC"}`: "invalid_request", `{"capacity": 1}`: "invalid_request"} {
			if res := b.api(t, &tigersCoach, "PATCH", "/api/v1/admin/clubs/tigers/tryouts/"+id, body); res.status != 422 || res.errCode(t) != want {
				t.Errorf("patch %s: %d %s", body, res.status, res.body)
			}
		}

		res = b.api(t, &tigersCoach, "POST", "/api/v1/admin/clubs/tigers/promo-codes", map[string]any{"code": "TEAM10", "amount_off_cents": 1000, "max_uses": 5})
		p := res.json(t)
		if res.status != 201 || p["active"] != true || p["uses"] != float64(0) {
			t.Fatalf("create promo: %d %s", res.status, res.body)
		}
		res = b.api(t, &tigersCoach, "PATCH", "/api/v1/admin/clubs/tigers/promo-codes/"+p["id"].(string), map[string]any{"active": false})
		if res.status != 200 || res.json(t)["active"] != false {
			t.Fatalf("disable: %d %s", res.status, res.body)
		}
		list := decodeArray(t, b.api(t, &tigersCoach, "GET", "/api/v1/admin/clubs/tigers/promo-codes", nil).body)
		if len(list) != 2 || list[1]["code"] != "TEAM10" || list[1]["active"] != false {
			t.Fatalf("promo list %v", list)
		}
		// Registration refuses a disabled code: 422 invalid_promo_code.
		body := b.registration(50, "team10")
		body["tryout_id"] = b.tigers.tryout.ID
		if res := b.postJSONTo(t, "/api/v1/clubs/tigers/registrations", body); res.status != 422 || res.errCode(t) != "invalid_promo_code" {
			t.Fatalf("registration with a disabled code: %d %s", res.status, res.body)
		}
	})
}

// TestAdminCancelAgainstStripeMock sends the real refund and expiry
// requests to stripe-mock, which validates them against Stripe's API.
func TestAdminCancelAgainstStripeMock(t *testing.T) {
	apiURL := stripemock.Start(t)
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		sc, err := stripe.New(stripe.Config{SecretKey: "sk_test_123", APIURL: apiURL})
		if err != nil {
			t.Fatal(err)
		}
		b := setupAdmin(t, engine, sc)
		reg := b.tigers.paid
		resp := b.api(t, &tigersCoach, "POST", "/api/v1/admin/clubs/tigers/registrations/"+reg.ID+"/cancel", map[string]any{"refund": true})
		if resp.status != 200 || resp.json(t)["status"] != "refunded" {
			t.Fatalf("refund at stripe-mock: %d %s", resp.status, resp.body)
		}
		if r := mustReg(t, b.db, reg.ID); !strings.HasPrefix(r.StripeCheckoutSessionID, "cs_") {
			t.Fatalf("%+v", r)
		}
		var refundID string
		if err := b.db.SQL().QueryRow(`SELECT stripe_refund_id FROM registrations WHERE id = $1`, reg.ID).Scan(&refundID); err != nil || !strings.HasPrefix(refundID, "re_") {
			t.Fatalf("refund id %q, %v", refundID, err)
		}
		// A pending one: its session is expired at stripe-mock.
		resp = b.api(t, &tigersCoach, "POST", "/api/v1/admin/clubs/tigers/registrations/"+b.tigers.pending.ID+"/cancel", nil)
		if resp.status != 200 || resp.json(t)["status"] != "canceled" {
			t.Fatalf("cancel pending at stripe-mock: %d %s", resp.status, resp.body)
		}
	})
}

func decodeArray(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || out == nil {
		t.Fatalf("not a JSON array: %s (%v)", body, err)
	}
	return out
}

// postJSONTo posts to the public API of the admin bundle's server.
func (b *adminBundle) postJSONTo(t *testing.T, path string, v any) response {
	t.Helper()
	return b.api(t, nil, "POST", path, v)
}

// registration is the public API body for player n.
func (b *adminBundle) registration(n int, promo string) map[string]any {
	return map[string]any{
		"parent":     map[string]any{"first_name": "Ann", "last_name": "Lee", "email": fmt.Sprintf("ann%d@example.com", n)},
		"player":     map[string]any{"first_name": fmt.Sprintf("Max%d", n), "last_name": "Lee", "birth_date": "2013-05-01"},
		"promo_code": promo,
	}
}
