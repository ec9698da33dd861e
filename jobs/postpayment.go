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
	"net/url"
	"slices"
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
	ClaimNotification(ctx context.Context, id string, d time.Duration) (basketball.Notification, bool, error)
	ReleaseNotification(ctx context.Context, id string) error
	MarkNotificationSent(ctx context.Context, id string) error
	MarkAccountCreated(ctx context.Context, id string) error
}

// RegistrationAttribute is the Keycloak user attribute naming the
// registration whose job created the user: a retry of that job recognises
// its own user even if it crashed before recording it.
const RegistrationAttribute = "basketball_registration_id"

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
	// Lease bounds how long one run may hold the email; default DefaultLease.
	Lease time.Duration
	// NewPassword makes temporary passwords; nil uses keycloak.GeneratePassword.
	NewPassword func() (string, error)
}

// Run performs the step for a registration and says what it did: the
// login it made, if any, and whether it sent the confirmation (nothing is
// left to do for a registration not paid or already confirmed). Any error
// means the job must retry.
func (p *PostPayment) Run(ctx context.Context, regID string) (basketball.PostPaymentResult, error) {
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
	acct, existing, err := p.ensureAccount(ctx, reg)
	if err != nil {
		return none, fmt.Errorf("account: %w", err)
	}
	msg, err := p.Confirmation(ctx, reg, acct, existing)
	if err != nil {
		return none, fmt.Errorf("confirmation email: %w", err)
	}
	msg.ID = messageID(n, msg.From)
	if err := p.Mailer.Send(ctx, msg); err != nil {
		return none, fmt.Errorf("confirmation email: %w", err)
	}
	if err := p.Store.MarkNotificationSent(ctx, n.ID); err != nil {
		return none, err
	}
	sent = true
	p.logger().Info("confirmation sent", "registration_id", regID, "new_account", acct != nil, "existing_account", existing,
		"attempt", n.Attempts)
	return basketball.PostPaymentResult{Account: acct, Sent: true}, nil
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

// ensureAccount finds or creates the parent's login. It returns the
// account with a valid temporary password when this registration created
// it, or existing=true when the parent's login predates this registration.
func (p *PostPayment) ensureAccount(ctx context.Context, reg basketball.Registration) (acct *basketball.Account, existing bool, err error) {
	if p.Accounts == nil {
		return nil, false, nil
	}
	mail := strings.ToLower(reg.ParentEmail)
	u, err := p.Accounts.FindUserByEmail(ctx, mail)
	switch {
	case errors.Is(err, keycloak.ErrNotFound):
		pw, err := p.password()
		if err != nil {
			return nil, false, err
		}
		_, err = p.Accounts.CreateUser(ctx, keycloak.NewUser{
			Email: mail, FirstName: reg.ParentFirstName, LastName: reg.ParentLastName,
			Attributes: map[string][]string{RegistrationAttribute: {reg.ID}},
		}, pw)
		if errors.Is(err, keycloak.ErrUserExists) {
			// A sibling's job made it first: one account per parent.
			return nil, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		if err := p.Store.MarkAccountCreated(ctx, reg.ID); err != nil {
			return nil, false, err
		}
		return &basketball.Account{Email: mail, Password: pw, LoginURL: p.Accounts.LoginURL()}, false, nil
	case err != nil:
		return nil, false, err
	}
	if reg.AccountCreatedAt == nil && !slices.Contains(u.Attributes[RegistrationAttribute], reg.ID) {
		return nil, true, nil
	}
	// This registration made the account, but its email never went out:
	// the password from that run is gone, so issue a fresh one now.
	pw, err := p.password()
	if err != nil {
		return nil, false, err
	}
	if err := p.Accounts.ResetPassword(ctx, u.ID, pw); err != nil {
		return nil, false, err
	}
	if reg.AccountCreatedAt == nil {
		if err := p.Store.MarkAccountCreated(ctx, reg.ID); err != nil {
			return nil, false, err
		}
	}
	return &basketball.Account{Email: mail, Password: pw, LoginURL: p.Accounts.LoginURL()}, false, nil
}

func (p *PostPayment) password() (string, error) {
	if p.NewPassword != nil {
		return p.NewPassword()
	}
	return keycloak.GeneratePassword()
}

// Confirmation renders the confirmation email of a registration; mail
// preview and resends use it too. With existing set (and provisioning on),
// the email points at the login page's password reset instead of carrying
// a password.
func (p *PostPayment) Confirmation(ctx context.Context, reg basketball.Registration, acct *basketball.Account, existing bool) (email.Message, error) {
	club, err := p.Store.ClubBySlug(ctx, reg.ClubSlug)
	if err != nil {
		return email.Message{}, err
	}
	t, err := p.Store.Tryout(ctx, reg.ClubSlug, reg.TryoutID)
	if err != nil {
		return email.Message{}, err
	}
	from := club.EmailFrom
	if from == "" {
		from = p.MailFrom
	}
	// What was actually paid, in its currency (SPEC: a mismatch is shown
	// as Stripe reported it).
	amount, currency := reg.AmountCents, reg.Currency
	if reg.AmountPaidCents != nil {
		amount = *reg.AmountPaidCents
	}
	if reg.PaidCurrency != "" {
		currency = reg.PaidCurrency
	}
	c := email.Confirmation{
		From: from, To: reg.ParentEmail, ParentFirstName: reg.ParentFirstName, ClubName: club.Name,
		PlayerFirstName: reg.PlayerFirstName, PlayerLastName: reg.PlayerLastName, TryoutName: t.Name,
		StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone, Location: t.Location,
		AmountCents: amount, Currency: currency, Method: reg.Method, PromoCode: reg.PromoCode,
		RegistrationURL: strings.TrimRight(p.PublicURL, "/") + "/registrations/" + url.PathEscape(reg.ID),
		Account:         acct,
	}
	if existing && p.Accounts != nil {
		c.ExistingAccount, c.LoginURL, c.ResetURL = true, p.Accounts.LoginURL(), p.Accounts.ResetPasswordURL()
	}
	return email.RenderConfirmation(c)
}

func (p *PostPayment) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}
