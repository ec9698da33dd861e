package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// snapshot is what must not change when an event is refused or ignored.
func (b *testBundle) snapshot(t *testing.T, id string) string {
	t.Helper()
	r := b.mustReg(t, id)
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s url=%s hold=%s account=%v", j, r.CheckoutURL, r.HoldUntil.UTC(), r.AccountCreatedAt != nil)
}

func (b *testBundle) countEvents(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM stripe_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// withEventObject rewrites data.object of a built event.
func withEventObject(t *testing.T, payload []byte, edit func(obj map[string]any)) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	edit(ev["data"].(map[string]any)["object"].(map[string]any))
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWebhookRefusesAndIgnores(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegisterCard(t, "rex.parent@example.com", "Rex")
		before := b.snapshot(t, reg.ID)
		good := completed(reg)
		now := time.Now()

		refused := []struct {
			name   string
			header map[string]string
		}{
			{"bad signature", map[string]string{"Stripe-Signature": fmt.Sprintf("t=%d,v1=%s", now.Unix(), strings.Repeat("ab", 32))}},
			{"wrong secret", map[string]string{"Stripe-Signature": stripe.SignPayload(good, stripe.NewWebhookSecret(), now)}},
			{"stale timestamp", map[string]string{"Stripe-Signature": stripe.SignPayload(good, b.webhookSecret, now.Add(-10*time.Minute))}},
			{"signature of another body", map[string]string{"Stripe-Signature": stripe.SignPayload(completed(reg), b.webhookSecret, now)}},
			{"missing header", nil},
		}
		for _, tt := range refused {
			res := b.do(t, http.MethodPost, "/webhooks/stripe", good, tt.header)
			if res.status != http.StatusBadRequest {
				t.Errorf("%s: %d %s, want 400", tt.name, res.status, res.body)
			}
			if n := b.countEvents(t); n != 0 {
				t.Fatalf("%s: %d stripe_events rows, want 0", tt.name, n)
			}
			if got := b.snapshot(t, reg.ID); got != before {
				t.Fatalf("%s changed the registration:\n%s\nwas\n%s", tt.name, got, before)
			}
		}

		meta := func(m map[string]string) func(*stripe.SessionEventParams) {
			return func(p *stripe.SessionEventParams) { p.Metadata = m }
		}
		ignored := []struct {
			name, eventID, outcome string
			payload                []byte
		}{
			{"data.object not an object", "evt_not_object", basketball.OutcomeMalformed,
				[]byte(`{"id":"evt_not_object","object":"event","type":"checkout.session.completed","data":{"object":"oops"}}`)},
			{"a field of the wrong type", "evt_bad_amount", basketball.OutcomeMalformed,
				withEventObject(t, sessionEvent(reg, stripe.EventCheckoutCompleted, func(p *stripe.SessionEventParams) { p.EventID = "evt_bad_amount" }),
					func(o map[string]any) { o["amount_total"] = "lots" })},
			{"unknown registration", "evt_unknown_reg", basketball.OutcomeUnknownReg, sessionEvent(reg, stripe.EventCheckoutCompleted,
				func(p *stripe.SessionEventParams) {
					p.EventID = "evt_unknown_reg"
					p.Metadata = map[string]string{"type": stripe.MetadataType, "registration_id": basketball.NewID("reg")}
				})},
			{"junk registration id", "evt_junk_reg", basketball.OutcomeUnknownReg, sessionEvent(reg, stripe.EventCheckoutCompleted,
				func(p *stripe.SessionEventParams) {
					p.EventID = "evt_junk_reg"
					p.Metadata = map[string]string{"type": stripe.MetadataType, "registration_id": "42'; DROP TABLE registrations; --"}
				})},
			{"no metadata", "evt_no_meta", basketball.OutcomeIgnoredMetadata, sessionEvent(reg, stripe.EventCheckoutCompleted,
				func(p *stripe.SessionEventParams) { p.EventID = "evt_no_meta"; p.Metadata = nil })},
			{"no registration id", "evt_no_reg_id", basketball.OutcomeMissingMetadata, sessionEvent(reg, stripe.EventCheckoutCompleted,
				func(p *stripe.SessionEventParams) {
					p.EventID = "evt_no_reg_id"
					meta(map[string]string{"type": stripe.MetadataType})(p)
				})},
			{"other metadata.type", "evt_other_type", basketball.OutcomeIgnoredMetadata, sessionEvent(reg, stripe.EventCheckoutCompleted,
				func(p *stripe.SessionEventParams) {
					p.EventID = "evt_other_type"
					meta(map[string]string{"type": "donation", "registration_id": reg.ID})(p)
				})},
			{"unknown event type", "evt_other_event", basketball.OutcomeIgnoredType, sessionEvent(reg, "invoice.paid",
				func(p *stripe.SessionEventParams) { p.EventID = "evt_other_event" })},
		}
		for _, tt := range ignored {
			b.mustPostEvent(t, tt.payload, tt.outcome)
			if got, err := b.db.PaymentEventOutcome(context.Background(), tt.eventID); err != nil || got != tt.outcome {
				t.Errorf("%s: recorded outcome %q (%v), want %s", tt.name, got, err, tt.outcome)
			}
			if got := b.snapshot(t, reg.ID); got != before {
				t.Fatalf("%s changed the registration:\n%s\nwas\n%s", tt.name, got, before)
			}
			if js := b.jobs(t); len(js) != 0 {
				t.Fatalf("%s enqueued %d jobs", tt.name, len(js))
			}
		}
		if n := len(b.smtp.Messages()); n != 0 {
			t.Fatalf("%d emails sent for refused or ignored events", n)
		}

		// The registration was payable all along: the genuine event pays it.
		// With no worker running, the answer proves the handler itself
		// calls neither Keycloak nor SMTP.
		b.stopQueue()
		b.mustPostEvent(t, good, basketball.OutcomePaid)
		if got := b.mustReg(t, reg.ID); got.Status != basketball.StatusPaid || got.ConfirmationSentAt != nil {
			t.Fatalf("after the genuine event: %s, confirmation sent %v", got.Status, got.ConfirmationSentAt)
		}
		if js := b.jobsFor(t, reg.ID); len(js) != 1 || js[0].State != "available" {
			t.Fatalf("jobs after the genuine event: %+v", js)
		}
		if b.kc.TokensIssued() != 0 || b.kc.AdminRequests() != 0 || len(b.smtp.Messages()) != 0 {
			t.Fatal("the webhook handler called Keycloak or SMTP")
		}
		b.stopQueue = b.startQueue(t)
		b.waitConfirmed(t, reg.ID)
		b.mustOneMessage(t, reg.ParentEmail)
	})
}

func TestPaymentLifecycle(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		unpaid := func(p *stripe.SessionEventParams) { p.PaymentStatus = "unpaid"; p.PaymentIntentID = "" }

		// Delayed payment method that succeeds.
		async := b.mustRegisterCard(t, "async.ok@example.com", "Asa")
		b.mustPostEvent(t, sessionEvent(async, stripe.EventCheckoutCompleted, unpaid), basketball.OutcomeAwaitingPayment)
		if got := b.mustReg(t, async.ID); got.Status != basketball.StatusPending || len(b.jobsFor(t, async.ID)) != 0 {
			t.Fatalf("after an unpaid completed: %s with %d jobs", got.Status, len(b.jobsFor(t, async.ID)))
		}
		b.mustPostEvent(t, sessionEvent(async, stripe.EventCheckoutAsyncPaymentSucceeded, nil), basketball.OutcomePaid)

		// Delayed payment method that fails.
		failed := b.mustRegisterCard(t, "async.ko@example.com", "Bo")
		b.mustPostEvent(t, sessionEvent(failed, stripe.EventCheckoutCompleted, unpaid), basketball.OutcomeAwaitingPayment)
		b.mustPostEvent(t, sessionEvent(failed, stripe.EventCheckoutAsyncPaymentFailed, unpaid), basketball.OutcomePaymentFailed)

		// Abandoned checkout, then a late payment.
		seats := b.seatsLeft(t)
		late := b.mustRegisterCard(t, "late@example.com", "Cy")
		if got := b.seatsLeft(t); got != seats-1 {
			t.Fatalf("seats_left %d after a registration, want %d", got, seats-1)
		}
		b.mustPostEvent(t, sessionEvent(late, stripe.EventCheckoutExpired, unpaid), basketball.OutcomeExpired)
		if got := b.mustReg(t, late.ID).Status; got != basketball.StatusExpired {
			t.Fatalf("after expired: %s", got)
		}
		if got := b.seatsLeft(t); got != seats {
			t.Fatalf("seats_left %d after expiry, want %d", got, seats)
		}
		b.mustPostEvent(t, completed(late), basketball.OutcomePaidLate)

		// Paid, then refunded in part and in full.
		refund := b.mustRegisterCard(t, "refund@example.com", "Di")
		b.mustPostEvent(t, completed(refund), basketball.OutcomePaid)
		// A refund usually follows the confirmation; one before it would
		// rightly leave the job nothing to confirm.
		b.waitConfirmed(t, refund.ID)
		pi := "pi_" + refund.ID
		b.mustPostEvent(t, stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{PaymentIntentID: pi, Amount: feeCents, AmountRefunded: 1000}),
			basketball.OutcomePartialRefund)
		if got := b.mustReg(t, refund.ID).Status; got != basketball.StatusPaid {
			t.Fatalf("after a partial refund: %s", got)
		}
		b.mustPostEvent(t, stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{PaymentIntentID: pi, Amount: feeCents, AmountRefunded: feeCents, Refunded: true}),
			basketball.OutcomeRefunded)

		for _, r := range []basketball.Registration{async, late} {
			got := b.waitConfirmed(t, r.ID)
			if got.Status != basketball.StatusPaid || got.StripePaymentIntentID != "pi_"+r.ID || got.AmountPaidCents == nil || *got.AmountPaidCents != feeCents {
				t.Errorf("%s: %+v", r.PlayerFirstName, got)
			}
			b.mustValidLogin(t, r.ParentEmail)
		}
		if got := b.mustReg(t, failed.ID); got.Status != basketball.StatusPaymentFailed || len(b.jobsFor(t, failed.ID)) != 0 {
			t.Errorf("failed async payment: %s with %d jobs", got.Status, len(b.jobsFor(t, failed.ID)))
		}
		if got := b.mustReg(t, refund.ID).Status; got != basketball.StatusRefunded {
			t.Errorf("after a full refund: %s", got)
		}
		for _, r := range []basketball.Registration{async, late, refund} {
			b.waitJob(t, r.ID, "completed", jobCompleted)
		}
		if n := len(b.messagesTo(failed.ParentEmail)); n != 0 {
			t.Errorf("%d emails for a failed payment", n)
		}
		if n := len(b.smtp.Messages()); n != 3 {
			t.Errorf("%d emails, want 3 (async, late, refund)", n)
		}
	})
}
