package stripe

import (
	"context"
	"errors"
	"time"

	sgo "github.com/stripe/stripe-go/v85"
)

// DefaultRetrieveTimeout bounds RetrieveCheckoutSession when
// Config.RetrieveTimeout is zero: a parent's page waits on it.
const DefaultRetrieveTimeout = 5 * time.Second

// Statuses of a Checkout Session (CheckoutSession.Status).
const (
	SessionStatusOpen     = "open"
	SessionStatusComplete = "complete"
	SessionStatusExpired  = "expired"
)

// Payment statuses of a Checkout Session (CheckoutSession.PaymentStatus and
// Event.PaymentStatus).
const (
	PaymentStatusPaid              = "paid"
	PaymentStatusUnpaid            = "unpaid"
	PaymentStatusNoPaymentRequired = "no_payment_required"
)

// CheckoutSession is a Checkout Session as Stripe reports it now. Its fields
// are read by the same code, with the same names, as the checkout fields of
// an [Event].
type CheckoutSession struct {
	ID                string
	Status            string // open, complete or expired
	PaymentStatus     string // paid, unpaid or no_payment_required
	PaymentIntentID   string // "" until the session is paid or being paid
	AmountTotal       int64
	HasAmountTotal    bool // amount_total was present and not null
	Currency          string
	Metadata          map[string]string // nil when absent or null
	ClientReferenceID string
	ExpiresAt         time.Time // zero when Stripe did not say
}

// CompletedEvent returns what a checkout.session.completed event for this
// session would carry, for applying a payment confirmed on the parent's
// return through the webhook's code. It has no event ID or Created time:
// it was not an event.
func (s CheckoutSession) CompletedEvent() Event {
	return Event{
		Type:              EventCheckoutCompleted,
		SessionID:         s.ID,
		PaymentStatus:     s.PaymentStatus,
		PaymentIntentID:   s.PaymentIntentID,
		ClientReferenceID: s.ClientReferenceID,
		Currency:          s.Currency,
		AmountTotal:       s.AmountTotal,
		HasAmountTotal:    s.HasAmountTotal,
		Metadata:          s.Metadata,
	}
}

// readSession reads a checkout.session object, from an event's data.object
// or from an API answer.
func readSession(obj *fields) CheckoutSession {
	s := CheckoutSession{
		ID:                obj.str("id"),
		Status:            obj.str("status"),
		PaymentStatus:     obj.str("payment_status"),
		PaymentIntentID:   obj.expandableID("payment_intent"),
		Currency:          obj.str("currency"),
		Metadata:          obj.strMap("metadata"),
		ClientReferenceID: obj.str("client_reference_id"),
	}
	s.AmountTotal, s.HasAmountTotal = obj.intPresent("amount_total")
	if exp := obj.int("expires_at"); exp != 0 {
		s.ExpiresAt = time.Unix(exp, 0).UTC()
	}
	return s
}

const (
	opRetrieveSession = "retrieve checkout session"
	opExpireSession   = "expire checkout session"
)

// RetrieveCheckoutSession reads a Checkout Session from Stripe, bounded by
// Config.RetrieveTimeout (5 s by default) since a parent's page waits on
// it. Errors are *Error values: ErrNotFound for an id Stripe does not know,
// else ErrUnavailable or ErrInvalidRequest.
func (c *Client) RetrieveCheckoutSession(ctx context.Context, id string) (CheckoutSession, error) {
	if id == "" {
		return CheckoutSession{}, invalidParams(opRetrieveSession, "session id is required")
	}
	ctx, cancel := context.WithTimeout(ctx, c.retrieveTimeout)
	defer cancel()
	return c.retrieveSession(ctx, id)
}

func (c *Client) retrieveSession(ctx context.Context, id string) (CheckoutSession, error) {
	s, err := c.sc.V1CheckoutSessions.Retrieve(ctx, id, nil)
	if err != nil {
		return CheckoutSession{}, c.wrapErr(opRetrieveSession, err)
	}
	return sessionFromAnswer(opRetrieveSession, s)
}

// sessionFromAnswer reads the raw JSON of an answer with readSession, so a
// retrieved session and an event's session are read by the same code.
func sessionFromAnswer(op string, s *sgo.CheckoutSession) (CheckoutSession, error) {
	if s.LastResponse == nil || len(s.LastResponse.RawJSON) == 0 {
		return CheckoutSession{}, &Error{Op: op, Kind: ErrUnavailable, Detail: "empty response"}
	}
	f := readFields(s.LastResponse.RawJSON)
	out := readSession(f)
	if err := f.err(); err != nil || out.ID == "" {
		return CheckoutSession{}, &Error{Op: op, Kind: ErrUnavailable, Detail: "response is not a checkout session"}
	}
	return out, nil
}

// ExpireCheckoutSession expires an open Checkout Session so that it can no
// longer be paid, and returns it as Stripe reports it afterwards (status
// expired). idempotencyKey may be empty (stripe-go then makes one for its
// own retry): expiring twice is harmless.
//
// A session that is no longer open gives ErrSessionNotOpen, together with
// the session as it is now, retrieved: Status "expired" (nothing to do) or
// "complete" (the parent paid, or is paying by a delayed method: the money
// is, or may be, taken). Stripe answers 400 invalid_request_error ("Only
// Checkout Sessions with a status in ["open"] can be expired") without a
// specific code, so the status is read back rather than the message parsed.
// Other errors are *Error values as for the other calls (ErrNotFound for an
// unknown id).
func (c *Client) ExpireCheckoutSession(ctx context.Context, id, idempotencyKey string) (CheckoutSession, error) {
	if id == "" {
		return CheckoutSession{}, invalidParams(opExpireSession, "session id is required")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	params := &sgo.CheckoutSessionExpireParams{}
	if idempotencyKey != "" {
		params.SetIdempotencyKey(idempotencyKey)
	}
	s, err := c.sc.V1CheckoutSessions.Expire(ctx, id, params)
	if err == nil {
		return sessionFromAnswer(opExpireSession, s)
	}
	wrapped := c.wrapErr(opExpireSession, err)
	var se *Error
	if !errors.As(wrapped, &se) || se.Kind != ErrInvalidRequest || se.StatusCode != 400 {
		return CheckoutSession{}, wrapped
	}
	now, rerr := c.retrieveSession(ctx, id)
	if rerr != nil || now.Status == SessionStatusOpen {
		// Refused for another reason, or we cannot tell: report the refusal.
		return CheckoutSession{}, wrapped
	}
	se.Kind = ErrSessionNotOpen
	return now, se
}
