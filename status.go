package basketball

import "fmt"

// This file is the registration state machine: the statuses a registration
// can have, what moves it from one to another, and which statuses hold a
// seat. The store builds its SQL from these tables and applies every status
// change through one function that reads them; nothing else decides.
//
// Which statuses hold a seat? pending and paid (HoldsSeat). A seat held by a
// registration also holds the promo code use it took, so a code's uses
// always equal the registrations holding a seat with it.
//
// What frees a seat? Every transition from pending or paid to any other
// status: the Checkout Session expired (TriggerExpired), its hold lapsed
// without word from Stripe (TriggerHoldLapsed), the payment failed
// (TriggerPaymentFailed), staff canceled it (TriggerCanceled), it was
// refunded in full (TriggerRefunded) or a dispute was lost
// (TriggerDisputeLost). Each freed seat is an event the waitlist hooks into.

// Registration statuses.
const (
	StatusPending       = "pending"
	StatusPaid          = "paid"
	StatusExpired       = "expired"
	StatusPaymentFailed = "payment_failed"
	StatusRefunded      = "refunded"
	StatusCanceled      = "canceled"
)

// Statuses lists every registration status, in the order they are usually
// reached. The migrations' CHECK constraints list exactly these (a test
// holds them to it).
var Statuses = []string{StatusPending, StatusPaid, StatusExpired, StatusPaymentFailed, StatusRefunded, StatusCanceled}

// seatHolding are the statuses whose registrations hold a seat of their
// tryout and the promo code use they took.
var seatHolding = map[string]bool{StatusPending: true, StatusPaid: true}

// HoldsSeat reports whether a registration in status holds a seat (and its
// promo code use). A pending registration whose hold has lapsed still holds
// it until the hold sweeper (or the next registration that needs the seat)
// moves it to expired.
func HoldsSeat(status string) bool { return seatHolding[status] }

// SeatHoldingStatuses lists the statuses that hold a seat, in Statuses order.
func SeatHoldingStatuses() []string {
	var out []string
	for _, s := range Statuses {
		if seatHolding[s] {
			out = append(out, s)
		}
	}
	return out
}

// ValidStatus reports whether s is one of the registration statuses.
func ValidStatus(s string) bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Triggers: what can happen to a registration. Each comes from one place:
// Stripe (through the webhook, the return page or reconciliation), the hold
// sweeper, the parent, or club staff.
const (
	// TriggerPaid: Stripe reports the money taken (checkout completed with
	// payment_status paid or no_payment_required, or async payment
	// succeeded).
	TriggerPaid = "paid"
	// TriggerAwaitingPayment: the checkout completed with a delayed payment
	// method; Stripe has yet to say whether the money arrived.
	TriggerAwaitingPayment = "awaiting_payment"
	// TriggerPaymentFailed: the delayed payment failed.
	TriggerPaymentFailed = "payment_failed"
	// TriggerExpired: the Checkout Session expired unpaid.
	TriggerExpired = "expired"
	// TriggerHoldLapsed: the seat hold ran out with no word from Stripe, or
	// a waitlist offer ran out or was declined.
	TriggerHoldLapsed = "hold_lapsed"
	// TriggerPayAgain: the parent pays an expired registration again.
	TriggerPayAgain = "pay_again"
	// TriggerRefunded: the payment was refunded in full (by staff here or
	// in Stripe's Dashboard).
	TriggerRefunded = "refunded"
	// TriggerDisputeLost: the bank took the money back.
	TriggerDisputeLost = "dispute_lost"
	// TriggerCanceled: staff canceled the registration without a refund.
	TriggerCanceled = "canceled"
	// TriggerMarkedPaid: staff recorded a cash, check or other payment.
	TriggerMarkedPaid = "marked_paid"
)

// Triggers lists every trigger.
var Triggers = []string{TriggerPaid, TriggerAwaitingPayment, TriggerPaymentFailed, TriggerExpired, TriggerHoldLapsed,
	TriggerPayAgain, TriggerRefunded, TriggerDisputeLost, TriggerCanceled, TriggerMarkedPaid}

// Transition is one row of the state machine: in status From, trigger
// Trigger moves a registration to To, and the event that caused it is
// recorded with Outcome. From == To means the trigger is recognised but
// changes no status.
type Transition struct {
	From, Trigger, To string
	Outcome           string
	// OverCapacity lets a transition that takes a seat do so even when the
	// tryout is full: the money was already taken, so the registration is
	// paid and staff see the tryout one over.
	OverCapacity bool
}

// TakesSeat reports whether the transition makes the registration hold a
// seat (and a promo code use) it did not hold.
func (t Transition) TakesSeat() bool { return !HoldsSeat(t.From) && HoldsSeat(t.To) }

// FreesSeat reports whether the transition gives a seat (and a promo code
// use) back.
func (t Transition) FreesSeat() bool { return HoldsSeat(t.From) && !HoldsSeat(t.To) }

// transitions is the state machine. A (status, trigger) pair not listed
// changes nothing and is recorded as OutcomeIgnoredStatus.
var transitions = []Transition{
	{StatusPending, TriggerPaid, StatusPaid, OutcomePaid, false},
	{StatusExpired, TriggerPaid, StatusPaid, OutcomePaidLate, true},
	{StatusPaymentFailed, TriggerPaid, StatusPaid, OutcomePaidLate, true},
	{StatusPaid, TriggerPaid, StatusPaid, OutcomeAlreadyPaid, false},
	// Staff canceled it, then the money arrived (the parent paid just
	// before the session was expired): kept canceled, staff must refund.
	{StatusCanceled, TriggerPaid, StatusCanceled, OutcomePaidAfterCancel, false},

	{StatusPending, TriggerAwaitingPayment, StatusPending, OutcomeAwaitingPayment, false},
	{StatusPending, TriggerPaymentFailed, StatusPaymentFailed, OutcomePaymentFailed, false},
	{StatusPending, TriggerExpired, StatusExpired, OutcomeExpired, false},
	{StatusPending, TriggerHoldLapsed, StatusExpired, OutcomeHoldLapsed, false},
	{StatusExpired, TriggerPayAgain, StatusPending, OutcomeRevived, false},

	{StatusPaid, TriggerRefunded, StatusRefunded, OutcomeRefunded, false},
	{StatusPaid, TriggerDisputeLost, StatusRefunded, OutcomeDisputeLost, false},
	{StatusPending, TriggerCanceled, StatusCanceled, OutcomeCanceled, false},
	{StatusPaid, TriggerCanceled, StatusCanceled, OutcomeCanceled, false},

	{StatusPending, TriggerMarkedPaid, StatusPaid, OutcomeMarkedPaid, false},
	{StatusExpired, TriggerMarkedPaid, StatusPaid, OutcomeMarkedPaid, false},
}

var transitionIndex = func() map[[2]string]Transition {
	m := map[[2]string]Transition{}
	for _, t := range transitions {
		k := [2]string{t.From, t.Trigger}
		if _, dup := m[k]; dup {
			panic(fmt.Sprintf("basketball: two transitions from %s on %s", t.From, t.Trigger))
		}
		m[k] = t
	}
	return m
}()

// Next returns the transition a trigger makes from status, and false when
// the pair is not in the state machine (nothing changes).
func Next(status, trigger string) (Transition, bool) {
	t, ok := transitionIndex[[2]string{status, trigger}]
	return t, ok
}

// Transitions returns a copy of the state machine's rows.
func Transitions() []Transition { return append([]Transition(nil), transitions...) }

// CanPayAgain reports whether a parent may try to pay a registration in
// status (the checkout decides whether a seat is still free).
func CanPayAgain(status string) bool {
	if status == StatusPending {
		return true
	}
	_, ok := Next(status, TriggerPayAgain)
	return ok
}
