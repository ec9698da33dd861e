package basketball

import (
	"errors"
	"strings"
	"time"
)

// This file is the domain of the club's admin area: what staff ask for
// (cancel, mark paid, …), who did it (Actor) and the audit log that
// remembers every action.

// Actor is who did a staff action: the identity provider's subject and
// email of a signed-in person, or the command line ("cli").
type Actor struct {
	Subject string `json:"subject"`
	Email   string `json:"email"`
}

// CLIActor is the actor of actions taken with the command line on the
// server.
var CLIActor = Actor{Subject: "cli"}

// ActorOf returns the actor of a signed-in staff member.
func ActorOf(s Staff) Actor { return Actor{Subject: s.Subject, Email: s.Email} }

// String names the actor for people: "coach@tigers.example (sub-123)".
func (a Actor) String() string {
	if a.Email == "" {
		return a.Subject
	}
	return a.Email + " (" + a.Subject + ")"
}

// Audit actions, as stored in the audit log.
const (
	ActionCancel       = "registration.cancel"
	ActionRefund       = "registration.refund"
	ActionMarkPaid     = "registration.mark_paid"
	ActionResend       = "registration.resend_confirmation"
	ActionTryoutCreate = "tryout.create"
	ActionTryoutUpdate = "tryout.update"
	ActionPromoCreate  = "promo_code.create"
	ActionPromoUpdate  = "promo_code.update"
)

// AuditEntry is one staff action: who, what, on what (a registration,
// tryout or promo code id) and when. Detail says the rest in words.
type AuditEntry struct {
	ID     string    `json:"-"`
	ClubID string    `json:"-"`
	At     time.Time `json:"at"`
	Actor  Actor     `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}

// Page is one page of a newest-first listing: Next is the opaque cursor
// of the page after it, "" on the last page.
type Page[T any] struct {
	Items []T
	Next  string
}

// Listing limits: the default page size and the largest a client may ask.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// PageSize checks a requested page size: 0 means the default.
func PageSize(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 1 || n > MaxPageSize:
		return 0, &Error{Code: EInvalid, Message: "limit must be between 1 and 200",
			Fields: map[string]string{"limit": "must be between 1 and 200"}}
	}
	return n, nil
}

// RegistrationFilter selects a club's registrations for staff: by status,
// tryout, and a search Q in the parent's email and the parent's and
// player's names (any letter case). Cursor continues a listing.
type RegistrationFilter struct {
	Status   string
	TryoutID string
	Q        string
	Limit    int
	Cursor   string
}

// Validate checks the filter and fills the default page size.
func (f *RegistrationFilter) Validate() error {
	fields := map[string]string{}
	f.Status, f.TryoutID, f.Q = strings.TrimSpace(f.Status), strings.TrimSpace(f.TryoutID), strings.TrimSpace(f.Q)
	if f.Status != "" && !ValidStatus(f.Status) {
		fields["status"] = "must be one of " + strings.Join(Statuses, ", ")
	}
	if len([]rune(f.Q)) > 200 {
		fields["q"] = "is too long"
	}
	checkText(fields, "q", f.Q)
	checkText(fields, "tryout_id", f.TryoutID)
	n, err := PageSize(f.Limit)
	if err != nil {
		fields["limit"] = "must be between 1 and 200"
	}
	f.Limit = n
	return fieldErrors(fields)
}

// TimelineEntry is one thing that happened to a registration, for staff.
type TimelineEntry struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
}

// Kinds of timeline entries.
const (
	TimelineCreated         = "created"
	TimelineCheckoutSession = "checkout_session"
	TimelineStripeEvent     = "stripe_event"
	TimelineAccountCreated  = "account_created"
	TimelineEmail           = "email"
	TimelineStaffAction     = "staff_action"
)

// CancelRequest is staff canceling a registration: a pending one is
// canceled (its Checkout Session expired first), a paid one refunded in
// full through Stripe (Refund) or canceled without refund.
type CancelRequest struct {
	Refund bool   `json:"refund"`
	Reason string `json:"reason"`
}

// Validate checks the request.
func (r *CancelRequest) Validate() error {
	r.Reason = strings.TrimSpace(r.Reason)
	f := map[string]string{}
	if len([]rune(r.Reason)) > 500 {
		f["reason"] = "is too long (500 characters at most)"
	}
	checkText(f, "reason", r.Reason)
	return fieldErrors(f)
}

// Offline payment methods staff record (the registration's method is then
// MethodOffline).
const (
	OfflineCash  = "cash"
	OfflineCheck = "check"
	OfflineOther = "other"
)

// MarkPaidRequest is staff recording a payment made outside Stripe.
type MarkPaidRequest struct {
	Method string `json:"method"`
	Note   string `json:"note"`
}

// Validate checks the request.
func (r *MarkPaidRequest) Validate() error {
	r.Method, r.Note = strings.TrimSpace(r.Method), strings.TrimSpace(r.Note)
	f := map[string]string{}
	switch r.Method {
	case OfflineCash, OfflineCheck, OfflineOther:
	case "":
		f["method"] = "is required: cash, check or other"
	default:
		f["method"] = "must be cash, check or other"
	}
	if len([]rune(r.Note)) > 500 {
		f["note"] = "is too long (500 characters at most)"
	}
	checkText(f, "note", r.Note)
	checkText(f, "method", r.Method)
	return fieldErrors(f)
}

// CancellationData is what a cancellation email says beyond its
// registration (the notification's data, as JSON).
type CancellationData struct {
	// StatusBefore is what was canceled: pending (nothing was paid) or
	// paid.
	StatusBefore string `json:"status_before"`
	Refunded     bool   `json:"refunded"`
	RefundCents  int64  `json:"refund_cents"`
	Currency     string `json:"currency"`
}

// TryoutStats is a tryout as the club's dashboard shows it.
type TryoutStats struct {
	Tryout
	Paid    int `json:"paid"`
	Pending int `json:"pending"`
	// RevenueCents is what the paid registrations paid, in the tryout's
	// currency.
	RevenueCents int64 `json:"revenue_cents"`
}

// ErrStaffBusy means another staff action on the registration is under
// way (a refund being made at Stripe); wait for it and look again.
var ErrStaffBusy = errors.New("another staff action on this registration is under way")

// StaffLease is a staff action's hold on a registration while it talks to
// Stripe: no other staff action (and no new checkout) starts until it
// ends. RefundAttempt numbers this action's refund, part of its Stripe
// idempotency key.
type StaffLease struct {
	RegistrationID string
	Until          time.Time
	RefundAttempt  int
}

// Cancellation is a staff cancellation as the store records it: the
// registration was From (pending or paid) when staff decided; Refund is
// the refund made at Stripe, nil for a cancellation without refund.
type Cancellation struct {
	RegistrationID string
	From           string
	Refund         *RefundMade
}

// RefundMade is a refund Stripe made (ID "" when Stripe said the payment
// was refunded already).
type RefundMade struct {
	ID          string
	AmountCents int64
	Currency    string
}
