package testcheckout_test

import (
	"context"
	"errors"
	"iter"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/testcheckout"
)

// payments is what the service asks of Stripe. The real client and the
// test checkout must both have it, with the same signatures.
type payments interface {
	CreateCheckoutSession(ctx context.Context, p stripe.CheckoutParams) (stripe.Session, error)
	RetrieveCheckoutSession(ctx context.Context, id string) (stripe.CheckoutSession, error)
	ExpireCheckoutSession(ctx context.Context, id, idempotencyKey string) (stripe.CheckoutSession, error)
	RefundPaymentIntent(ctx context.Context, paymentIntentID, idempotencyKey string, metadata map[string]string) (stripe.Refund, error)
	ListEvents(ctx context.Context, p stripe.ListEventsParams) iter.Seq2[stripe.Event, error]
}

var (
	_ payments = (*stripe.Client)(nil)
	_ payments = (*testcheckout.Checkout)(nil)
)

func listAll(t *testing.T, c *testcheckout.Checkout, p stripe.ListEventsParams) []stripe.Event {
	t.Helper()
	var out []stripe.Event
	for ev, err := range c.ListEvents(t.Context(), p) {
		if err != nil {
			t.Fatalf("ListEvents: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func TestRetrieveCheckoutSession(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	s := mustCreate(t, c, "k1")
	open, err := c.RetrieveCheckoutSession(t.Context(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if open.Status != "open" || open.PaymentStatus != "unpaid" || open.PaymentIntentID != "" || open.AmountTotal != 3000 ||
		open.Currency != "usd" || open.ClientReferenceID != "reg_1" || open.Metadata["registration_id"] != "reg_1" || !open.ExpiresAt.Equal(s.ExpiresAt.Truncate(time.Second)) {
		t.Errorf("open session = %+v", open)
	}
	paid := mustPay(t, c, s)
	if paid.Status != "complete" || paid.PaymentStatus != "paid" || !strings.HasPrefix(paid.PaymentIntentID, "pi_test_") {
		t.Errorf("paid session = %+v", paid)
	}
	// What the return path reads is what the webhook got.
	delivered := hook.received()[0]
	want := paid.CompletedEvent()
	want.ID, want.Created = delivered.ID, delivered.Created
	if !reflect.DeepEqual(delivered, want) {
		t.Errorf("webhook event %+v\nwant %+v", delivered, want)
	}
	if _, err := c.RetrieveCheckoutSession(t.Context(), "cs_test_nope"); !errors.Is(err, stripe.ErrNotFound) || !errors.Is(err, stripe.ErrInvalidRequest) {
		t.Errorf("unknown session: %v", err)
	}
}

func TestNoWebhooks(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	c.NoWebhooks = true
	paid := mustPay(t, c, mustCreate(t, c, "k1"))
	canceled := mustCreate(t, c, "k2")
	post(t, canceled.URL+"/cancel")
	if _, err := c.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-1", nil); err != nil {
		t.Fatal(err)
	}
	c.WaitDeliveries()
	if got := hook.received(); len(got) != 0 {
		t.Fatalf("%d events delivered with NoWebhooks", len(got))
	}
	if paid.PaymentStatus != "paid" {
		t.Errorf("retrieved %+v, want paid", paid)
	}
	var types []string
	for _, ev := range listAll(t, c, stripe.ListEventsParams{Types: stripe.HandledEventTypes, OldestFirst: true}) {
		types = append(types, ev.Type)
	}
	want := []string{stripe.EventCheckoutCompleted, stripe.EventCheckoutExpired, stripe.EventChargeRefunded}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("events list = %v, want %v", types, want)
	}
	if page := mustPage(t, c.PublicURL+"/test-checkout/"+paid.ID); !strings.Contains(page, "not sent (webhooks are off)") || !strings.Contains(page, "--no-webhooks") {
		t.Errorf("page does not say the events were not sent:\n%s", page)
	}
}

func TestListEvents(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }
	first := mustPay(t, c, mustCreate(t, c, "k1"))
	now = now.Add(time.Minute)
	second := mustPay(t, c, mustCreate(t, c, "k2"))
	now = now.Add(time.Minute)
	if _, err := c.RefundPaymentIntent(t.Context(), first.PaymentIntentID, "refund-1", nil); err != nil {
		t.Fatal(err)
	}

	all := listAll(t, c, stripe.ListEventsParams{})
	if len(all) != 3 || all[0].Type != stripe.EventChargeRefunded || all[1].SessionID != second.ID || all[2].SessionID != first.ID {
		t.Fatalf("newest first = %+v", all)
	}
	since := listAll(t, c, stripe.ListEventsParams{CreatedGTE: now.Add(-time.Minute), Types: []string{stripe.EventCheckoutCompleted}})
	if len(since) != 1 || since[0].SessionID != second.ID {
		t.Errorf("completed since +1m = %+v", since)
	}
	oldest := listAll(t, c, stripe.ListEventsParams{OldestFirst: true})
	if oldest[0].ID != all[2].ID || oldest[2].ID != all[0].ID {
		t.Errorf("oldest first = %v", oldest)
	}
	var errs []error
	for _, err := range c.ListEvents(t.Context(), stripe.ListEventsParams{Types: make([]string, stripe.MaxEventTypes+1)}) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], stripe.ErrInvalidRequest) {
		t.Errorf("too many types: %v", errs)
	}
}

func TestExpireCheckoutSession(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	s := mustCreate(t, c, "k1")
	got, err := c.ExpireCheckoutSession(t.Context(), s.ID, "cancel-1")
	if err != nil || got.Status != stripe.SessionStatusExpired {
		t.Fatalf("expire: %+v, %v", got, err)
	}
	if again, err := c.ExpireCheckoutSession(t.Context(), s.ID, "cancel-1"); err != nil || again.Status != stripe.SessionStatusExpired {
		t.Errorf("same key again: %+v, %v; want the first answer", again, err)
	}
	if again, err := c.ExpireCheckoutSession(t.Context(), s.ID, "cancel-2"); !errors.Is(err, stripe.ErrSessionNotOpen) || again.Status != stripe.SessionStatusExpired {
		t.Errorf("another key: %+v, %v; want ErrSessionNotOpen, expired", again, err)
	}
	c.WaitDeliveries()
	if events := hook.received(); len(events) != 1 || events[0].Type != stripe.EventCheckoutExpired || events[0].SessionID != s.ID {
		t.Errorf("delivered %+v", events)
	}
	if res := post(t, s.URL+"/pay"); res.StatusCode != 409 {
		t.Errorf("pay an expired session: %d", res.StatusCode)
	}

	paid := mustPay(t, c, mustCreate(t, c, "k2"))
	now, err := c.ExpireCheckoutSession(t.Context(), paid.ID, "")
	if !errors.Is(err, stripe.ErrSessionNotOpen) || now.Status != stripe.SessionStatusComplete || now.PaymentIntentID != paid.PaymentIntentID {
		t.Errorf("expire a paid session: %+v, %v", now, err)
	}
	if _, err := c.ExpireCheckoutSession(t.Context(), "cs_test_nope", ""); !errors.Is(err, stripe.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
}

func TestRefundPaymentIntent(t *testing.T) {
	t.Parallel()
	c, hook, _ := setup(t)
	s := mustCreate(t, c, "k1")
	paid := mustPay(t, c, s)

	var wg sync.WaitGroup
	got := make([]stripe.Refund, 2)
	for i := range got {
		wg.Go(func() {
			r, err := c.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-reg_1-1", map[string]string{"registration_id": "reg_1"})
			if err != nil {
				t.Errorf("click %d: %v", i, err)
			}
			got[i] = r
		})
	}
	wg.Wait()
	want := stripe.Refund{ID: got[0].ID, Status: "succeeded", Amount: 3000, Currency: "usd", PaymentIntentID: paid.PaymentIntentID}
	if got[0] != want || got[1] != want || !strings.HasPrefix(want.ID, "re_test_") {
		t.Fatalf("refunds = %+v, want twice %+v", got, want)
	}
	refunds := c.Refunds()
	if len(refunds) != 1 || refunds[0].IdempotencyKey != "refund-reg_1-1" || refunds[0].Metadata["registration_id"] != "reg_1" || refunds[0].SessionID != s.ID {
		t.Fatalf("recorded refunds = %+v", refunds)
	}
	c.WaitDeliveries()
	events := hook.received()
	if len(events) != 2 || events[1].Type != stripe.EventChargeRefunded || !events[1].ChargeRefunded ||
		events[1].ChargeAmountRefunded != 3000 || events[1].PaymentIntent() != paid.PaymentIntentID {
		t.Fatalf("delivered %+v, want completed then one charge.refunded", events)
	}
	if page := mustPage(t, s.URL); !strings.Contains(page, "$30.00 refunded") || !strings.Contains(page, want.ID) {
		t.Errorf("page does not show the refund:\n%s", page)
	}

	if _, err := c.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-reg_1-2", nil); !errors.Is(err, stripe.ErrAlreadyRefunded) {
		t.Errorf("refund again: %v", err)
	}
	if _, err := c.RefundPaymentIntent(t.Context(), "pi_test_nope", "refund-x", nil); !errors.Is(err, stripe.ErrNotFound) {
		t.Errorf("unknown payment intent: %v", err)
	}
	if _, err := c.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "", nil); !errors.Is(err, stripe.ErrInvalidRequest) {
		t.Errorf("no idempotency key: %v", err)
	}
	if n := len(c.Refunds()); n != 1 {
		t.Errorf("%d refunds after the refusals", n)
	}
}
