package testcheckout

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"

	"basketball/stripe"
)

// The answers below are the ones stripe.Client gives for the same
// situations at Stripe, so the service cannot tell the two apart.

// RetrieveCheckoutSession reports a session as Stripe would; an unknown id
// is stripe.ErrNotFound.
func (c *Checkout) RetrieveCheckoutSession(ctx context.Context, id string) (stripe.CheckoutSession, error) {
	const op = "retrieve checkout session"
	if err := ctx.Err(); err != nil {
		return stripe.CheckoutSession{}, unavailable(op, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.expireDue(c.now())
	s, ok := c.sessions[id]
	if !ok {
		return stripe.CheckoutSession{}, noSuch(op, "checkout.session", id, 404)
	}
	return s.view(), nil
}

// ExpireCheckoutSession expires an open session so it can no longer be
// paid, and records checkout.session.expired (delivered in the background
// unless NoWebhooks). A session that is not open is stripe.ErrSessionNotOpen,
// returned with the session as it is; a repeated idempotency key gets the
// first answer.
func (c *Checkout) ExpireCheckoutSession(ctx context.Context, id, idempotencyKey string) (stripe.CheckoutSession, error) {
	const op = "expire checkout session"
	if err := ctx.Err(); err != nil {
		return stripe.CheckoutSession{}, unavailable(op, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if v, ok := c.expireKeys[idempotencyKey]; ok && idempotencyKey != "" && v.ID == id {
		return v, nil
	}
	now := c.now()
	c.expireDue(now)
	s, ok := c.sessions[id]
	if !ok {
		return stripe.CheckoutSession{}, noSuch(op, "checkout.session", id, 404)
	}
	if s.status != stripe.SessionStatusOpen {
		return s.view(), &stripe.Error{Op: op, Kind: stripe.ErrSessionNotOpen, StatusCode: 400, Type: "invalid_request_error",
			Detail: fmt.Sprintf("Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of `%s`.", s.status)}
	}
	c.deliverLater(c.expire(s, now))
	if idempotencyKey != "" {
		c.expireKeys[idempotencyKey] = s.view()
	}
	return s.view(), nil
}

// RefundPaymentIntent refunds a paid session in full and records
// charge.refunded (delivered in the background unless NoWebhooks). One
// refund per idempotency key, as at Stripe; a payment already refunded is
// stripe.ErrAlreadyRefunded, an unknown one stripe.ErrNotFound.
func (c *Checkout) RefundPaymentIntent(ctx context.Context, paymentIntentID, idempotencyKey string, md map[string]string) (stripe.Refund, error) {
	const op = "refund payment"
	switch {
	case paymentIntentID == "" || idempotencyKey == "":
		return stripe.Refund{}, &stripe.Error{Op: op, Kind: stripe.ErrInvalidRequest, Detail: "payment intent id and idempotency key are required"}
	case ctx.Err() != nil:
		return stripe.Refund{}, unavailable(op, ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if r, ok := c.refundKeys[idempotencyKey]; ok {
		if r.PaymentIntentID != paymentIntentID {
			return stripe.Refund{}, &stripe.Error{Op: op, Kind: stripe.ErrInvalidRequest, StatusCode: 400, Type: "idempotency_error",
				Detail: "Keys for idempotent requests can only be used with the same parameters they were first used with."}
		}
		return r.Refund, nil
	}
	s, ok := c.byIntent[paymentIntentID]
	if !ok {
		return stripe.Refund{}, noSuch(op, "payment_intent", paymentIntentID, 400)
	}
	remaining := s.params.AmountCents - s.refunded
	if remaining <= 0 {
		return stripe.Refund{}, &stripe.Error{Op: op, Kind: stripe.ErrAlreadyRefunded, StatusCode: 400, Type: "invalid_request_error",
			Code: "charge_already_refunded", Detail: fmt.Sprintf("Charge %s has already been refunded.", s.charge)}
	}
	now := c.now()
	s.refunded += remaining
	r := Refund{
		Refund: stripe.Refund{ID: "re_test_" + newID(), Status: stripe.RefundStatusSucceeded, Amount: remaining,
			Currency: s.view().Currency, PaymentIntentID: paymentIntentID},
		SessionID: s.id, IdempotencyKey: idempotencyKey, Metadata: maps.Clone(md), Created: now.UTC(),
	}
	c.refunds = append(c.refunds, r)
	c.refundKeys[idempotencyKey] = r
	c.deliverLater(c.record(s.id, stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{
		ChargeID: s.charge, PaymentIntentID: paymentIntentID, Amount: s.params.AmountCents, AmountRefunded: s.refunded,
		Currency: r.Currency, Refunded: s.refunded >= s.params.AmountCents, Created: now,
	})))
	return r.Refund, nil
}

// ListEvents lists the events made so far as Stripe's events list does:
// created at or after p.CreatedGTE (whole seconds), of p.Types (nil: all),
// newest first unless p.OldestFirst, each read by stripe.ParseEvent.
func (c *Checkout) ListEvents(ctx context.Context, p stripe.ListEventsParams) iter.Seq2[stripe.Event, error] {
	return func(yield func(stripe.Event, error) bool) {
		if err := p.Validate(); err != nil {
			yield(stripe.Event{}, err)
			return
		}
		if err := ctx.Err(); err != nil {
			yield(stripe.Event{}, unavailable("list events", err))
			return
		}
		c.mu.Lock()
		c.init()
		c.expireDue(c.now())
		var picked [][]byte
		for _, ev := range c.newestFirst() {
			if (p.CreatedGTE.IsZero() || ev.created.Unix() >= p.CreatedGTE.Unix()) && (p.Types == nil || slices.Contains(p.Types, ev.typ)) {
				picked = append(picked, ev.payload)
			}
		}
		c.mu.Unlock()
		if p.OldestFirst {
			slices.Reverse(picked)
		}
		for _, payload := range picked {
			if !yield(stripe.ParseEvent(payload)) {
				return
			}
		}
	}
}

func noSuch(op, object, id string, status int) error {
	return &stripe.Error{Op: op, Kind: stripe.ErrNotFound, StatusCode: status, Type: "invalid_request_error",
		Code: "resource_missing", Detail: fmt.Sprintf("No such %s: '%s'", object, id)}
}

func unavailable(op string, err error) error {
	return &stripe.Error{Op: op, Kind: stripe.ErrUnavailable, Detail: err.Error()}
}
