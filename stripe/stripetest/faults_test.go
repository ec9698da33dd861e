package stripetest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/stripe/stripetest"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	paid := b.mustPaid(t, "reg_1")

	b.fake.FailNext(stripetest.EndpointRetrieveSession, 2, http.StatusInternalServerError)
	for i := range 2 {
		if _, err := b.client.RetrieveCheckoutSession(t.Context(), paid.ID); !errors.Is(err, stripe.ErrUnavailable) {
			t.Errorf("call %d: err = %v, want ErrUnavailable", i, err)
		}
	}
	if _, err := b.client.RetrieveCheckoutSession(t.Context(), paid.ID); err != nil {
		t.Errorf("third call: %v", err)
	}

	b.fake.FailNext(stripetest.EndpointListEvents, 1, http.StatusTooManyRequests)
	var errs []error
	for _, err := range b.client.ListEvents(t.Context(), stripe.ListEventsParams{}) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], stripe.ErrUnavailable) {
		t.Errorf("rate-limited listing yielded %v", errs)
	}
	if len(b.listAll(t, stripe.ListEventsParams{})) != 1 {
		t.Error("the listing after the fault is not whole")
	}
}

// Like Stripe, a 500 is saved under its idempotency key: retrying with the
// same key gets the 500 again, and a new key is needed.
func TestFailedRequestReplayedUnderItsKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	paid := b.mustPaid(t, "reg_1")

	b.fake.FailNext(stripetest.EndpointCreateRefund, 1, http.StatusInternalServerError)
	for i := range 2 {
		if _, err := b.client.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-reg_1-1", nil); !errors.Is(err, stripe.ErrUnavailable) {
			t.Errorf("attempt %d with the first key: err = %v, want the saved 500", i, err)
		}
	}
	if n := len(b.fake.Refunds()); n != 0 {
		t.Fatalf("%d refunds made by failed requests", n)
	}
	if _, err := b.client.RefundPaymentIntent(t.Context(), paid.PaymentIntentID, "refund-reg_1-2", nil); err != nil {
		t.Errorf("a new key: %v", err)
	}

	// A 429 is not saved: the same key works afterwards.
	other := b.mustPaid(t, "reg_2")
	b.fake.FailNext(stripetest.EndpointCreateRefund, 1, http.StatusTooManyRequests)
	if _, err := b.client.RefundPaymentIntent(t.Context(), other.PaymentIntentID, "refund-reg_2-1", nil); !errors.Is(err, stripe.ErrUnavailable) {
		t.Errorf("rate limited: err = %v", err)
	}
	if _, err := b.client.RefundPaymentIntent(t.Context(), other.PaymentIntentID, "refund-reg_2-1", nil); err != nil {
		t.Errorf("same key after a 429: %v", err)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.mustSession(t, "reg_1")
	b.fake.SetLatency(stripetest.EndpointRetrieveSession, time.Minute)
	impatient := mustClient(t, b.fake.URL(), 100*time.Millisecond)
	_, err := impatient.RetrieveCheckoutSession(t.Context(), s.ID)
	if !errors.Is(err, stripe.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	if n := len(b.fake.RequestsTo(stripetest.EndpointRetrieveSession)); n != 0 {
		t.Errorf("%d requests recorded; an abandoned one must not be", n)
	}
	b.fake.SetLatency(stripetest.EndpointRetrieveSession, 0)
	if _, err := impatient.RetrieveCheckoutSession(t.Context(), s.ID); err != nil {
		t.Errorf("without latency: %v", err)
	}
}

func TestRequiresATestKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	live, err := stripe.New(stripe.Config{SecretKey: "sk_live_x", APIURL: b.fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := live.RetrieveCheckoutSession(t.Context(), "cs_test_x"); !errors.Is(err, stripe.ErrUnavailable) {
		t.Errorf("a live key: err = %v, want ErrUnavailable (401)", err)
	}
	if r := b.fake.Requests(); len(r) != 1 || r[0].Status != http.StatusUnauthorized {
		t.Errorf("requests = %+v", r)
	}
}
