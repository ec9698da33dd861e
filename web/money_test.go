package web_test

import (
	"net/http"
	"testing"

	"basketball"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// mustPendingCard registers player n by card and returns its id.
func (b testBundle) mustPendingCard(t *testing.T, n int) string {
	t.Helper()
	res := b.register(t, n, "")
	if res.status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	id, _ := res.json(t)["registration_id"].(string)
	return id
}

func (b testBundle) mustEvent(t *testing.T, payload []byte, wantOutcome string) {
	t.Helper()
	res := b.postEvent(t, payload)
	if res.status != http.StatusOK {
		t.Fatalf("webhook: %d %s", res.status, res.body)
	}
	if got := res.json(t)["outcome"]; got != wantOutcome {
		t.Fatalf("outcome %v, want %s", got, wantOutcome)
	}
}

// TestPaymentNotAsDue: a signed completed event whose amount or currency
// is not what the registration was due (or that says no payment was
// required for a card registration) still makes it paid — the money was
// taken — with outcome amount_mismatch and the money recorded as Stripe
// reported it, for staff to see.
func TestPaymentNotAsDue(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		for i, tc := range []struct {
			name         string
			mutate       func(*stripe.SessionEventParams)
			wantAmount   int64
			wantCurrency string
			mismatch     bool
		}{
			{"as due", nil, 3000, "usd", false},
			{"one cent", func(p *stripe.SessionEventParams) { p.AmountTotal = 1 }, 1, "usd", true},
			{"in euros", func(p *stripe.SessionEventParams) { p.Currency = "EUR" }, 3000, "eur", true},
			{"no payment required", func(p *stripe.SessionEventParams) { p.PaymentStatus = "no_payment_required"; p.AmountTotal = 0 }, 0, "usd", true},
		} {
			id := b.mustPendingCard(t, i)
			want := basketball.OutcomePaid
			if tc.mismatch {
				want = basketball.OutcomeAmountMismatch
			}
			b.mustEvent(t, b.completed(id, tc.mutate), want)
			r := mustReg(t, b.db, id)
			if r.Status != basketball.StatusPaid || r.AmountPaidCents == nil || *r.AmountPaidCents != tc.wantAmount ||
				r.PaidCurrency != tc.wantCurrency || r.AmountMismatch != tc.mismatch {
				t.Errorf("%s: status %s, paid %v %s, mismatch %v; want paid %d %s, mismatch %v", tc.name, r.Status,
					r.AmountPaidCents, r.PaidCurrency, r.AmountMismatch, tc.wantAmount, tc.wantCurrency, tc.mismatch)
			}
		}
	})
}

// TestRefundBeforePayment: Stripe does not guarantee order. A full refund,
// or a lost dispute, for a payment intent no registration has yet is kept
// and applied when a registration is paid by it: refunded money never
// leaves a paid registration behind.
func TestRefundBeforePayment(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		for i, early := range []struct {
			name    string
			payload func(pi string) []byte
		}{
			{"refund", func(pi string) []byte {
				return stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{PaymentIntentID: pi, Amount: 3000, AmountRefunded: 3000,
					Refunded: true, Currency: "usd", Created: b.clock.Now()})
			}},
			{"lost dispute", func(pi string) []byte {
				return stripe.BuildDisputeEvent(stripe.DisputeEventParams{Type: stripe.EventChargeDisputeClosed, PaymentIntentID: pi,
					Status: stripe.DisputeStatusLost, Amount: 3000, Currency: "usd", Created: b.clock.Now()})
			}},
		} {
			id := b.mustPendingCard(t, i)
			pi := "pi_" + id
			b.mustEvent(t, early.payload(pi), basketball.OutcomeHeldForPayment)
			if r := mustReg(t, b.db, id); r.Status != basketball.StatusPending {
				t.Fatalf("%s: the early event changed the registration to %s", early.name, r.Status)
			}
			b.mustEvent(t, b.completed(id, nil), basketball.OutcomePaid)
			if r := mustReg(t, b.db, id); r.Status != basketball.StatusRefunded {
				t.Errorf("%s then payment: registration is %s, want refunded", early.name, r.Status)
			}
		}
		if left := *mustTryout(t, b).SeatsLeft; left != 5 {
			t.Errorf("seats left %d, want all 5 back", left)
		}
	})
}

// TestDisputes: an opened dispute is recorded against its registration and
// changes nothing; a won one neither; a lost one makes it refunded.
func TestDisputes(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.mustPendingCard(t, 1)
		b.mustEvent(t, b.completed(id, nil), basketball.OutcomePaid)
		dispute := func(typ, status string) []byte {
			return stripe.BuildDisputeEvent(stripe.DisputeEventParams{Type: typ, PaymentIntentID: "pi_" + id, Status: status,
				Amount: 3000, Currency: "usd", Created: b.clock.Now()})
		}
		b.mustEvent(t, dispute(stripe.EventChargeDisputeCreated, stripe.DisputeStatusNeedsResponse), basketball.OutcomeDisputeCreated)
		b.mustEvent(t, dispute(stripe.EventChargeDisputeClosed, stripe.DisputeStatusWon), basketball.OutcomeDisputeWon)
		if r := mustReg(t, b.db, id); r.Status != basketball.StatusPaid {
			t.Fatalf("after a won dispute the registration is %s", r.Status)
		}
		b.mustEvent(t, dispute(stripe.EventChargeDisputeClosed, stripe.DisputeStatusLost), basketball.OutcomeDisputeLost)
		if r := mustReg(t, b.db, id); r.Status != basketball.StatusRefunded {
			t.Fatalf("after a lost dispute the registration is %s, want refunded", r.Status)
		}
	})
}

func mustTryout(t *testing.T, b testBundle) basketball.Tryout {
	t.Helper()
	tr, err := b.db.Tryout(t.Context(), "tigers", b.tryout.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestNobodyRenamesAParent: a registration with a known parent's email in
// another letter case and a new name and phone never changes what an
// earlier registration submitted: its listing keeps the parent's name and
// phone as given, and so does the shared parent row.
func TestNobodyRenamesAParent(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		first := b.registration(1, "")
		first["parent"] = map[string]any{"first_name": "Ann", "last_name": "Lee", "email": "victim@example.com", "phone": "+1 555 0100"}
		res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", first)
		if res.status != http.StatusCreated {
			t.Fatalf("first: %d %s", res.status, res.body)
		}
		firstID, _ := res.json(t)["registration_id"].(string)
		b.mustEvent(t, b.completed(firstID, nil), basketball.OutcomePaid)

		second := b.registration(2, "")
		second["parent"] = map[string]any{"first_name": "Hacked", "last_name": "Name", "email": "VICTIM@Example.com", "phone": "+1 555 9999"}
		if res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", second); res.status != http.StatusCreated {
			t.Fatalf("second: %d %s", res.status, res.body)
		}
		r := mustReg(t, b.db, firstID)
		if r.ParentFirstName != "Ann" || r.ParentLastName != "Lee" || r.ParentPhone != "+1 555 0100" || r.ParentEmail != "victim@example.com" {
			t.Errorf("the earlier registration now reads %s %s, %s, %s", r.ParentFirstName, r.ParentLastName, r.ParentPhone, r.ParentEmail)
		}
		regs, err := b.db.ListRegistrations(t.Context(), "tigers", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, reg := range regs {
			if reg.ID == firstID && reg.ParentFirstName != "Ann" {
				t.Errorf("the listing shows the earlier registration's parent as %q", reg.ParentFirstName)
			}
		}
		var name, phone string
		if err := b.db.SQL().QueryRow(`SELECT first_name, phone FROM parents WHERE email = 'victim@example.com'`).Scan(&name, &phone); err != nil {
			t.Fatal(err)
		}
		if name != "Ann" || phone != "+1 555 0100" {
			t.Errorf("the parent row was overwritten: %s, %s", name, phone)
		}
	})
}
