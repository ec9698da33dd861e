package stripetest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"basketball/stripe"
)

// payment is the PaymentIntent and charge of a completed session.
type payment struct {
	intent, charge, session string
	amount                  int64
	currency                string
	refunded                int64
	succeeded               bool // false while a delayed payment is pending
}

// Refund is a refund as the fake recorded it.
type Refund struct {
	ID              string
	PaymentIntentID string
	ChargeID        string
	Amount          int64
	Currency        string
	Status          string // always succeeded
	Metadata        map[string]string
	IdempotencyKey  string // "" for one made from the Dashboard
	FromDashboard   bool
	Created         time.Time
}

// Dispute is a dispute as the fake holds it.
type Dispute struct {
	ID              string
	PaymentIntentID string
	ChargeID        string
	Amount          int64
	Currency        string
	Status          string
	Reason          string
}

// Refunds returns every refund, in the order they were made. Requests
// replayed under an idempotency key made none.
func (s *Server) Refunds() []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.refunds)
	for i := range out {
		out[i].Metadata = maps.Clone(out[i].Metadata)
	}
	return out
}

func (s *Server) createRefund(r *apiRequest) response {
	p := r.params
	var pay *payment
	switch {
	case p.Get("payment_intent") != "":
		if pay = s.payments[p.Get("payment_intent")]; pay == nil {
			return noSuch("payment_intent", p.Get("payment_intent"), "payment_intent")
		}
	case p.Get("charge") != "":
		for _, candidate := range s.payments {
			if candidate.charge == p.Get("charge") {
				pay = candidate
			}
		}
		if pay == nil {
			return noSuch("charge", p.Get("charge"), "charge")
		}
	default:
		return invalidRequest(400, "parameter_missing", "payment_intent", "One of the following params should be provided for this request: payment_intent or charge.")
	}
	var amount int64
	if v := p.Get("amount"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return invalidRequest(400, "parameter_invalid_integer", "amount", "Invalid positive integer: "+v)
		}
		amount = n
	}
	ref, ev, res := s.refund(pay, amount, prefixed(p, "metadata"), r.r.Header.Get("Idempotency-Key"), r.now)
	if ev == nil {
		return res
	}
	s.emitAsync(ev)
	return ok(map[string]any{
		"id": ref.ID, "object": "refund", "amount": ref.Amount, "currency": ref.Currency, "status": ref.Status,
		"payment_intent": ref.PaymentIntentID, "charge": ref.ChargeID, "metadata": nonNil(ref.Metadata),
		"reason": nullIfEmpty(p.Get("reason")), "created": ref.Created.Unix(),
	})
}

// refund refunds amount (0: all that remains) of pay and records
// charge.refunded; on refusal it returns Stripe's answer and no event. A
// refund without idempotency key is one made in the Dashboard: stripe-go
// always sends a key.
func (s *Server) refund(pay *payment, amount int64, metadata map[string]string, key string, now time.Time) (Refund, *event, response) {
	fromDashboard := key == ""
	remaining := pay.amount - pay.refunded
	switch {
	case !pay.succeeded:
		return Refund{}, nil, refused("charge_not_refundable", "", "This PaymentIntent does not have a successful charge to refund.")
	case remaining == 0:
		return Refund{}, nil, refused("charge_already_refunded", "", fmt.Sprintf("Charge %s has already been refunded.", pay.charge))
	case amount > remaining:
		return Refund{}, nil, refused("amount_too_large", "amount", fmt.Sprintf("Refund amount (%d) is greater than unrefunded amount on charge (%d)", amount, remaining))
	case amount == 0:
		amount = remaining
	}
	pay.refunded += amount
	ref := Refund{
		ID: "re_test_" + randomID(), PaymentIntentID: pay.intent, ChargeID: pay.charge, Amount: amount, Currency: pay.currency,
		Status: stripe.RefundStatusSucceeded, Metadata: metadata, IdempotencyKey: key, FromDashboard: fromDashboard, Created: now.UTC(),
	}
	s.refunds = append(s.refunds, ref)
	ev := s.addEvent(stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{
		ChargeID: pay.charge, PaymentIntentID: pay.intent, Amount: pay.amount, AmountRefunded: pay.refunded,
		Currency: pay.currency, Refunded: pay.refunded == pay.amount, Created: now,
	}))
	return ref, ev, response{}
}

// RefundFromDashboard plays staff refunding a payment in the Stripe
// Dashboard: amount (0: all that remains) is refunded, and charge.refunded
// is recorded and delivered as by CompleteSession.
//
// Errors: ErrState (unknown or unpaid PaymentIntent, nothing left to
// refund), or ErrDeliveryFailed.
func (s *Server) RefundFromDashboard(paymentIntentID string, amount int64) (Refund, Event, error) {
	s.mu.Lock()
	pay, ok := s.payments[paymentIntentID]
	if !ok {
		s.mu.Unlock()
		return Refund{}, Event{}, fmt.Errorf("%w: no payment %q", ErrState, paymentIntentID)
	}
	ref, ev, res := s.refund(pay, amount, nil, "", s.now())
	s.mu.Unlock()
	if ev == nil {
		return Refund{}, Event{}, fmt.Errorf("%w: %s", ErrState, res.body)
	}
	return ref, ev.Event, s.emit(ev)
}

// OpenDispute plays the card holder disputing a payment: a dispute of its
// whole amount with status needs_response, and charge.dispute.created
// recorded and delivered as by CompleteSession.
func (s *Server) OpenDispute(paymentIntentID, reason string) (Dispute, Event, error) {
	s.mu.Lock()
	pay, ok := s.payments[paymentIntentID]
	if !ok || !pay.succeeded {
		s.mu.Unlock()
		return Dispute{}, Event{}, fmt.Errorf("%w: no paid payment %q", ErrState, paymentIntentID)
	}
	if reason == "" {
		reason = "fraudulent"
	}
	d := &Dispute{
		ID: "du_test_" + randomID(), PaymentIntentID: pay.intent, ChargeID: pay.charge, Amount: pay.amount,
		Currency: pay.currency, Status: stripe.DisputeStatusNeedsResponse, Reason: reason,
	}
	s.disputes[d.ID] = d
	ev := s.addEvent(disputeEvent(d, stripe.EventChargeDisputeCreated, s.now()))
	s.mu.Unlock()
	return *d, ev.Event, s.emit(ev)
}

// CloseDispute closes a dispute with status (won, lost, warning_closed,
// …): charge.dispute.closed is recorded and delivered as by
// CompleteSession.
func (s *Server) CloseDispute(disputeID, status string) (Event, error) {
	s.mu.Lock()
	d, ok := s.disputes[disputeID]
	if !ok || status == "" {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("%w: no dispute %q, or no status", ErrState, disputeID)
	}
	d.Status = status
	ev := s.addEvent(disputeEvent(d, stripe.EventChargeDisputeClosed, s.now()))
	s.mu.Unlock()
	return ev.Event, s.emit(ev)
}

func disputeEvent(d *Dispute, typ string, now time.Time) []byte {
	return stripe.BuildDisputeEvent(stripe.DisputeEventParams{
		Type: typ, DisputeID: d.ID, ChargeID: d.ChargeID, PaymentIntentID: d.PaymentIntentID, Amount: d.Amount,
		Currency: d.Currency, Status: d.Status, Reason: d.Reason, Created: now,
	})
}
