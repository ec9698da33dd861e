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
	// NotifyTryoutChanged: staff moved the tryout or changed its location;
	// one per paid registration and change (dedupe key "change-N"), data
	// is a TryoutChangedData.
	NotifyTryoutChanged = "tryout_changed"
)

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
