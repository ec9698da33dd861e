package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"basketball"
	"basketball/email"
)

// cancellationEmail renders the email of a cancellation notification:
// staff canceled the registration, refunded or not (the notification's
// data, a basketball.CancellationData).
func cancellationEmail(ctx context.Context, p *PostPayment, n basketball.Notification) (email.Message, error) {
	var d basketball.CancellationData
	if err := json.Unmarshal([]byte(n.Data), &d); err != nil {
		return email.Message{}, fmt.Errorf("cancellation data: %w", err)
	}
	reg, err := p.Store.Registration(ctx, n.SubjectID)
	if err != nil {
		return email.Message{}, err
	}
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
	return email.RenderCancellation(email.Cancellation{
		From: from, To: reg.ParentEmail, ParentFirstName: reg.ParentFirstName, ClubName: club.Name,
		PlayerFirstName: reg.PlayerFirstName, PlayerLastName: reg.PlayerLastName, TryoutName: t.Name,
		StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone,
		WasPaid: d.StatusBefore == basketball.StatusPaid, Refunded: d.Refunded, RefundCents: d.RefundCents, Currency: d.Currency,
		RegistrationURL: strings.TrimRight(p.PublicURL, "/") + "/registrations/" + url.PathEscape(reg.ID),
	})
}
