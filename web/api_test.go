package web_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"basketball/sqldb/sqldbtest"
)

func TestTryoutsList(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		b.register(t, 1, "")
		res := b.do(t, http.MethodGet, "/api/v1/clubs/tigers/tryouts", nil, nil)
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		body := string(res.body)
		for _, want := range []string{`"fee_cents":3000`, `"timezone":"America/Chicago"`, `"seats_left":4`, `"capacity":5`, `"open":true`, `"currency":"usd"`, `"id":"` + b.tryout.ID} {
			if !strings.Contains(body, want) {
				t.Errorf("tryouts %s lack %s", body, want)
			}
		}
		if res := b.do(t, http.MethodGet, "/api/v1/clubs/nope/tryouts", nil, nil); res.status != 404 || res.errCode(t) != "club_not_found" {
			t.Fatalf("unknown club: %d %s", res.status, res.body)
		}
	})
}

func TestRegisterCard(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		res := b.register(t, 1, "ten")
		if res.status != 201 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		v := res.json(t)
		id, _ := v["registration_id"].(string)
		if v["status"] != "pending" || v["amount_cents"] != 2000.0 || v["currency"] != "usd" || !strings.HasPrefix(v["checkout_url"].(string), "https://checkout.stripe.test/") {
			t.Fatalf("answer = %v", v)
		}
		calls := b.checkout.recorded()
		if len(calls) != 1 {
			t.Fatalf("%d checkout calls", len(calls))
		}
		p := calls[0]
		reg := mustReg(t, b.db, id)
		if p.RegistrationID != id || p.PlayerID != reg.PlayerID || p.PlayerName != "Max1 Lee" || p.Club != "tigers" ||
			p.TryoutName != "Fall tryout" || p.AmountCents != 2000 || p.Currency != "usd" || p.CustomerEmail != "ann1@example.com" ||
			p.SuccessURL != "https://tryouts.example.org/registrations/"+id+"?session_id={CHECKOUT_SESSION_ID}" ||
			p.CancelURL != "https://tryouts.example.org/registrations/"+id+"/canceled" || p.IdempotencyKey != id+"-checkout-1" {
			t.Fatalf("checkout params = %+v", p)
		}
		if d := p.ExpiresAt.Sub(b.clock.Now()); d.Minutes() < 55 || d.Minutes() > 65 {
			t.Fatalf("session expires in %v, want about an hour", d)
		}
		if reg.StripeCheckoutSessionID == "" || reg.Status != "pending" {
			t.Fatalf("stored registration = %+v", reg)
		}
		// Asking again while the session is open hands out the same URL.
		again := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", "")
		if again.status != 200 || again.json(t)["checkout_url"] != v["checkout_url"] || len(b.checkout.recorded()) != 1 {
			t.Fatalf("retry with open session: %d %s, %d calls", again.status, again.body, len(b.checkout.recorded()))
		}
		// The public view shows no personal data beyond the player's first name.
		view := b.do(t, http.MethodGet, "/api/v1/registrations/"+id, nil, nil)
		if view.status != 200 || len(view.json(t)) != 4 || view.json(t)["player_first_name"] != "Max1" || view.json(t)["tryout_name"] != "Fall tryout" {
			t.Fatalf("registration view: %d %s", view.status, view.body)
		}
		if strings.Contains(string(view.body), "ann1@example.com") {
			t.Fatal("registration view leaks the parent's email")
		}
	})
}

func TestRegisterFree(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		res := b.register(t, 1, "free")
		v := res.json(t)
		if res.status != 201 || v["status"] != "paid" || v["amount_cents"] != 0.0 || v["account"] != nil {
			t.Fatalf("free registration: %d %s", res.status, res.body)
		}
		if _, ok := v["account"]; !ok {
			t.Fatal("answer has no account field")
		}
		if len(b.checkout.recorded()) != 0 {
			t.Fatal("a free registration created a checkout session")
		}
		if r := mustReg(t, b.db, v["registration_id"].(string)); r.Method != "promo" || r.PaidAt == nil {
			t.Fatalf("stored = %+v", r)
		}
	})
}

func TestRegisterStripeDown(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		b.checkout.setFail(errStripeDown)
		res := b.register(t, 1, "")
		if res.status != 502 || res.errCode(t) != "payment_provider_unavailable" {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		id, _ := res.json(t)["error"].(map[string]any)["registration_id"].(string)
		if r := mustReg(t, b.db, id); r.Status != "pending" || r.StripeCheckoutSessionID != "" {
			t.Fatalf("registration after Stripe failure = %+v", r)
		}
		// Registering again is refused: the registration is kept, to be paid.
		again := b.register(t, 1, "")
		if again.status != 409 || again.errCode(t) != "already_registered" || again.json(t)["error"].(map[string]any)["registration_id"] != id {
			t.Fatalf("re-register: %d %s", again.status, again.body)
		}
		retry := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", "")
		if retry.status != 502 {
			t.Fatalf("retry while down: %d %s", retry.status, retry.body)
		}
		b.checkout.setFail(nil)
		retry = b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", "")
		if retry.status != 200 || retry.json(t)["checkout_url"] == "" {
			t.Fatalf("retry: %d %s", retry.status, retry.body)
		}
		calls := b.checkout.recorded()
		keys := map[string]bool{}
		for _, c := range calls {
			keys[c.IdempotencyKey] = true
		}
		if len(calls) != 3 || len(keys) != 3 || calls[2].IdempotencyKey != id+"-checkout-3" {
			t.Fatalf("attempts used keys %v", keys)
		}
	})
}

func TestRegisterErrors(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		if res := b.register(t, 1, "free"); res.status != 201 {
			t.Fatal(string(res.body))
		}
		body := func(mod func(m map[string]any)) map[string]any {
			m := b.registration(50, "")
			mod(m)
			return m
		}
		player := func(m map[string]any) map[string]any { return m["player"].(map[string]any) }
		for _, tc := range []struct {
			name   string
			path   string
			body   any
			status int
			code   string
			field  string
		}{
			{"bad email", "tigers", body(func(m map[string]any) { m["parent"].(map[string]any)["email"] = "not-an-email" }), 422, "invalid_request", "parent.email"},
			{"bad birth date", "tigers", body(func(m map[string]any) { player(m)["birth_date"] = "2013-02-30" }), 422, "invalid_request", "player.birth_date"},
			{"born after the tryout", "tigers", body(func(m map[string]any) { player(m)["birth_date"] = "2031-01-01" }), 422, "invalid_request", "player.birth_date"},
			{"grade", "tigers", body(func(m map[string]any) { player(m)["grade"] = 13 }), 422, "invalid_request", "player.grade"},
			{"height", "tigers", body(func(m map[string]any) { player(m)["height_inches"] = 20 }), 422, "invalid_request", "player.height_inches"},
			{"position", "tigers", body(func(m map[string]any) { player(m)["position"] = "goalie" }), 422, "invalid_request", "player.position"},
			{"empty name", "tigers", body(func(m map[string]any) { player(m)["first_name"] = "   " }), 422, "invalid_request", "player.first_name"},
			{"long name", "tigers", body(func(m map[string]any) { player(m)["last_name"] = strings.Repeat("x", 101) }), 422, "invalid_request", "player.last_name"},
			{"unknown field", "tigers", body(func(m map[string]any) { m["coupon"] = "x" }), 422, "invalid_request", "coupon"},
			{"wrong type", "tigers", body(func(m map[string]any) { player(m)["grade"] = "seventh" }), 422, "invalid_request", ""},
			{"bad promo", "tigers", body(func(m map[string]any) { m["promo_code"] = "NOPE" }), 422, "invalid_promo_code", ""},
			{"unknown club", "lions", body(func(map[string]any) {}), 404, "club_not_found", ""},
			{"unknown tryout", "tigers", body(func(m map[string]any) { m["tryout_id"] = "try_nope" }), 404, "tryout_not_found", ""},
			{"already registered", "tigers", b.registration(1, ""), 409, "already_registered", ""},
			{"malformed JSON", "tigers", `{"tryout_id":`, 400, "malformed_json", ""},
			{"too large", "tigers", `{"tryout_id":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "body_too_large", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := b.postJSON(t, "/api/v1/clubs/"+tc.path+"/registrations", tc.body)
				if res.status != tc.status || res.errCode(t) != tc.code {
					t.Fatalf("got %d %s, want %d %s", res.status, res.body, tc.status, tc.code)
				}
				if tc.field != "" {
					fields, _ := res.json(t)["error"].(map[string]any)["fields"].(map[string]any)
					if fields[tc.field] == nil || fields[tc.field] == "" {
						t.Fatalf("no message for %s in %s", tc.field, res.body)
					}
				}
			})
		}
		if n := len(b.checkout.recorded()); n != 0 {
			t.Fatalf("failed requests made %d checkout sessions", n)
		}
		regs, _ := b.db.ListRegistrations(t.Context(), "tigers", "")
		if len(regs) != 1 {
			t.Fatalf("failed requests left registrations: %d", len(regs))
		}

		// Full, then closed.
		for i := 2; i <= 5; i++ {
			if res := b.register(t, i, ""); res.status != 201 {
				t.Fatalf("registration %d: %s", i, res.body)
			}
		}
		if res := b.register(t, 6, ""); res.status != 409 || res.errCode(t) != "tryout_full" {
			t.Fatalf("full: %d %s", res.status, res.body)
		}
		b.db.SetTryoutOpen(t.Context(), b.tryout.ID, false)
		if res := b.register(t, 7, ""); res.status != 409 || res.errCode(t) != "registration_closed" {
			t.Fatalf("closed: %d %s", res.status, res.body)
		}
		// Checkout of a paid registration is refused.
		if res := b.postJSON(t, "/api/v1/registrations/"+regs[0].ID+"/checkout", ""); res.status != 409 {
			t.Fatalf("checkout of paid: %d %s", res.status, res.body)
		}
		if res := b.postJSON(t, "/api/v1/registrations/reg_nope/checkout", ""); res.status != 404 || res.errCode(t) != "registration_not_found" {
			t.Fatalf("checkout of unknown: %d %s", res.status, res.body)
		}
	})
}

func TestPaymentsNotConfigured(t *testing.T) {
	b := setup(t, "sqlite", noCheckout())
	if res := b.register(t, 1, ""); res.status != 503 || res.errCode(t) != "payments_not_configured" {
		t.Fatalf("got %d %s", res.status, res.body)
	}
	if res := b.register(t, 1, "FREE"); res.status != 201 {
		t.Fatalf("free registration without Stripe: %d %s", res.status, res.body)
	}
}

func TestConcurrentRegistrationsHTTP(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[string]int{}
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := b.register(t, 100+i, "")
				key := "201"
				if res.status != 201 {
					key = res.errCode(t)
				}
				mu.Lock()
				statuses[key]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if statuses["201"] != 5 || statuses["tryout_full"] != 15 {
			t.Fatalf("outcomes = %v, want five 201 and fifteen tryout_full", statuses)
		}
	})
}

func TestRateLimit(t *testing.T) {
	b := setup(t, "sqlite", rateLimit(3))
	codes := []int{}
	for i := range 5 {
		codes = append(codes, b.register(t, i, "").status)
	}
	last := b.register(t, 9, "")
	if codes[0] != 201 || codes[3] != 429 || last.errCode(t) != "rate_limited" {
		t.Fatalf("statuses %v, last %s", codes, last.body)
	}
	if res := b.do(t, http.MethodGet, "/api/v1/clubs/tigers/tryouts", nil, nil); res.status != 200 {
		t.Fatalf("reads are not limited: %d", res.status)
	}
}

func TestOperational(t *testing.T) {
	b := setup(t, "sqlite")
	for _, p := range []string{"/healthz", "/readyz"} {
		if res := b.do(t, http.MethodGet, p, nil, nil); res.status != 200 {
			t.Fatalf("%s: %d", p, res.status)
		}
	}
	b.register(t, 1, "")
	m := b.do(t, http.MethodGet, "/metrics", nil, nil)
	if !strings.Contains(string(m.body), `basketball_http_requests_total{method="POST",route="POST /api/v1/clubs/{club}/registrations",status="201"} 1`) ||
		!strings.Contains(string(m.body), "basketball_http_request_duration_seconds_bucket") {
		t.Fatalf("metrics lack request series:\n%s", m.body)
	}
	if res := b.do(t, http.MethodDelete, "/api/v1/clubs/tigers/registrations", nil, nil); res.status != 405 || res.errCode(t) != "method_not_allowed" {
		t.Fatalf("wrong method: %d %s", res.status, res.body)
	}
	if res := b.do(t, http.MethodGet, "/nope", nil, nil); res.status != 404 || res.errCode(t) != "not_found" {
		t.Fatalf("unknown route: %d %s", res.status, res.body)
	}
	b.db.Close()
	if res := b.do(t, http.MethodGet, "/readyz", nil, nil); res.status != 503 {
		t.Fatalf("readyz with the database closed: %d", res.status)
	}
}

func TestSmallContractDetails(t *testing.T) {
	b := setup(t, "sqlite")
	id := b.register(t, 1, "").json(t)["registration_id"].(string)
	if res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", `{"x":1}`); res.status != 422 || res.errCode(t) != "invalid_request" {
		t.Errorf("checkout with an unknown field: %d %s", res.status, res.body)
	}
	if res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", `garbage`); res.status != 400 {
		t.Errorf("checkout with garbage: %d %s", res.status, res.body)
	}
	if res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", `{}`); res.status != 200 {
		t.Errorf("checkout with {}: %d %s", res.status, res.body)
	}
	body := b.registration(2, "")
	body["parent"].(map[string]any)["phone"] = "call me"
	body["player"].(map[string]any)["grade"] = "seventh"
	res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", body)
	if res.status != 422 || !strings.Contains(string(res.body), "must be a whole number") {
		t.Errorf("wrong type message: %d %s", res.status, res.body)
	}
	body["player"].(map[string]any)["grade"] = 7
	res = b.postJSON(t, "/api/v1/clubs/tigers/registrations", body)
	if fields, _ := res.json(t)["error"].(map[string]any)["fields"].(map[string]any); res.status != 422 || fields["parent.phone"] == nil {
		t.Errorf("bad phone: %d %s", res.status, res.body)
	}
	b.db.Close()
	if res := b.do(t, http.MethodGet, "/readyz", nil, nil); res.status != 503 || res.errCode(t) != "not_ready" {
		t.Errorf("readyz without a database: %d %s", res.status, res.body)
	}
}

func TestUnknownNestedFieldIsNamedByPath(t *testing.T) {
	b := setup(t, "sqlite")
	body := b.registration(1, "")
	body["parent"].(map[string]any)["nickname"] = "Annie"
	res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", body)
	fields, _ := res.json(t)["error"].(map[string]any)["fields"].(map[string]any)
	if res.status != 422 || fields["parent.nickname"] == nil {
		t.Fatalf("unknown nested field: %d %s", res.status, res.body)
	}
}
