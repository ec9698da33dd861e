package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"basketball"
	"basketball/email"
)

// An emailFunc renders the email of one notification: the message for its
// subject (a registration or a waitlist entry) and its data.
type emailFunc func(ctx context.Context, p *PostPayment, n basketball.Notification) (email.Message, error)

// emails renders every kind of notification sent through NotifyJob, one
// line per kind (the first confirmation goes out with the login, through
// the post-payment step, not here).
var emails = map[string]emailFunc{
	basketball.NotifyConfirmation:  resentConfirmation,
	basketball.NotifyCancellation:  cancellationEmail,
	basketball.NotifyReminder:      reminderEmail,
	basketball.NotifyTryoutChanged: tryoutChangedEmail,
}

// Render renders a notification's email as SendNotification would send it
// (mail preview uses it). For a notification that is no longer due it
// returns the message and an error for which NotDue reports true.
func (p *PostPayment) Render(ctx context.Context, n basketball.Notification) (email.Message, error) {
	render, ok := emails[n.Kind]
	if !ok {
		return email.Message{}, fmt.Errorf("no email for notification kind %q", n.Kind)
	}
	return render(ctx, p, n)
}

// SendNotification sends one notification's email once: claimed under a
// lease, with a Message-ID that is the same for the same notification and
// attempt, and recorded as sent. An email that is no longer due (a
// reminder for a registration since refunded) is canceled instead.
func (p *PostPayment) SendNotification(ctx context.Context, id string) error {
	n, err := p.Store.Notification(ctx, id)
	if err != nil {
		return err
	}
	render, ok := emails[n.Kind]
	if !ok {
		return fmt.Errorf("no email for notification kind %q", n.Kind)
	}
	n, ok, err = p.claim(ctx, n)
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
	msg, err := render(ctx, p, n)
	var nd notDueError
	if errors.As(err, &nd) {
		if err := p.Store.CancelNotification(ctx, n.ID); err != nil {
			return err
		}
		sent = true // the lease goes with the cancellation
		p.logger().Info("email canceled", "kind", n.Kind, "subject_id", n.SubjectID, "notification_id", n.ID, "reason", nd.why)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s email: %w", n.Kind, err)
	}
	if err := p.send(ctx, n, msg); err != nil {
		return fmt.Errorf("%s email: %w", n.Kind, err)
	}
	if err := p.Store.MarkNotificationSent(ctx, n.ID); err != nil {
		return err
	}
	sent = true
	p.logger().Info("email sent", "kind", n.Kind, "subject_id", n.SubjectID, "notification_id", n.ID, "attempt", n.Attempts)
	return nil
}

// resentConfirmation is a confirmation sent again (staff's resend): it
// never carries a new password, since the parent may already use theirs;
// with provisioning on, it points at the login page's password reset.
func resentConfirmation(ctx context.Context, p *PostPayment, n basketball.Notification) (email.Message, error) {
	reg, err := p.Store.Registration(ctx, n.SubjectID)
	if err != nil {
		return email.Message{}, err
	}
	return p.Confirmation(ctx, reg, nil, p.Accounts != nil)
}

// decodeChange reads a tryout_changed notification's data.
func decodeChange(n basketball.Notification) (basketball.TryoutChange, error) {
	var ch basketball.TryoutChange
	if err := json.Unmarshal([]byte(n.Data), &ch); err != nil {
		return ch, fmt.Errorf("notification %s: data is not a tryout change: %w", n.ID, err)
	}
	if ch.OldStartsAt.IsZero() || ch.OldEndsAt.IsZero() || ch.NewStartsAt.IsZero() || ch.NewEndsAt.IsZero() {
		return ch, fmt.Errorf("notification %s: a tryout change needs old and new start and end times", n.ID)
	}
	return ch, nil
}
