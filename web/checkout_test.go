package web_test

import (
	"sync"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// TestConcurrentPayClicksMakeOneSession: five "pay" requests at once for a
// registration without a session wait for one new session and all get it.
func TestConcurrentPayClicksMakeOneSession(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		b.checkout.setFail(errStripeDown)
		id := b.register(t, 1, "").json(t)["error"].(map[string]any)["registration_id"].(string)
		b.checkout.setFail(nil)
		b.checkout.mu.Lock()
		b.checkout.delay = 300 * time.Millisecond
		b.checkout.mu.Unlock()
		var wg sync.WaitGroup
		var mu sync.Mutex
		urls := map[string]int{}
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", "")
				if res.status != 200 {
					t.Errorf("checkout: %d %s", res.status, res.body)
					return
				}
				mu.Lock()
				urls[res.json(t)["checkout_url"].(string)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(urls) != 1 || len(b.checkout.recorded()) != 2 { // the failed first attempt and one new session
			t.Fatalf("urls %v from %d session requests", urls, len(b.checkout.recorded()))
		}
	})
}

// TestAsyncPaymentKeepsTheSeat: a checkout completed with a delayed payment
// method holds its seat past the session's expiry, until Stripe settles.
func TestAsyncPaymentKeepsTheSeat(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		unpaid := b.completed(id, func(p *stripe.SessionEventParams) { p.PaymentStatus = "unpaid" })
		if res := b.postEvent(t, unpaid); res.json(t)["outcome"] != "awaiting_async_payment" {
			t.Fatalf("unpaid: %s", res.body)
		}
		b.clock.Advance(3 * time.Hour)
		list, _ := b.db.ListTryouts(t.Context(), "tigers", true)
		if *list[0].SeatsLeft != 4 {
			t.Fatalf("seats left while the bank debit settles = %d, want 4", *list[0].SeatsLeft)
		}
		if res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", ""); res.status != 409 {
			t.Fatalf("pay again while settling: %d %s", res.status, res.body)
		}
		if res := b.register(t, 1, ""); res.errCode(t) != "already_registered" {
			t.Fatalf("register again while settling: %s", res.body)
		}
		succeeded := b.completed(id, func(p *stripe.SessionEventParams) { p.Type = stripe.EventCheckoutAsyncPaymentSucceeded })
		if res := b.postEvent(t, succeeded); res.json(t)["outcome"] != "paid" {
			t.Fatalf("async succeeded: %s", res.body)
		}
	})
}

// TestPayAgainAfterExpiry: the cancel page's "pay again" brings an expired
// registration back while its tryout has a seat, and refuses when full.
func TestPayAgainAfterExpiry(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "ten").json(t)["registration_id"].(string)
		expire := b.completed(id, func(p *stripe.SessionEventParams) {
			p.Type, p.PaymentStatus, p.PaymentIntentID, p.SessionID = stripe.EventCheckoutExpired, "unpaid", "", mustReg(t, b.db, id).StripeCheckoutSessionID
		})
		if res := b.postEvent(t, expire); res.json(t)["outcome"] != "expired" {
			t.Fatalf("expire: %s", res.body)
		}
		res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", "")
		if res.status != 200 {
			t.Fatalf("pay again after expiry: %d %s", res.status, res.body)
		}
		if r := mustReg(t, b.db, id); r.Status != "pending" || r.AmountCents != 2000 {
			t.Fatalf("revived registration: %+v", r)
		}
		// Expire it again, fill the tryout, and paying again is refused.
		expire2 := b.completed(id, func(p *stripe.SessionEventParams) {
			p.Type, p.PaymentStatus, p.PaymentIntentID, p.SessionID = stripe.EventCheckoutExpired, "unpaid", "", mustReg(t, b.db, id).StripeCheckoutSessionID
		})
		b.postEvent(t, expire2)
		for i := 2; i <= 6; i++ {
			if res := b.register(t, i, ""); res.status != 201 {
				t.Fatalf("fill %d: %s", i, res.body)
			}
		}
		if res := b.postJSON(t, "/api/v1/registrations/"+id+"/checkout", ""); res.status != 409 || res.errCode(t) != "tryout_full" {
			t.Fatalf("pay again when full: %d %s", res.status, res.body)
		}
	})
}
