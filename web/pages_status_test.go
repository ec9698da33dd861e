package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// page fetches a page and returns its body.
func (b testBundle) page(t *testing.T, path string) string {
	t.Helper()
	res := b.do(t, http.MethodGet, path, nil, nil)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.status, res.body)
	}
	return string(res.body)
}

// mustSay checks that page contains each of want and none of unwanted.
func mustSay(t *testing.T, what, page string, want, unwanted []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, page)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(page, u) {
			t.Errorf("%s has %q:\n%s", what, u, page)
		}
	}
}

// TestRegistrationPagesSayWhatIsTrue walks a card registration through
// its states: each page names the state as it is and offers Pay now only
// when paying can work.
func TestRegistrationPagesSayWhatIsTrue(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		session := mustReg(t, b.db, id).StripeCheckoutSessionID
		reg := "/registrations/" + id
		refresh := `http-equiv="refresh"`

		// Fresh, before the parent paid: not paid yet, the hold, Pay now,
		// and no claim that a payment is being confirmed.
		mustSay(t, "fresh pending page", b.page(t, reg),
			[]string{">Not paid yet<", "held until", `id="pay-now"`}, []string{"confirm", refresh})
		// Back from the checkout's success URL: confirming, refreshing, no
		// second payment offered.
		mustSay(t, "page after the checkout", b.page(t, reg+"?session_id="+url.QueryEscape(session)),
			[]string{">Confirming payment<", refresh}, []string{`id="pay-now"`})
		// Another session's id in the URL proves nothing.
		mustSay(t, "page with a foreign session id", b.page(t, reg+"?session_id=cs_test_other"),
			[]string{">Not paid yet<"}, []string{"Confirming"})
		// The cancel URL while the session is open: canceled, seat held.
		mustSay(t, "cancel page of a pending registration", b.page(t, reg+"/canceled"),
			[]string{">Payment canceled<", "held until", `id="pay-again"`}, []string{"expired"})

		// The session expires: the pages say so and offer to pay again, as
		// a seat is free.
		expired := stripe.BuildSessionEvent(stripe.SessionEventParams{Type: stripe.EventCheckoutExpired, SessionID: session,
			PaymentStatus: "unpaid", AmountTotal: 3000, Currency: "usd",
			Metadata: map[string]string{"type": "tryout_registration", "registration_id": id, "club": "tigers"}})
		if res := b.postEvent(t, expired); res.status != http.StatusOK {
			t.Fatalf("expired event: %d %s", res.status, res.body)
		}
		mustSay(t, "expired page", b.page(t, reg), []string{">Expired<", "no longer holds a seat", `id="pay-now"`}, []string{refresh})
		mustSay(t, "cancel page of an expired registration", b.page(t, reg+"/canceled"),
			[]string{"has expired", `id="pay-again"`}, nil)

		// The parent registers the player again: the old registration can
		// no longer be paid, and its pages stop offering it.
		if res := b.register(t, 1, ""); res.status != http.StatusCreated {
			t.Fatalf("register again: %d %s", res.status, res.body)
		}
		mustSay(t, "expired page after a new registration", b.page(t, reg),
			[]string{">Expired<", "registered again"}, []string{`id="pay-now"`})
		mustSay(t, "cancel page after a new registration", b.page(t, reg+"/canceled"),
			[]string{"registered again", "Register again"}, []string{`id="pay-again"`})
		if res := b.postForm(t, reg+"/pay", url.Values{}, nil); res.status != http.StatusConflict {
			t.Errorf("paying the old registration: %d, want 409 (the pages were right not to offer it)", res.status)
		}

		// Paid: nothing to pay, and the cancel URL says so.
		paid := b.register(t, 2, "").json(t)["registration_id"].(string)
		if res := b.postEvent(t, b.completed(paid, nil)); res.status != http.StatusOK {
			t.Fatalf("completed: %d %s", res.status, res.body)
		}
		mustSay(t, "paid page", b.page(t, "/registrations/"+paid), []string{">Paid<"}, []string{`id="pay-now"`})
		mustSay(t, "cancel page of a paid registration", b.page(t, "/registrations/"+paid+"/canceled"),
			[]string{"Already paid"}, []string{"Payment canceled", `id="pay-again"`})
	})
}

// TestExpiredRegistrationOfAFullTryout: an expired registration is not
// offered Pay now when its tryout has no seat left for it.
func TestExpiredRegistrationOfAFullTryout(t *testing.T) {
	b := setup(t, "sqlite")
	id := b.register(t, 0, "").json(t)["registration_id"].(string)
	session := mustReg(t, b.db, id).StripeCheckoutSessionID
	b.postEvent(t, stripe.BuildSessionEvent(stripe.SessionEventParams{Type: stripe.EventCheckoutExpired, SessionID: session,
		PaymentStatus: "unpaid", Metadata: map[string]string{"type": "tryout_registration", "registration_id": id}}))
	for n := 1; n <= 5; n++ {
		if res := b.register(t, n, "FREE"); res.status != http.StatusCreated {
			t.Fatalf("register %d: %d %s", n, res.status, res.body)
		}
	}
	mustSay(t, "expired page of a full tryout", b.page(t, "/registrations/"+id), []string{"full"}, []string{`id="pay-now"`})
}
