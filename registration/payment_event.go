package registration

import (
	"context"
	"log/slog"

	"basketball"
)

// ApplyPaymentEvent records a verified Stripe event and applies its effect
// through the state machine, in one transaction with the record of its id:
// an event applies at most once whichever path brings it (the webhook, the
// parent's return, reconciliation), even twice at the same moment. It
// returns the outcome recorded and the registration concerned, if any.
func (s *Service) ApplyPaymentEvent(ctx context.Context, ev basketball.PaymentEvent, path string) (outcome, regID string, err error) {
	outcome, regID, err = s.store.ApplyPaymentEvent(ctx, ev)
	if err != nil {
		return "", "", err
	}
	s.observe.PaymentEvent(path, ev.Type, outcome)
	level := slog.LevelInfo
	if basketball.WarnOutcome(outcome) {
		// A second payment for one registration, or a payment after its
		// seat was released or it was canceled: staff may have to refund.
		level = slog.LevelWarn
	}
	s.logger.Log(ctx, level, "stripe event", "path", path, "event_id", ev.ID, "type", ev.Type,
		"outcome", outcome, "registration_id", regID)
	return outcome, regID, nil
}
