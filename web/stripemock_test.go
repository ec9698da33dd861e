package web_test

import (
	"strings"
	"testing"

	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripemock"
)

// TestRegisterAgainstStripeMock sends real Checkout Session requests to
// stripe-mock, which validates every parameter against Stripe's API
// description: a full-price and a discounted registration both get a
// session.
func TestRegisterAgainstStripeMock(t *testing.T) {
	apiURL := stripemock.Start(t)
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		sc, err := stripe.New(stripe.Config{SecretKey: "sk_test_123", APIURL: apiURL})
		if err != nil {
			t.Fatal(err)
		}
		b := setup(t, engine, withPayments(sc))
		for i, promo := range []string{"", "TEN"} {
			res := b.register(t, i, promo)
			if res.status != 201 {
				t.Fatalf("promo %q: %d %s", promo, res.status, res.body)
			}
			v := res.json(t)
			if !strings.HasPrefix(v["checkout_url"].(string), "http") {
				t.Fatalf("checkout_url = %v", v["checkout_url"])
			}
			if r := mustReg(t, b.db, v["registration_id"].(string)); !strings.HasPrefix(r.StripeCheckoutSessionID, "cs_") {
				t.Fatalf("stored session id %q", r.StripeCheckoutSessionID)
			}
		}
	})
}
