package registration

import (
	"context"
	"errors"
	"fmt"
	"time"

	"basketball"
	"basketball/stripe"
)

// Reconciliation reads Stripe's events list for events whose webhook never
// arrived (the endpoint was down, the secret wrong after a rotation, a
// proxy ate them) and applies each one not yet recorded, by event id,
// through the webhook's code and dedupe.

const (
	// ReconcileMargin is how far before the cursor each pass starts
	// reading: events are not listed in the order their webhooks are sent.
	ReconcileMargin = 15 * time.Minute
	// ReconcileFirstWindow is how far back the first pass reads when no
	// cursor exists yet.
	ReconcileFirstWindow = 72 * time.Hour
	// ReconcileGrace leaves the newest events to their webhooks, which
	// Stripe sends within seconds: a pass only applies events created at
	// least this long ago (the next pass reads the rest).
	ReconcileGrace = 2 * time.Minute
)

// ReconcileStore is what reconciliation needs of the database beyond the
// flows' Store.
type ReconcileStore interface {
	ReconcileCursor(ctx context.Context) (time.Time, bool, error)
	AdvanceReconcileCursor(ctx context.Context, t time.Time) error
}

// Reconciled is one event a pass applied (events already recorded are not
// listed).
type Reconciled struct {
	EventID        string    `json:"event_id"`
	Type           string    `json:"type"`
	Outcome        string    `json:"outcome"`
	RegistrationID string    `json:"registration_id,omitempty"`
	Created        time.Time `json:"created"`
}

// ReconcileReport is what one pass did.
type ReconcileReport struct {
	Since   time.Time    `json:"since"`
	Listed  int          `json:"listed"`
	Applied []Reconciled `json:"applied"`
	// Clamped says the asked start lay before Stripe's 30 days of events.
	Clamped bool `json:"clamped"`
	// PaidButPending counts registrations still pending after the pass
	// although Stripe listed their session as paid (should stay 0).
	PaidButPending int `json:"paid_but_pending"`
}

// Reconcile does one pass from since (zero: the stored cursor less a
// margin, or ReconcileFirstWindow on the first pass). Stripe keeps events
// for 30 days: an earlier start is moved to that limit and the report says
// so. The cursor moves forward only after a complete pass.
func (s *Service) Reconcile(ctx context.Context, since time.Time) (ReconcileReport, error) {
	var rep ReconcileReport
	store, ok := s.store.(ReconcileStore)
	if s.records == nil || !ok {
		return rep, basketball.Errorf(basketball.EPaymentsNotConfigured, "reconciliation needs Stripe (STRIPE_SECRET_KEY)")
	}
	now := s.store.Now()
	if since.IsZero() {
		cursor, found, err := store.ReconcileCursor(ctx)
		if err != nil {
			return rep, err
		}
		since = now.Add(-ReconcileFirstWindow)
		if found {
			since = cursor.Add(-ReconcileMargin)
		}
	}
	if oldest := now.Add(-stripe.EventRetention).Add(time.Minute); since.Before(oldest) {
		since, rep.Clamped = oldest, true
	}
	rep.Since = since
	var newest time.Time
	paidSessions := map[string]string{} // registration id → session listed as paid
	for ev, err := range s.records.ListEvents(ctx, stripe.ListEventsParams{
		CreatedGTE: since, Types: stripe.HandledEventTypes, OldestFirst: true,
	}) {
		if err != nil && !errors.Is(err, stripe.ErrMalformed) {
			return rep, fmt.Errorf("list Stripe events: %w", err)
		}
		if ev.ID == "" || ev.Created.After(now.Add(-max(s.cfg.ReconcileGrace, 0))) {
			continue // nothing to deduplicate on (as in the webhook), or its webhook is surely on its way
		}
		rep.Listed++
		if ev.Created.After(newest) {
			newest = ev.Created
		}
		pe := stripe.PaymentEvent(ev, err)
		outcome, regID, aerr := s.ApplyPaymentEvent(ctx, pe, basketball.PathReconcile)
		if aerr != nil {
			return rep, aerr
		}
		if pe.Type == basketball.EventCheckoutCompleted && pe.PaymentStatus == stripe.PaymentStatusPaid && pe.RegistrationRef != "" {
			paidSessions[pe.RegistrationRef] = pe.SessionID
		}
		if outcome != basketball.OutcomeDuplicate {
			rep.Applied = append(rep.Applied, Reconciled{EventID: ev.ID, Type: ev.Type, Outcome: outcome, RegistrationID: regID, Created: ev.Created})
		}
	}
	for regID := range paidSessions {
		if r, err := s.store.Registration(ctx, regID); err == nil && r.Status == basketball.StatusPending {
			rep.PaidButPending++
			s.logger.Error("Stripe lists this registration's session as paid, but it is still pending", "registration_id", regID)
		}
	}
	if !newest.IsZero() {
		if err := store.AdvanceReconcileCursor(ctx, newest); err != nil {
			return rep, err
		}
	}
	cursor, _, _ := store.ReconcileCursor(ctx)
	s.observe.Reconciled(cursor, rep.PaidButPending)
	if len(rep.Applied) > 0 {
		s.logger.Warn("reconciliation applied Stripe events whose webhook never arrived", "applied", len(rep.Applied), "since", since)
	}
	return rep, nil
}
