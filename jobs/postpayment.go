// Package jobs runs basketball-api's side effects as durable River jobs:
// after a registration is paid, the parent's Keycloak login and the
// confirmation email; every other email through its notification record;
// and periodic upkeep such as releasing lapsed seat holds. Jobs are stored
// by the store inside the transaction that made them necessary, and
// retried with backoff until they succeed.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"basketball"
	"basketball/email"
	"basketball/keycloak"
)

// Accounts is what the step needs of Keycloak.
type Accounts interface {
	FindUserByEmail(ctx context.Context, email string) (keycloak.User, error)
	CreateUser(ctx context.Context, u keycloak.NewUser, password string) (string, error)
	ResetPassword(ctx context.Context, userID, password string) error
	ExecuteActionsEmail(ctx context.Context, userID string, actions []string, lifespan time.Duration) error
	LoginURL() string
	ResetPasswordURL() string
}

// Store is what the jobs need of the database.
type Store interface {
	Registration(ctx context.Context, id string) (basketball.Registration, error)
	ClubBySlug(ctx context.Context, slug string) (basketball.Club, error)
	Tryout(ctx context.Context, clubSlug, tryoutID string) (basketball.Tryout, error)
	Notification(ctx context.Context, id string) (basketball.Notification, error)
	NotificationFor(ctx context.Context, regID, kind, key string) (basketball.Notification, error)
	Notifications(ctx context.Context, subjectID string) ([]basketball.Notification, error)
	ClaimNotification(ctx context.Context, id string, d time.Duration) (basketball.Notification, bool, error)
	ReleaseNotification(ctx context.Context, id string) error
	MarkNotificationSent(ctx context.Context, id string) error
	CancelNotification(ctx context.Context, id string) error
	NotificationSendAttempt(ctx context.Context, id string) (int, error)
	MarkNotificationSendAttempt(ctx context.Context, id string, attempt int) error
	MarkAccountCreated(ctx context.Context, id string) error
	UnmarkAccountCreated(ctx context.Context, id string) error
	ClaimAccountInvite(ctx context.Context, id string) (bool, error)
	ReleaseAccountInvite(ctx context.Context, id string) error
}

// Ways a new account reaches the parent (ACCOUNT_DELIVERY).
const (
	// DeliverPassword: the confirmation carries a temporary password.
	DeliverPassword = "password"
	// DeliverInvite: the account is made without a password and Keycloak
	// emails its own set-password link; the confirmation says so.
	DeliverInvite = "invite"
)

// DefaultInviteLifespan is how long Keycloak's set-password link works.
const DefaultInviteLifespan = 72 * time.Hour

// ErrBusy means another run holds the notification's lease; the job
// retries later.
var ErrBusy = errors.New("another run is sending this email")

// DefaultLease bounds how long one run may hold an email before another
// may take over: just over the job timeout, so that after a crash the
// email is free again by the time River rescues the job.
const DefaultLease = 55 * time.Second

// PostPayment is the step run once a registration is paid: make sure the
// parent has a login, then send the confirmation email once. It never
// stores a password: a password exists only in memory between Keycloak and
// the email, and a retry that must re-send a new account's email sets a
// fresh one just before sending.
type PostPayment struct {
	Store     Store
	Accounts  Accounts // nil: provisioning off
	Mailer    email.Sender
	MailFrom  string
	PublicURL string
	Logger    *slog.Logger
	// Delivery is DeliverPassword (the default) or DeliverInvite.
	Delivery string
	// InviteLifespan is the lifespan of Keycloak's set-password link;
	// default DefaultInviteLifespan.
	InviteLifespan time.Duration
	// Lease bounds how long one run may hold the email; default DefaultLease.
	Lease time.Duration
	// NewPassword makes temporary passwords; nil uses keycloak.GeneratePassword.
	NewPassword func() (string, error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Run performs the step for a registration and says what it did: the
// login it made, if any, and whether it sent the confirmation (nothing is
// left to do for a registration not paid or already confirmed). Any error
// means the job must retry.
func (p *PostPayment) Run(ctx context.Context, regID string) (basketball.PostPaymentResult, error) {
	return p.run(ctx, regID, false)
}

// RunInline is Run for the free path's request, whose HTTP answer shows
// the new account's password to whoever sent the form, who may not own the
// email address: an account it creates is marked unverified and must
// confirm the address (VERIFY_EMAIL) and choose a new password
// (UPDATE_PASSWORD) before anyone can use it. With DeliverInvite the
// answer carries no password and the account is made as by Run.
func (p *PostPayment) RunInline(ctx context.Context, regID string) (basketball.PostPaymentResult, error) {
	return p.run(ctx, regID, true)
}

func (p *PostPayment) run(ctx context.Context, regID string, inline bool) (basketball.PostPaymentResult, error) {
	var none basketball.PostPaymentResult
	reg, err := p.Store.Registration(ctx, regID)
	if err != nil || reg.Status != basketball.StatusPaid || reg.ConfirmationSentAt != nil {
		return none, err
	}
	n, err := p.Store.NotificationFor(ctx, regID, basketball.NotifyConfirmation, "")
	if err != nil {
		return none, err
	}
	n, ok, err := p.claim(ctx, n)
	if err != nil || !ok {
		return none, err
	}
	sent := false
	defer func() {
		if !sent {
			if err := p.Store.ReleaseNotification(context.WithoutCancel(ctx), n.ID); err != nil {
				p.logger().Warn("release notification lease", "notification_id", n.ID, "err", err)
			}
		}
	}()
	// Re-read under the lease: a run that finished meanwhile sent the email.
	if reg, err = p.Store.Registration(ctx, regID); err != nil {
		return none, err
	}
	a, err := p.ensureAccount(ctx, reg, inline)
	if err != nil {
		return none, fmt.Errorf("account: %w", err)
	}
	if a.password != nil {
		// A later attempt of an email that an earlier one may have
		// delivered (it died before recording it) says that it replaces
		// that email, whose password is no longer valid.
		last, err := p.Store.NotificationSendAttempt(ctx, n.ID)
		if err != nil {
			return none, err
		}
		a.resent = last > 0 && last < n.Attempts
	}
	msg, err := p.confirmation(ctx, reg, a)
	if err != nil {
		return none, fmt.Errorf("confirmation email: %w", err)
	}
	if err := p.send(ctx, n, msg); err != nil {
		return none, fmt.Errorf("confirmation email: %w", err)
	}
	if err := p.Store.MarkNotificationSent(ctx, n.ID); err != nil {
		return none, err
	}
	sent = true
	p.logger().Info("confirmation sent", "registration_id", regID, "new_account", a.password != nil, "invite", a.invite,
		"existing_account", a.existing, "replaces_earlier", a.resent, "attempt", n.Attempts)
	res := basketball.PostPaymentResult{Account: a.password, Sent: true}
	if a.invite {
		// No password: the answer says so (Keycloak emails the link).
		res.Account = &basketball.Account{Email: a.email, LoginURL: p.Accounts.LoginURL()}
	}
	return res, nil
}

// send hands the email of attempt n.Attempts of a notification to the mail
// server, with that attempt's Message-ID, after recording that the attempt
// began sending.
func (p *PostPayment) send(ctx context.Context, n basketball.Notification, msg email.Message) error {
	msg.ID = messageID(n, msg.From)
	if err := p.Store.MarkNotificationSendAttempt(ctx, n.ID, n.Attempts); err != nil {
		return err
	}
	return p.Mailer.Send(ctx, msg)
}

// claim takes the notification's lease; ok is false (with a nil error)
// when the email went out already, and ErrBusy when another run holds it.
func (p *PostPayment) claim(ctx context.Context, n basketball.Notification) (basketball.Notification, bool, error) {
	if n.Status != "pending" {
		return n, false, nil
	}
	lease := p.Lease
	if lease == 0 {
		lease = DefaultLease
	}
	claimed, ok, err := p.Store.ClaimNotification(ctx, n.ID, lease)
	if err != nil || ok {
		return claimed, ok, err
	}
	if cur, err := p.Store.Notification(ctx, n.ID); err == nil && cur.Status != "pending" {
		return cur, false, nil
	}
	return n, false, ErrBusy
}

// messageID is the email's Message-ID: the same for the same notification
// and attempt, so a mail system can tell a re-sent email from a new one.
func messageID(n basketball.Notification, from string) string {
	domain := "localhost"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = strings.Trim(from[at+1:], "<> ")
	}
	return fmt.Sprintf("%s.%d@%s", n.ID, n.Attempts, domain)
}

func (p *PostPayment) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *PostPayment) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}
