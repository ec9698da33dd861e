package stripe

import (
	"context"
	"maps"

	sgo "github.com/stripe/stripe-go/v85"
)

// Statuses of a refund (Refund.Status). A card refund is usually succeeded
// at once; some payment methods leave it pending, and a pending refund can
// still fail later.
const (
	RefundStatusSucceeded      = "succeeded"
	RefundStatusPending        = "pending"
	RefundStatusRequiresAction = "requires_action"
	RefundStatusFailed         = "failed"
	RefundStatusCanceled       = "canceled"
)

// Refund is a refund as Stripe created it.
type Refund struct {
	ID              string
	Status          string // see RefundStatusSucceeded and friends
	Amount          int64  // in the currency's minor unit
	Currency        string
	PaymentIntentID string
}

const opRefund = "refund payment"

// RefundPaymentIntent refunds a PaymentIntent in full. idempotencyKey is
// required: derive it from the registration and the attempt, so that two
// clicks at once make one refund (Stripe answers the second with the
// first's refund). metadata is stored on the refund; nil for none.
//
// Errors are *Error values: ErrAlreadyRefunded when the payment was
// already refunded in full (by an earlier attempt with another key, or from
// the Dashboard), ErrNotFound for a PaymentIntent Stripe does not know,
// else ErrUnavailable or ErrInvalidRequest.
func (c *Client) RefundPaymentIntent(ctx context.Context, paymentIntentID, idempotencyKey string, metadata map[string]string) (Refund, error) {
	switch {
	case paymentIntentID == "":
		return Refund{}, invalidParams(opRefund, "payment intent id is required")
	case idempotencyKey == "":
		return Refund{}, invalidParams(opRefund, "idempotency key is required")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	params := &sgo.RefundCreateParams{PaymentIntent: sgo.String(paymentIntentID)}
	if len(metadata) > 0 {
		params.Metadata = maps.Clone(metadata)
	}
	params.SetIdempotencyKey(idempotencyKey)
	r, err := c.sc.V1Refunds.Create(ctx, params)
	if err != nil {
		return Refund{}, c.wrapErr(opRefund, err)
	}
	if r.ID == "" {
		return Refund{}, &Error{Op: opRefund, Kind: ErrUnavailable, Detail: "response without refund id"}
	}
	out := Refund{ID: r.ID, Status: string(r.Status), Amount: r.Amount, Currency: string(r.Currency), PaymentIntentID: paymentIntentID}
	if r.PaymentIntent != nil && r.PaymentIntent.ID != "" {
		out.PaymentIntentID = r.PaymentIntent.ID
	}
	return out, nil
}
