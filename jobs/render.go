package jobs

import (
	"context"
	"errors"
	"fmt"

	"basketball"
	"basketball/calendar"
	"basketball/email"
)

// subject is what every email about a registration needs from the
// database: the registration, its club and its tryout.
type subject struct {
	reg   basketball.Registration
	club  basketball.Club
	t     basketball.Tryout
	from  string
	page  string // the registration's page
	event calendar.Event
}

func (p *PostPayment) subject(ctx context.Context, reg basketball.Registration) (subject, error) {
	club, err := p.Store.ClubBySlug(ctx, reg.ClubSlug)
	if err != nil {
		return subject{}, err
	}
	t, err := p.Store.Tryout(ctx, reg.ClubSlug, reg.TryoutID)
	if err != nil {
		return subject{}, err
	}
	ns, err := p.Store.Notifications(ctx, reg.ID)
	if err != nil {
		return subject{}, err
	}
	from := club.EmailFrom
	if from == "" {
		from = p.MailFrom
	}
	return subject{reg: reg, club: club, t: t, from: from, page: calendar.RegistrationURL(p.PublicURL, reg.ID),
		event: calendar.ForRegistration(reg, t, club.Name, p.PublicURL, calendar.Sequence(ns), p.now())}, nil
}

// tryout is the part every email shows.
func (s subject) tryout() email.Tryout {
	return email.Tryout{
		From: s.from, To: s.reg.ParentEmail, ParentFirstName: s.reg.ParentFirstName, ClubName: s.club.Name,
		PlayerFirstName: s.reg.PlayerFirstName, PlayerLastName: s.reg.PlayerLastName, TryoutName: s.t.Name,
		StartsAt: s.t.StartsAt, EndsAt: s.t.EndsAt, TimeZone: s.t.TimeZone, Location: s.t.Location,
		RegistrationURL: s.page, CalendarURL: s.page + "/calendar.ics",
	}
}

// attachEvent adds the registration's calendar event to msg.
func (s subject) attachEvent(msg *email.Message) error {
	b, err := calendar.ICS(s.event)
	if err != nil {
		return err
	}
	msg.Attachments = append(msg.Attachments, email.Attachment{Name: calendar.FileName, ContentType: calendar.ContentType, Data: b})
	return nil
}

// Confirmation renders the confirmation email of a registration, with its
// calendar event attached; mail preview and resends use it too. With
// existing set (and provisioning on), the email points at the login
// page's password reset instead of carrying a password.
func (p *PostPayment) Confirmation(ctx context.Context, reg basketball.Registration, acct *basketball.Account, existing bool) (email.Message, error) {
	return p.confirmation(ctx, reg, accountOutcome{password: acct, existing: existing})
}

// InviteConfirmation renders the confirmation of a registration whose new
// account gets Keycloak's set-password email (mail preview).
func (p *PostPayment) InviteConfirmation(ctx context.Context, reg basketball.Registration) (email.Message, error) {
	return p.confirmation(ctx, reg, accountOutcome{email: reg.ParentEmail, invite: true})
}

func (p *PostPayment) confirmation(ctx context.Context, reg basketball.Registration, a accountOutcome) (email.Message, error) {
	s, err := p.subject(ctx, reg)
	if err != nil {
		return email.Message{}, err
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
	tr := s.tryout()
	c := email.Confirmation{
		From: tr.From, To: tr.To, ParentFirstName: tr.ParentFirstName, ClubName: tr.ClubName,
		PlayerFirstName: tr.PlayerFirstName, PlayerLastName: tr.PlayerLastName, TryoutName: tr.TryoutName,
		StartsAt: tr.StartsAt, EndsAt: tr.EndsAt, TimeZone: tr.TimeZone, Location: tr.Location,
		AmountCents: amount, Currency: currency, Method: reg.Method, PromoCode: reg.PromoCode,
		RegistrationURL: tr.RegistrationURL, CalendarURL: tr.CalendarURL,
		Account: a.password, VerifyEmail: a.password != nil && a.verifyEmail, Resent: a.password != nil && a.resent,
	}
	if p.Accounts != nil {
		switch {
		case a.invite:
			lifespan := p.InviteLifespan
			if lifespan == 0 {
				lifespan = DefaultInviteLifespan
			}
			c.Invite = &email.Invite{Email: a.email, LoginURL: p.Accounts.LoginURL(), ResetURL: p.Accounts.ResetPasswordURL(), ValidFor: lifespan}
		case a.existing:
			c.ExistingAccount, c.LoginURL, c.ResetURL = true, p.Accounts.LoginURL(), p.Accounts.ResetPasswordURL()
		}
	}
	msg, err := email.RenderConfirmation(c)
	if err != nil {
		return msg, err
	}
	return msg, s.attachEvent(&msg)
}

// reminderEmail renders a registration's reminder; it is not due (and is
// canceled) once the registration is no longer paid or the tryout has
// started.
func reminderEmail(ctx context.Context, p *PostPayment, n basketball.Notification) (email.Message, error) {
	reg, err := p.Store.Registration(ctx, n.SubjectID)
	if err != nil {
		return email.Message{}, err
	}
	s, err := p.subject(ctx, reg)
	if err != nil {
		return email.Message{}, err
	}
	msg, err := email.RenderReminder(email.Reminder{Tryout: s.tryout()})
	switch {
	case err != nil:
		return msg, err
	case reg.Status != basketball.StatusPaid:
		return msg, notDue("the registration is %s", reg.Status)
	case !p.now().Before(s.t.StartsAt):
		return msg, notDue("the tryout has started")
	}
	return msg, nil
}

// tryoutChangedEmail renders a change notice from the notification's data
// (the old and new values, a basketball.TryoutChange), with the updated
// calendar event, whose SEQUENCE is the change counter (the dedupe key).
func tryoutChangedEmail(ctx context.Context, p *PostPayment, n basketball.Notification) (email.Message, error) {
	reg, err := p.Store.Registration(ctx, n.SubjectID)
	if err != nil {
		return email.Message{}, err
	}
	s, err := p.subject(ctx, reg)
	if err != nil {
		return email.Message{}, err
	}
	ch, err := decodeChange(n)
	if err != nil {
		return email.Message{}, err
	}
	// The email shows the values of this change; the event, the tryout as
	// it is now (a later change has its own email, with a higher SEQUENCE).
	tr := s.tryout()
	tr.StartsAt, tr.EndsAt, tr.Location = ch.NewStartsAt, ch.NewEndsAt, ch.NewLocation
	msg, err := email.RenderTryoutChanged(email.TryoutChanged{Tryout: tr, OldStartsAt: ch.OldStartsAt, OldEndsAt: ch.OldEndsAt, OldLocation: ch.OldLocation})
	if err != nil {
		return msg, err
	}
	if err := s.attachEvent(&msg); err != nil {
		return msg, err
	}
	if reg.Status != basketball.StatusPaid {
		return msg, notDue("the registration is %s", reg.Status)
	}
	return msg, nil
}

// notDueError says a notification's email is no longer wanted: it is
// canceled, not sent. A renderer returns it with the rendered message, so
// a preview can still show it.
type notDueError struct{ why string }

func (e notDueError) Error() string { return "no longer due: " + e.why }

// NotDue reports whether err from Render means the email would not be
// sent now (the registration is no longer paid, the tryout has started),
// and why.
func NotDue(err error) (string, bool) {
	var nd notDueError
	if errors.As(err, &nd) {
		return nd.why, true
	}
	return "", false
}

func notDue(format string, args ...any) error { return notDueError{fmt.Sprintf(format, args...)} }
