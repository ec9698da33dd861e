package web_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

func TestWebhookPaysRegistrationOnce(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		ev := b.completed(id, nil)
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := b.postEvent(t, ev); res.status != 200 {
					t.Errorf("delivery: %d %s", res.status, res.body)
				}
			}()
		}
		wg.Wait()
		r := mustReg(t, b.db, id)
		if r.Status != "paid" || r.PaidAt == nil || r.StripePaymentIntentID != "pi_"+id || r.AmountPaidCents == nil || *r.AmountPaidCents != 3000 {
			t.Fatalf("after webhook: %+v", r)
		}
		if res := b.postEvent(t, ev); res.status != 200 || res.json(t)["outcome"] != "duplicate" {
			t.Fatalf("repeat: %d %s", res.status, res.body)
		}
		var applied int
		b.db.SQL().QueryRow(`SELECT count(*) FROM stripe_events WHERE outcome = 'paid'`).Scan(&applied)
		if applied != 1 {
			t.Fatalf("event applied %d times", applied)
		}
	})
}

func TestWebhookRejectsBadSignatures(t *testing.T) {
	b := setup(t, "sqlite")
	id := b.register(t, 1, "").json(t)["registration_id"].(string)
	ev := b.completed(id, nil)
	for name, header := range map[string]string{
		"missing":      "",
		"wrong secret": stripe.SignPayload(ev, "whsec_other", b.clock.Now()),
		"stale":        stripe.SignPayload(ev, webhookSecret, b.clock.Now().Add(-10*time.Minute)),
		"garbage":      "t=1,v1=00",
	} {
		res := b.do(t, http.MethodPost, "/webhooks/stripe", bytes.NewReader(ev), map[string]string{"Stripe-Signature": header})
		if res.status != 400 || res.errCode(t) != "bad_signature" {
			t.Errorf("%s: %d %s", name, res.status, res.body)
		}
	}
	tampered := bytes.Replace(ev, []byte(`"paid"`), []byte(`"PAID"`), 1)
	sig := stripe.SignPayload(ev, webhookSecret, b.clock.Now())
	if res := b.do(t, http.MethodPost, "/webhooks/stripe", bytes.NewReader(tampered), map[string]string{"Stripe-Signature": sig}); res.status != 400 {
		t.Errorf("tampered body: %d", res.status)
	}
	if r := mustReg(t, b.db, id); r.Status != "pending" {
		t.Fatalf("a rejected event changed the registration: %s", r.Status)
	}
	var n int
	b.db.SQL().QueryRow(`SELECT count(*) FROM stripe_events`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rejected events recorded", n)
	}
}

func TestWebhookIgnoresWhatIsNotOurs(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		for name, ev := range map[string][]byte{
			"unknown registration": b.completed("reg_doesnotexist", nil),
			"junk registration id": b.completed("1 OR 1=1; DROP TABLE registrations", nil),
			"other metadata type":  b.completed(id, func(p *stripe.SessionEventParams) { p.Metadata["type"] = "merch_order" }),
			"no metadata":          b.completed(id, func(p *stripe.SessionEventParams) { p.Metadata = nil }),
			"unknown type":         b.completed(id, func(p *stripe.SessionEventParams) { p.Type = "invoice.paid" }),
			"malformed object":     []byte(`{"id":"evt_bad","object":"event","type":"checkout.session.completed","data":{"object":{"metadata":"x","amount_total":"lots"}}}`),
		} {
			res := b.postEvent(t, ev)
			if res.status != 200 {
				t.Errorf("%s: %d %s", name, res.status, res.body)
			}
		}
		if r := mustReg(t, b.db, id); r.Status != "pending" || r.PaidAt != nil {
			t.Fatalf("registration changed: %+v", r)
		}
	})
}

func TestWebhookExpiryFreesSeatAndLatePaymentCounts(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		sess := mustReg(t, b.db, id).StripeCheckoutSessionID
		expired := b.completed(id, func(p *stripe.SessionEventParams) {
			p.Type, p.PaymentStatus, p.SessionID, p.PaymentIntentID = stripe.EventCheckoutExpired, "unpaid", sess, ""
		})
		if res := b.postEvent(t, expired); res.status != 200 || res.json(t)["outcome"] != "expired" {
			t.Fatalf("expired: %d %s", res.status, res.body)
		}
		list, _ := b.db.ListTryouts(t.Context(), "tigers", true)
		if *list[0].SeatsLeft != 5 {
			t.Fatalf("seats left after expiry = %d", *list[0].SeatsLeft)
		}
		if res := b.postEvent(t, b.completed(id, nil)); res.json(t)["outcome"] != "paid_late" {
			t.Fatalf("late completed: %s", res.body)
		}
		if r := mustReg(t, b.db, id); r.Status != "paid" {
			t.Fatalf("late payment not recorded: %s", r.Status)
		}
		refund := stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{PaymentIntentID: "pi_" + id, Amount: 3000, AmountRefunded: 3000, Refunded: true})
		if res := b.postEvent(t, refund); res.json(t)["outcome"] != "refunded" {
			t.Fatalf("refund: %s", res.body)
		}
		if r := mustReg(t, b.db, id); r.Status != "refunded" {
			t.Fatalf("after refund: %s", r.Status)
		}
	})
}

// TestWebhookMinimalEvent: an event with only what the contract names
// (no api_version, object kinds, session id or amount) still pays.
func TestWebhookMinimalEvent(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		session := mustReg(t, b.db, id).StripeCheckoutSessionID
		ev := []byte(`{"id":"evt_min_1","type":"checkout.session.completed","data":{"object":{"payment_status":"paid",` +
			`"metadata":{"type":"tryout_registration","registration_id":"` + id + `"}}}}`)
		if res := b.postEvent(t, ev); res.status != 200 || res.json(t)["outcome"] != "paid" {
			t.Fatalf("minimal event: %d %s", res.status, res.body)
		}
		r := mustReg(t, b.db, id)
		if r.Status != "paid" || r.StripeCheckoutSessionID != session || r.AmountPaidCents == nil || *r.AmountPaidCents != 3000 {
			t.Fatalf("after minimal event: %+v", r)
		}
	})
}

// TestWebhookExpiryOfAnOlderSession: when the parent has opened a newer
// checkout, the expiry of the older session leaves the registration pending.
func TestWebhookExpiryOfAnOlderSession(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		first := mustReg(t, b.db, id).StripeCheckoutSessionID
		b.clock.Advance(56 * time.Minute) // the first session closes in 4 minutes: too soon to hand out again
		if res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", ""); res.status != 200 {
			t.Fatalf("new checkout: %d %s", res.status, res.body)
		}
		second := mustReg(t, b.db, id).StripeCheckoutSessionID
		if second == first {
			t.Fatal("no new session was opened")
		}
		expire := func(session string) string {
			res := b.postEvent(t, b.completed(id, func(p *stripe.SessionEventParams) {
				p.Type, p.PaymentStatus, p.SessionID, p.PaymentIntentID = stripe.EventCheckoutExpired, "unpaid", session, ""
			}))
			return res.json(t)["outcome"].(string)
		}
		if got := expire(first); got != "stale_session" || mustReg(t, b.db, id).Status != "pending" {
			t.Fatalf("older session's expiry: outcome %s, status %s", got, mustReg(t, b.db, id).Status)
		}
		if got := expire(second); got != "expired" || mustReg(t, b.db, id).Status != "expired" {
			t.Fatalf("current session's expiry: outcome %s", got)
		}
	})
}
