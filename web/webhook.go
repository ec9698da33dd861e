package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"basketball"
	"basketball/sqldb"
	"basketball/stripe"
)

// MaxWebhookBytes bounds a Stripe event body. The contract's 64 KiB for
// every body holds here too: checkout and charge events are a few KiB.
const MaxWebhookBytes = MaxBodyBytes

// stripeWebhook verifies a Stripe event and hands it to the store, which
// records it and applies its effect in one transaction. It answers 400 only
// for a bad signature; whatever a verified event says, it answers 200,
// because Stripe resending it cannot change its content. A database
// failure answers 500 so Stripe retries.
func (s *Server) stripeWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, r, basketball.Errorf(basketball.EBodyTooLarge, "event larger than %d bytes", MaxWebhookBytes))
			return
		}
		s.writeError(w, r, basketball.Errorf(codeBadJSON, "could not read the body"))
		return
	}
	if s.cfg.WebhookSecret == "" {
		s.writeError(w, r, basketball.Errorf(codeNotConfigured, "STRIPE_WEBHOOK_SECRET is not set; webhooks cannot be verified"))
		return
	}
	ev, err := stripe.ParseWebhook(payload, r.Header.Get("Stripe-Signature"), s.cfg.WebhookSecret, s.store.Now)
	if errors.Is(err, stripe.ErrBadSignature) {
		s.metrics.WebhookEvents.WithLabelValues("unverified", "bad_signature").Inc()
		s.log(r).Warn("stripe webhook rejected", "err", err)
		s.writeError(w, r, basketball.Errorf(basketball.EBadSignature, "the Stripe-Signature header is missing, invalid or too old"))
		return
	}
	pe := paymentEvent(ev, err)
	if pe.ID == "" {
		// Signed but without an id we cannot deduplicate: nothing to apply.
		s.metrics.WebhookEvents.WithLabelValues("unknown", "malformed").Inc()
		s.log(r).Warn("stripe event without id", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"outcome": "malformed"})
		return
	}
	outcome, regID, err := s.store.ApplyPaymentEvent(r.Context(), pe)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.WebhookEvents.WithLabelValues(metricType(pe.Type), outcome).Inc()
	level := slog.LevelInfo
	if outcome == sqldb.OutcomeAlreadyPaid || outcome == sqldb.OutcomePaidLate {
		// A second payment for one registration, or a payment after its
		// seat was released: an operator may have to refund or re-seat.
		level = slog.LevelWarn
	}
	s.log(r).Log(r.Context(), level, "stripe event", "event_id", pe.ID, "type", pe.Type, "outcome", outcome, "registration_id", regID)
	writeJSON(w, http.StatusOK, map[string]string{"outcome": outcome})
}

// paymentEvent converts a parsed event to the domain's view of it.
func paymentEvent(ev stripe.Event, parseErr error) basketball.PaymentEvent {
	pe := basketball.PaymentEvent{
		ID: ev.ID, Type: ev.Type,
		MetadataType:    ev.Metadata["type"],
		RegistrationRef: ev.Metadata["registration_id"],
		SessionID:       ev.SessionID,
		PaymentStatus:   ev.PaymentStatus,
		PaymentIntentID: ev.PaymentIntentID,
		AmountTotal:     ev.AmountTotal,
	}
	if ev.Type == stripe.EventChargeRefunded {
		pe.PaymentIntentID = ev.ChargePaymentIntentID
		pe.FullyRefunded = ev.ChargeRefunded || (ev.ChargeAmount > 0 && ev.ChargeAmountRefunded >= ev.ChargeAmount)
	}
	if parseErr != nil {
		pe.Malformed = parseErr.Error()
		if len(pe.Malformed) > 300 {
			pe.Malformed = pe.Malformed[:300]
		}
	}
	return pe
}

// metricType keeps the label set small: unknown types share one label.
func metricType(t string) string {
	switch t {
	case stripe.EventCheckoutCompleted, stripe.EventCheckoutAsyncPaymentSucceeded, stripe.EventCheckoutAsyncPaymentFailed,
		stripe.EventCheckoutExpired, stripe.EventChargeRefunded:
		return t
	}
	return "other"
}
