package stripetest_test

import (
	"errors"
	"sync"
	"testing"

	"basketball/stripe"
	"basketball/stripe/stripetest"
)

func TestRefundOncePerIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	paid := b.mustPaid(t, "reg_1")

	// Two clicks at once, one key: one refund.
	var wg sync.WaitGroup
	got := make([]stripe.Refund, 2)
	for i := range got {
		wg.Go(func() {
			r, err := b.client.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-reg_1-1", map[string]string{"registration_id": "reg_1"})
			if err != nil {
				t.Errorf("click %d: %v", i, err)
			}
			got[i] = r
		})
	}
	wg.Wait()
	if got[0].ID == "" || got[0] != got[1] {
		t.Fatalf("two clicks gave %+v and %+v", got[0], got[1])
	}
	want := stripe.Refund{ID: got[0].ID, Status: "succeeded", Amount: 4500, Currency: "eur", PaymentIntentID: paid.PaymentIntentID}
	if got[0] != want {
		t.Errorf("refund = %+v, want %+v", got[0], want)
	}
	refunds := b.fake.Refunds()
	if len(refunds) != 1 || refunds[0].IdempotencyKey != "refund-reg_1-1" || refunds[0].Metadata["registration_id"] != "reg_1" || refunds[0].FromDashboard {
		t.Fatalf("refunds = %+v", refunds)
	}

	b.fake.WaitDeliveries()
	var refundEvents []stripe.Event
	for _, ev := range b.hook.received() {
		if ev.Type == stripe.EventChargeRefunded {
			refundEvents = append(refundEvents, ev)
		}
	}
	if len(refundEvents) != 1 {
		t.Fatalf("%d charge.refunded delivered, want 1", len(refundEvents))
	}
	if ev := refundEvents[0]; !ev.ChargeRefunded || ev.ChargeAmountRefunded != 4500 || ev.ChargeAmount != 4500 || ev.ChargeCurrency != "eur" || ev.PaymentIntent() != paid.PaymentIntentID {
		t.Errorf("charge.refunded = %+v", ev)
	}

	// A new key for a refunded payment: Stripe's charge_already_refunded.
	if _, err := b.client.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-reg_1-2", nil); !errors.Is(err, stripe.ErrAlreadyRefunded) {
		t.Errorf("refund again: err = %v, want ErrAlreadyRefunded", err)
	}
	if _, err := b.client.RefundPaymentIntent(t.Context(), "pi_test_nope", "refund-x", nil); !errors.Is(err, stripe.ErrNotFound) {
		t.Errorf("unknown payment intent: err = %v, want ErrNotFound", err)
	}
	if n := len(b.fake.Refunds()); n != 1 {
		t.Errorf("%d refunds after the refusals", n)
	}
}

func TestDashboardRefundAndDisputes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	paid := b.mustPaid(t, "reg_1")
	pi := paid.PaymentIntentID

	ref, ev, err := b.fake.RefundFromDashboard(pi, 1000)
	if err != nil || !ref.FromDashboard || ref.Amount != 1000 {
		t.Fatalf("partial dashboard refund: %+v, %v", ref, err)
	}
	if got := b.hook.received(); got[len(got)-1].ID != ev.ID || got[len(got)-1].ChargeRefunded || got[len(got)-1].ChargeAmountRefunded != 1000 {
		t.Errorf("partial refund event = %+v", got[len(got)-1])
	}
	if _, _, err := b.fake.RefundFromDashboard(pi, 0); err != nil {
		t.Fatal(err)
	}
	if got := b.hook.received(); !got[len(got)-1].ChargeRefunded || got[len(got)-1].ChargeAmountRefunded != 4500 {
		t.Errorf("rest refunded: event = %+v", got[len(got)-1])
	}
	if _, _, err := b.fake.RefundFromDashboard(pi, 0); !errors.Is(err, stripetest.ErrState) {
		t.Errorf("nothing left: err = %v", err)
	}

	other := b.mustPaid(t, "reg_2")
	d, _, err := b.fake.OpenDispute(other.PaymentIntentID, "product_not_received")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.CloseDispute(d.ID, stripe.DisputeStatusLost); err != nil {
		t.Fatal(err)
	}
	got := b.hook.received()
	created, closed := got[len(got)-2], got[len(got)-1]
	if created.Type != stripe.EventChargeDisputeCreated || created.DisputeID != d.ID || created.DisputeStatus != "needs_response" ||
		created.PaymentIntent() != other.PaymentIntentID || created.DisputeAmount != 4500 || created.DisputeReason != "product_not_received" {
		t.Errorf("dispute created = %+v", created)
	}
	if closed.Type != stripe.EventChargeDisputeClosed || closed.DisputeStatus != stripe.DisputeStatusLost || closed.DisputeID != d.ID {
		t.Errorf("dispute closed = %+v", closed)
	}
	if _, _, err := b.fake.OpenDispute("pi_test_nope", ""); !errors.Is(err, stripetest.ErrState) {
		t.Errorf("dispute of an unknown payment: err = %v", err)
	}
}
