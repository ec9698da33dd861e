package jobs

import (
	"context"
	"fmt"

	"basketball"
	"basketball/email"
)

// SendNotification sends one notification's email once: any kind but the
// first confirmation, which the post-payment step sends with the login. A
// confirmation sent again (a resend by staff) never carries a new
// password: a parent may already use theirs; with provisioning on, it
// points at the login page's password reset instead.
func (p *PostPayment) SendNotification(ctx context.Context, id string) error {
	n, err := p.Store.Notification(ctx, id)
	if err != nil {
		return err
	}
	n, ok, err := p.claim(ctx, n)
	if err != nil || !ok {
		return err
	}
	sent := false
	defer func() {
		if !sent {
			if err := p.Store.ReleaseNotification(context.WithoutCancel(ctx), n.ID); err != nil {
				p.logger().Warn("release notification lease", "notification_id", n.ID, "err", err)
			}
		}
	}()
	reg, err := p.Store.Registration(ctx, n.RegistrationID)
	if err != nil {
		return err
	}
	var msg email.Message
	switch n.Kind {
	case basketball.NotifyConfirmation:
		msg, err = p.Confirmation(ctx, reg, nil, p.Accounts != nil)
	default:
		return fmt.Errorf("no email template for notification kind %q", n.Kind)
	}
	if err != nil {
		return fmt.Errorf("%s email: %w", n.Kind, err)
	}
	msg.ID = messageID(n, msg.From)
	if err := p.Mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("%s email: %w", n.Kind, err)
	}
	if err := p.Store.MarkNotificationSent(ctx, n.ID); err != nil {
		return err
	}
	sent = true
	p.logger().Info("email sent", "kind", n.Kind, "registration_id", reg.ID, "notification_id", n.ID, "attempt", n.Attempts)
	return nil
}
