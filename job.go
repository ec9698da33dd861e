package basketball

import (
	"errors"
	"time"
)

// Job is background work stored in the same transaction as the change that
// needs it, so it exists if and only if that change was committed. Its
// Kind names the worker that runs it (River's job kind); its fields are
// stored as JSON and never hold a password or personal data.
type Job interface {
	Kind() string
}

// PostPaymentJob gives a paid registration's parent a login and sends the
// confirmation email that carries it. One per registration.
type PostPaymentJob struct {
	RegistrationID string `json:"registration_id"`
}

// Kind implements Job.
func (PostPaymentJob) Kind() string { return "post_payment" }

// NotifyJob sends one notification (an email of some kind) once.
type NotifyJob struct {
	NotificationID string `json:"notification_id"`
}

// Kind implements Job.
func (NotifyJob) Kind() string { return "notify" }

// Kinds of notification: each is an email template and a row per
// registration (and dedupe key) in the notifications table.
const (
	NotifyConfirmation = "confirmation"
	// NotifyCancellation: staff canceled (or refunded) the registration;
	// data is a CancellationData.
	NotifyCancellation = "cancellation"
	// NotifyReminder is the email REMINDER_BEFORE ahead of the tryout,
	// once per registration (dedupe key "").
	NotifyReminder = "reminder"
	// NotifyTryoutChanged tells a paid registration's parent that staff
	// moved the tryout or changed its location. Its dedupe key is the
	// tryout's change counter (a decimal number that grows with each
	// change; the calendar event's SEQUENCE), its data a TryoutChange.
	NotifyTryoutChanged = "tryout_changed"
)

// TryoutChange is the data of a tryout_changed notification: the tryout's
// time and location before and after the change (times in RFC 3339).
type TryoutChange struct {
	OldStartsAt time.Time `json:"old_starts_at"`
	OldEndsAt   time.Time `json:"old_ends_at"`
	OldLocation string    `json:"old_location"`
	NewStartsAt time.Time `json:"new_starts_at"`
	NewEndsAt   time.Time `json:"new_ends_at"`
	NewLocation string    `json:"new_location"`
}

// Notification is one email sent exactly once about a subject: a
// registration (reg_…) or a waitlist entry.
type Notification struct {
	ID        string
	SubjectID string
	Kind      string
	// DedupeKey tells apart emails of one kind meant to go out more than
	// once (a resend, a change notice per change); "" for the first.
	DedupeKey string
	// Data is what the template needs beyond the subject (JSON, e.g. a
	// tryout's old time); never a secret.
	Data      string
	Status    string // pending, sent or canceled
	Attempts  int
	CreatedAt time.Time
	SentAt    *time.Time
}

// CreateOptions tune how a registration is stored.
type CreateOptions struct {
	// CardEnabled says card payment is possible. When it is not, a
	// registration with an amount due fails with EPaymentsNotConfigured
	// and nothing is written.
	CardEnabled bool
	// JobDelay postpones the post-payment job of a free registration, so
	// the request that runs the same step inline does not race it.
	JobDelay time.Duration
}

// ErrCheckoutBusy means another request is creating this registration's
// Checkout Session right now; ask again shortly and it will be handed out.
var ErrCheckoutBusy = errors.New("a checkout session is being created for this registration")
