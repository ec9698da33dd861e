package stripe

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRefundPaymentIntentSendsAFullRefund(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(http.StatusOK,
		`{"id":"re_1","object":"refund","amount":4500,"currency":"eur","payment_intent":"pi_1","charge":"ch_1","status":"succeeded"}`))

	got, err := b.client.RefundPaymentIntent(t.Context(), "pi_1", "refund-reg_42-1", map[string]string{"registration_id": "reg_42", "reason": "canceled by staff"})
	if err != nil {
		t.Fatalf("RefundPaymentIntent: %v", err)
	}
	want := Refund{ID: "re_1", Status: RefundStatusSucceeded, Amount: 4500, Currency: "eur", PaymentIntentID: "pi_1"}
	if got != want {
		t.Errorf("refund = %+v, want %+v", got, want)
	}
	reqs := b.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/v1/refunds" {
		t.Fatalf("requests = %+v, want one POST /v1/refunds", reqs)
	}
	if k := reqs[0].Header.Get("Idempotency-Key"); k != "refund-reg_42-1" {
		t.Errorf("Idempotency-Key = %q", k)
	}
	// No amount: Stripe refunds what remains, in full.
	wantForm := url.Values{
		"payment_intent":            {"pi_1"},
		"metadata[registration_id]": {"reg_42"},
		"metadata[reason]":          {"canceled by staff"},
	}
	if got := reqs[0].Form.Encode(); got != wantForm.Encode() {
		t.Errorf("form = %s, want %s", got, wantForm.Encode())
	}
}

func TestRefundPaymentIntentErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantKind error
	}{
		{"already refunded", answer(400, stripeError("invalid_request_error", "charge_already_refunded", "Charge ch_1 has already been refunded.")), ErrAlreadyRefunded},
		{"unknown payment intent", answer(400, stripeError("invalid_request_error", "resource_missing", "No such payment_intent: 'pi_x'")), ErrNotFound},
		{"other refusal", answer(400, stripeError("invalid_request_error", "charge_disputed", "Charge ch_1 has been charged back")), ErrInvalidRequest},
		{"500", answer(500, stripeError("api_error", "", "boom")), ErrUnavailable},
		{"429", answer(429, stripeError("invalid_request_error", "rate_limit", "slow down")), ErrUnavailable},
		{"no refund id", answer(200, `{"object":"refund","amount":4500}`), ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, time.Second, tt.handler)
			_, err := b.client.RefundPaymentIntent(t.Context(), "pi_1", "refund-reg_42-1", nil)
			t.Logf("err: %v", err)
			assertKind(t, err, tt.wantKind)
			for _, specific := range []error{ErrAlreadyRefunded, ErrNotFound, ErrSessionNotOpen} {
				if specific != tt.wantKind && errors.Is(err, specific) {
					t.Errorf("err = %v also matches %v", err, specific)
				}
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestRefundPaymentIntentRejectsBadParamsLocally(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, answer(200, `{"id":"re_1"}`))
	_, err := b.client.RefundPaymentIntent(t.Context(), "", "k", nil)
	assertKind(t, err, ErrInvalidRequest)
	_, err = b.client.RefundPaymentIntent(t.Context(), "pi_1", "", nil)
	assertKind(t, err, ErrInvalidRequest)
	if n := len(b.requests()); n != 0 {
		t.Errorf("%d requests reached Stripe", n)
	}
}
