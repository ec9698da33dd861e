package stripe

import "fmt"

// HandledEventTypes are the event types the application acts on: the ones
// its webhook endpoint should subscribe to, and the types[] of the events
// list that reconciliation reads. Do not modify.
var HandledEventTypes = []string{
	EventCheckoutCompleted,
	EventCheckoutAsyncPaymentSucceeded,
	EventCheckoutAsyncPaymentFailed,
	EventCheckoutExpired,
	EventChargeRefunded,
	EventChargeDisputeCreated,
	EventChargeDisputeClosed,
}

// Statuses of a dispute (Event.DisputeStatus). A dispute.closed event
// carries one of the last four; "lost" means the money went back to the
// card holder.
const (
	DisputeStatusNeedsResponse = "needs_response"
	DisputeStatusUnderReview   = "under_review"
	DisputeStatusWon           = "won"
	DisputeStatusLost          = "lost"
	DisputeStatusWarningClosed = "warning_closed" // an inquiry that never became a dispute
	DisputeStatusPrevented     = "prevented"
)

// ParseEvent decodes an event read from Stripe's API (the events list or an
// event retrieved by id). Such an event comes over an authenticated call, so
// it carries no signature; past that, it is read exactly as ParseWebhook
// reads a webhook body.
//
// Errors: ErrMalformed, with an Event holding whatever could be read.
func ParseEvent(payload []byte) (Event, error) {
	ev, err := decodeEvent(payload)
	if err != nil {
		return ev, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return ev, nil
}

// PaymentIntent returns the PaymentIntent the event is about, whatever its
// kind: a session's, a refunded charge's or a disputed charge's; "" when it
// names none. Refunds and disputes are matched to registrations by it.
func (e Event) PaymentIntent() string {
	switch {
	case e.PaymentIntentID != "":
		return e.PaymentIntentID
	case e.ChargePaymentIntentID != "":
		return e.ChargePaymentIntentID
	}
	return e.DisputePaymentIntentID
}

// readDispute fills the dispute fields of ev from a dispute object.
func readDispute(ev *Event, obj *fields) {
	ev.DisputeID = obj.str("id")
	ev.DisputeChargeID = obj.expandableID("charge")
	ev.DisputePaymentIntentID = obj.expandableID("payment_intent")
	ev.DisputeAmount = obj.int("amount")
	ev.DisputeCurrency = obj.str("currency")
	ev.DisputeStatus = obj.str("status")
	ev.DisputeReason = obj.str("reason")
}
