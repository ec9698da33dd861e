// Package jobs runs basketball-api's side effects as durable River jobs:
// after a registration is paid, the parent's Keycloak login and the
// confirmation email. Jobs are enqueued by the store inside the transaction
// that marks the registration paid, and retried with backoff until they
// succeed.
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
}

// Store is what the step needs of the database.
type Store interface {
	Registration(ctx context.Context, id string) (basketball.Registration, error)
	ClubBySlug(ctx context.Context, slug string) (basketball.Club, error)
	Tryout(ctx context.Context, clubSlug, tryoutID string) (basketball.Tryout, error)
	ClaimPostPayment(ctx context.Context, id string, d time.Duration) (bool, error)
	ReleasePostPayment(ctx context.Context, id string) error
	MarkAccountCreated(ctx context.Context, id string) error
	MarkConfirmationSent(ctx context.Context, id string) error
}

// RegistrationAttribute is the Keycloak user attribute naming the
// registration whose job created the user: a retry of that job recognises
// its own user even if it crashed before recording it.
const RegistrationAttribute = "basketball_registration_id"

// ErrBusy means another run holds the registration's lease; the job
// retries later.
var ErrBusy = errors.New("post-payment step already running for this registration")

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
	// Lease bounds how long one run may hold the registration.
	Lease time.Duration
	// NewPassword makes temporary passwords; nil uses keycloak.GeneratePassword.
	NewPassword func() (string, error)
}

// Account is a login this run created or re-issued, with its temporary
// password.
type Account struct {
	Email    string
	Password string
	LoginURL string
}

// LogValue keeps the password out of logs.
func (a Account) LogValue() slog.Value { return slog.StringValue(a.Email) }

// Run performs the step for a registration. It returns the login when this
// run made one and delivered its email, nil when there was nothing to give
// (the parent already had a login, provisioning is off, or the work was
// done before). Any error means the job must retry.
func (p *PostPayment) Run(ctx context.Context, regID string) (*Account, error) {
	reg, err := p.Store.Registration(ctx, regID)
	if err != nil {
		return nil, err
	}
	if reg.Status != basketball.StatusPaid || reg.ConfirmationSentAt != nil {
		return nil, nil
	}
	lease := p.Lease
	if lease == 0 {
		lease = 2 * time.Minute
	}
	ok, err := p.Store.ClaimPostPayment(ctx, regID, lease)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBusy
	}
	defer func() {
		if err := p.Store.ReleasePostPayment(context.WithoutCancel(ctx), regID); err != nil {
			p.logger().Warn("release post-payment lease", "registration_id", regID, "err", err)
		}
	}()
	// Re-read under the lease: a run that finished meanwhile sent the email.
	if reg, err = p.Store.Registration(ctx, regID); err != nil {
		return nil, err
	}
	if reg.ConfirmationSentAt != nil {
		return nil, nil
	}
	acct, existing, err := p.ensureAccount(ctx, reg)
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	if err := p.sendConfirmation(ctx, reg, acct, existing); err != nil {
		return nil, fmt.Errorf("confirmation email: %w", err)
	}
	if err := p.Store.MarkConfirmationSent(ctx, regID); err != nil {
		return nil, err
	}
	p.logger().Info("confirmation sent", "registration_id", regID, "new_account", acct != nil, "existing_account", existing)
	return acct, nil
}

// ensureAccount finds or creates the parent's login. It returns the
// account with a valid temporary password when this registration created
// it, or existing=true when the parent's login predates this registration.
func (p *PostPayment) ensureAccount(ctx context.Context, reg basketball.Registration) (acct *Account, existing bool, err error) {
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
		return &Account{Email: mail, Password: pw, LoginURL: p.Accounts.LoginURL()}, false, nil
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
	return &Account{Email: mail, Password: pw, LoginURL: p.Accounts.LoginURL()}, false, nil
}

func (p *PostPayment) password() (string, error) {
	if p.NewPassword != nil {
		return p.NewPassword()
	}
	return keycloak.GeneratePassword()
}

func (p *PostPayment) sendConfirmation(ctx context.Context, reg basketball.Registration, acct *Account, existing bool) error {
	msg, err := p.Confirmation(ctx, reg, acct, existing)
	if err != nil {
		return err
	}
	return p.Mailer.Send(ctx, msg)
}

// Confirmation renders the confirmation email of a registration; mail
// preview uses it too.
func (p *PostPayment) Confirmation(ctx context.Context, reg basketball.Registration, acct *Account, existing bool) (email.Message, error) {
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
	amount := reg.AmountCents
	if reg.AmountPaidCents != nil {
		amount = *reg.AmountPaidCents
	}
	c := email.Confirmation{
		From: from, To: reg.ParentEmail, ParentFirstName: reg.ParentFirstName, ClubName: club.Name,
		PlayerFirstName: reg.PlayerFirstName, PlayerLastName: reg.PlayerLastName, TryoutName: t.Name,
		StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone, Location: t.Location,
		AmountCents: amount, Currency: reg.Currency, Method: reg.Method,
		RegistrationURL: strings.TrimRight(p.PublicURL, "/") + "/registrations/" + url.PathEscape(reg.ID),
	}
	if acct != nil {
		c.Account = &email.Account{Email: acct.Email, Password: acct.Password, LoginURL: acct.LoginURL}
	}
	if existing && p.Accounts != nil {
		c.ExistingAccount, c.LoginURL = true, p.Accounts.LoginURL()
	}
	return email.RenderConfirmation(c)
}

func (p *PostPayment) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}
