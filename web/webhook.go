package web

import (
	"errors"
	"io"
	"net/http"

	"basketball"
	"basketball/stripe"
)

// MaxWebhookBytes bounds a Stripe event body. The contract's 64 KiB for
// every body holds here too: checkout and charge events are a few KiB.
const MaxWebhookBytes = MaxBodyBytes

// stripeWebhook verifies a Stripe event and hands it to the service, which
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
	ev, err := stripe.ParseWebhook(payload, r.Header.Get("Stripe-Signature"), s.cfg.WebhookSecret, s.svc.Now)
	if errors.Is(err, stripe.ErrBadSignature) {
		s.metrics.PaymentEvent(basketball.PathWebhook, "unverified", "bad_signature")
		s.log(r).Warn("stripe webhook rejected", "err", err)
		s.writeError(w, r, basketball.Errorf(basketball.EBadSignature, "the Stripe-Signature header is missing, invalid or too old"))
		return
	}
	pe := stripe.PaymentEvent(ev, err)
	if pe.ID == "" {
		// Signed but without an id we cannot deduplicate: nothing to apply.
		s.metrics.PaymentEvent(basketball.PathWebhook, "unknown", basketball.OutcomeMalformed)
		s.log(r).Warn("stripe event without id", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"outcome": "malformed"})
		return
	}
	outcome, _, err := s.svc.ApplyPaymentEvent(r.Context(), pe, basketball.PathWebhook)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"outcome": outcome})
}
