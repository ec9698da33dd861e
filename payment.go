package basketball

import "strings"

// Stripe event types the service acts on.
const (
	EventCheckoutCompleted     = "checkout.session.completed"
	EventAsyncPaymentSucceeded = "checkout.session.async_payment_succeeded"
	EventAsyncPaymentFailed    = "checkout.session.async_payment_failed"
	EventCheckoutExpired       = "checkout.session.expired"
	EventChargeRefunded        = "charge.refunded"
	EventChargeDisputeCreated  = "charge.dispute.created"
	EventChargeDisputeClosed   = "charge.dispute.closed"
)

// IsDispute reports whether the event is about a dispute.
func (ev PaymentEvent) IsDispute() bool {
	return ev.Type == EventChargeDisputeCreated || ev.Type == EventChargeDisputeClosed
}

// MetadataTypeRegistration marks Checkout Sessions this service made.
const MetadataTypeRegistration = "tryout_registration"

// Paths by which a payment event reaches the service: Stripe's webhook,
// the parent's return to the success URL, or reconciliation with Stripe's
// events list. All three apply events through the same code.
const (
	PathWebhook   = "webhook"
	PathReturn    = "return"
	PathReconcile = "reconcile"
)

// PaymentEvent is what the service needs of a Stripe event. The web layer
// (or reconciliation) fills it from the verified payload; the store decides
// its effect in one transaction with the record that the event was seen.
type PaymentEvent struct {
	ID   string
	Type string

	// From checkout.session.* events.
	MetadataType    string
	RegistrationRef string // metadata.registration_id, as sent; may be junk
	SessionID       string
	PaymentStatus   string
	PaymentIntentID string
	AmountTotal     int64
	HasAmount       bool   // amount_total was present in the event
	Currency        string // lower case; "" when absent

	// From charge.refunded.
	FullyRefunded bool

	// From charge.dispute.*: the dispute's status (lost, won, …).
	DisputeStatus string

	// Malformed says why the event's data could not be read, if it could not.
	Malformed string
}

// Outcomes of a Stripe event, recorded with it and counted in metrics.
const (
	OutcomeDuplicate   = "duplicate"
	OutcomePaid        = "paid"
	OutcomePaidLate    = "paid_late"
	OutcomeAlreadyPaid = "already_paid"
	// OutcomeAlreadyConfirmed: the payment of an already paid registration
	// confirmed again (the webhook after the return page, a duplicate of
	// the same session or payment intent): nothing to do, nothing to warn.
	OutcomeAlreadyConfirmed = "already_confirmed"
	OutcomePaidAfterCancel  = "paid_after_cancel"
	OutcomeAwaitingPayment  = "awaiting_async_payment"
	OutcomePaymentFailed    = "payment_failed"
	OutcomeExpired          = "expired"
	OutcomeHoldLapsed       = "hold_lapsed"
	OutcomeRevived          = "revived"
	OutcomeRefunded         = "refunded"
	OutcomeDisputeLost      = "dispute_lost"
	OutcomeCanceled         = "canceled"
	OutcomeMarkedPaid       = "marked_paid"
	OutcomeIgnoredType      = "ignored_type"
	OutcomeIgnoredMetadata  = "ignored_metadata_type"
	OutcomeMissingMetadata  = "missing_metadata"
	OutcomeMalformed        = "malformed"
	OutcomeUnknownReg       = "unknown_registration"
	OutcomeIgnoredStatus    = "ignored_status"
	OutcomeStaleSession     = "stale_session"
	OutcomePartialRefund    = "partial_refund"
	OutcomeUnknownPayIntent = "unknown_payment_intent"
	// OutcomeAmountMismatch: paid, but not the amount or currency due (or
	// a card registration reported as needing no payment).
	OutcomeAmountMismatch = "amount_mismatch"
	// OutcomeHeldForPayment: a refund or lost dispute for a payment intent
	// no registration has yet; applied when one is paid by it.
	OutcomeHeldForPayment = "held_for_payment"
	OutcomeDisputeCreated = "dispute_created"
	OutcomeDisputeWon     = "dispute_won"
	OutcomeDisputeClosed  = "dispute_closed"
)

// PaymentDue is what a payment event says was paid, set against what was
// due: the amount and currency to record, and whether they differ.
func (ev PaymentEvent) PaymentDue(dueCents int64, dueCurrency string) (amount int64, currency string, mismatch bool) {
	amount, currency = dueCents, dueCurrency
	if ev.HasAmount {
		amount = ev.AmountTotal
	}
	if ev.Currency != "" {
		currency = ev.Currency
	}
	mismatch = amount != dueCents || currency != dueCurrency ||
		(ev.PaymentStatus == "no_payment_required" && dueCents > 0)
	return amount, currency, mismatch
}

// IsSessionEvent reports whether the event is about a Checkout Session.
func (ev PaymentEvent) IsSessionEvent() bool { return strings.HasPrefix(ev.Type, "checkout.session.") }

// SessionTrigger returns the state machine trigger a checkout.session.*
// event carries. When it carries none, skip is the outcome to record and
// detail says why.
func (ev PaymentEvent) SessionTrigger() (trigger, skip, detail string) {
	switch ev.Type {
	case EventCheckoutCompleted:
		switch ev.PaymentStatus {
		case "paid", "no_payment_required":
			return TriggerPaid, "", ""
		case "unpaid":
			return TriggerAwaitingPayment, "", ""
		}
		return "", OutcomeMalformed, "payment_status=" + ev.PaymentStatus
	case EventAsyncPaymentSucceeded:
		return TriggerPaid, "", ""
	case EventAsyncPaymentFailed:
		return TriggerPaymentFailed, "", ""
	case EventCheckoutExpired:
		return TriggerExpired, "", ""
	}
	return "", OutcomeIgnoredType, ""
}

// WarnOutcome reports whether an outcome needs an operator's attention: a
// second payment for one registration, a payment after its seat was
// released or after staff canceled it, money not as due, a refund before
// its payment, any dispute.
func WarnOutcome(outcome string) bool {
	switch outcome {
	case OutcomeAlreadyPaid, OutcomePaidLate, OutcomePaidAfterCancel, OutcomeAmountMismatch, OutcomeHeldForPayment,
		OutcomeDisputeCreated, OutcomeDisputeWon, OutcomeDisputeClosed, OutcomeDisputeLost:
		return true
	}
	return false
}
