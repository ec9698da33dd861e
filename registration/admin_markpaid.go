package registration

import (
	"context"
	"fmt"

	"basketball"
)

// MarkPaid records a payment staff took outside Stripe (cash, a check, …)
// for a pending registration, or an expired one while a seat is free: it
// becomes paid with method offline, and the post-payment job runs as for
// a card (login, confirmation). A pending registration's open Checkout
// Session is expired first, so the parent cannot pay twice; should the
// parent have just paid by card, that payment is applied and the answer
// is EInvalidState (it is paid, by card).
func (a *Admin) MarkPaid(ctx context.Context, actor basketball.Actor, club, id string, req basketball.MarkPaidRequest) (basketball.Registration, error) {
	if err := req.Validate(); err != nil {
		return basketball.Registration{}, err
	}
	reg, lease, _, err := a.begin(ctx, club, id, false)
	if err != nil {
		return basketball.Registration{}, err
	}
	finished := false
	defer func() {
		if !finished {
			a.end(ctx, lease)
		}
	}()
	note := ""
	switch reg.Status {
	case basketball.StatusPending:
		paidNow, what, err := a.closeCheckout(context.WithoutCancel(ctx), reg)
		if err != nil {
			return reg, err
		}
		if paidNow {
			return reg, basketball.Errorf(basketball.EInvalidState, "the parent has just paid by card; the registration is paid now")
		}
		note = "; " + what
	case basketball.StatusExpired:
	default:
		return reg, basketball.Errorf(basketball.EInvalidState, "a %s registration cannot be marked paid", reg.Status)
	}
	detail := fmt.Sprintf("marked paid: %s by %s", basketball.FormatAmount(reg.AmountCents, reg.Currency), req.Method)
	if req.Note != "" {
		detail += "; note: " + req.Note
	}
	audit := basketball.AuditEntry{Actor: actor, Action: basketball.ActionMarkPaid, Target: id, Detail: detail + note}
	out, err := a.store.MarkPaidOffline(ctx, club, id, reg.Status, audit)
	if err != nil {
		return reg, err
	}
	finished = true
	a.logger.Info("staff marked a registration paid", "registration_id", id, "club", club, "method", req.Method, "actor", actor.Subject)
	return out, nil
}

// ResendConfirmation sends a paid registration's confirmation again. It
// never carries a new password (the parent may already use theirs); with
// logins on, it links to the login page's password reset. It returns the
// id of the notification queued.
func (a *Admin) ResendConfirmation(ctx context.Context, actor basketball.Actor, club, id string) (string, error) {
	return a.store.ResendConfirmation(ctx, club, id, basketball.AuditEntry{Actor: actor, Action: basketball.ActionResend, Target: id,
		Detail: "confirmation email queued again, without a password"})
}
