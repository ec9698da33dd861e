package jobs

import (
	"context"
	"errors"
	"slices"
	"strings"

	"basketball"
	"basketball/keycloak"
)

// accountOutcome is what ensureAccount did, for the confirmation email.
type accountOutcome struct {
	email string
	// password is the login this registration created (or re-issued),
	// with its temporary password (DeliverPassword).
	password *basketball.Account
	// verifyEmail: that account must confirm its address first.
	verifyEmail bool
	// invite: this registration created the login and Keycloak emails
	// its set-password link (DeliverInvite).
	invite bool
	// existing: the parent's login predates this registration.
	existing bool
	// resent: an earlier attempt may have delivered an email whose
	// password this one replaces.
	resent bool
}

// ensureAccount finds or creates the parent's login and says what the
// confirmation must tell. Which registration made a login is recorded in
// our database before the user is created (account_created_at, taken back
// when Keycloak answers that the user exists), never in a Keycloak user
// attribute, which Keycloak 24+ drops unless declared: a retry after any
// crash knows whether the login is this registration's to hand out.
func (p *PostPayment) ensureAccount(ctx context.Context, reg basketball.Registration, inline bool) (accountOutcome, error) {
	mail := strings.ToLower(reg.ParentEmail)
	out := accountOutcome{email: mail}
	if p.Accounts == nil {
		return out, nil
	}
	invite := p.Delivery == DeliverInvite
	u, err := p.Accounts.FindUserByEmail(ctx, mail)
	switch {
	case errors.Is(err, keycloak.ErrNotFound):
		return p.createAccount(ctx, reg, mail, inline, invite)
	case err != nil:
		return out, err
	}
	if reg.AccountCreatedAt == nil {
		out.existing = true
		return out, nil
	}
	// This registration made the account, but its email never went out.
	if invite {
		out.invite = true
		return out, p.sendInvite(ctx, reg.ID, u.ID)
	}
	// The password from that run is gone: issue a fresh one now.
	pw, err := p.password()
	if err != nil {
		return out, err
	}
	if err := p.Accounts.ResetPassword(ctx, u.ID, pw); err != nil {
		return out, err
	}
	out.password = &basketball.Account{Email: mail, Password: pw, LoginURL: p.Accounts.LoginURL()}
	out.verifyEmail = slices.Contains(u.RequiredActions, keycloak.ActionVerifyEmail)
	return out, nil
}

// createAccount makes the parent's login for this registration.
func (p *PostPayment) createAccount(ctx context.Context, reg basketball.Registration, mail string, inline, invite bool) (accountOutcome, error) {
	out := accountOutcome{email: mail}
	if err := p.Store.MarkAccountCreated(ctx, reg.ID); err != nil {
		return out, err
	}
	nu := keycloak.NewUser{Email: mail, FirstName: reg.ParentFirstName, LastName: reg.ParentLastName}
	var pw string
	switch {
	case invite:
		// Keycloak's link proves the mailbox; following it verifies the
		// address.
	case inline:
		// The password goes back in the HTTP answer to whoever sent the
		// form: only the mailbox's owner may use the account.
		nu.RequiredActions = []string{keycloak.ActionVerifyEmail, keycloak.ActionUpdatePassword}
		out.verifyEmail = true
	default:
		// The password reaches the parent only through the mailbox.
		nu.EmailVerified = true
	}
	if !invite {
		var err error
		if pw, err = p.password(); err != nil {
			return out, err
		}
	}
	id, err := p.Accounts.CreateUser(ctx, nu, pw)
	if errors.Is(err, keycloak.ErrUserExists) {
		// A sibling's job made it first: one account per parent.
		if err := p.Store.UnmarkAccountCreated(ctx, reg.ID); err != nil {
			return out, err
		}
		return accountOutcome{email: mail, existing: true}, nil
	}
	if err != nil {
		return out, err
	}
	if invite {
		out.invite = true
		return out, p.sendInvite(ctx, reg.ID, id)
	}
	out.password = &basketball.Account{Email: mail, Password: pw, LoginURL: p.Accounts.LoginURL()}
	return out, nil
}

// sendInvite asks Keycloak, at most once per registration, to email the
// user its link to choose a password. The request is recorded before it is
// made; a request that certainly failed is forgotten so that the retry
// asks again, while one that may have reached Keycloak (a timeout) is not
// repeated: the confirmation tells the parent where to set a password if
// no link arrives.
func (p *PostPayment) sendInvite(ctx context.Context, regID, userID string) error {
	ok, err := p.Store.ClaimAccountInvite(ctx, regID)
	if err != nil || !ok {
		return err
	}
	lifespan := p.InviteLifespan
	if lifespan == 0 {
		lifespan = DefaultInviteLifespan
	}
	err = p.Accounts.ExecuteActionsEmail(ctx, userID, []string{keycloak.ActionUpdatePassword}, lifespan)
	if err != nil && keycloak.NotSent(err) {
		if rerr := p.Store.ReleaseAccountInvite(context.WithoutCancel(ctx), regID); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	return err
}

func (p *PostPayment) password() (string, error) {
	if p.NewPassword != nil {
		return p.NewPassword()
	}
	return keycloak.GeneratePassword()
}
