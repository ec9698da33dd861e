package stripetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"basketball/stripe"
)

// ErrDeliveryFailed is returned by the test-side methods when the webhook
// did not answer 2xx; what the method did (the payment, the event) stands.
var ErrDeliveryFailed = errors.New("stripetest: webhook delivery failed")

// Delivery is one attempt to deliver an event to the webhook.
type Delivery struct {
	EventID, Type string
	StatusCode    int   // 0 when no answer came
	Err           error // nil when the webhook answered 2xx
}

// SetWebhook makes the fake deliver every new event to url, signed with
// secret as Stripe signs them ("" url: deliver nothing).
func (s *Server) SetWebhook(url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.secret = url, secret
}

// SetWebhookDelivery switches deliveries on (the default) or off. Off plays
// a lost webhook: events are still made and listed, nothing is sent.
func (s *Server) SetWebhookDelivery(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveryOff = !on
}

// Deliveries returns every delivery attempt so far, in the order they
// finished.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// WaitDeliveries waits until the deliveries started in the background (by
// API calls such as expire and refund) have finished.
func (s *Server) WaitDeliveries() { s.deliverWG.Wait() }

// Deliver sends a recorded event to the webhook now, even with delivery
// switched off: Stripe retrying it, a duplicate, or an event delivered late
// and out of order.
func (s *Server) Deliver(eventID string) (Delivery, error) {
	s.mu.Lock()
	ev := s.findEvent(eventID)
	url, secret := s.webhookURL, s.secret
	s.mu.Unlock()
	if ev == nil || url == "" {
		return Delivery{}, fmt.Errorf("stripetest: no event %q, or no webhook set", eventID)
	}
	d := s.deliver(ev, url, secret)
	if d.Err != nil {
		return d, fmt.Errorf("%w: %v", ErrDeliveryFailed, d.Err)
	}
	return d, nil
}

// target is where new events go; ok is false when nowhere. Lock held.
func (s *Server) target() (url, secret string, ok bool) {
	return s.webhookURL, s.secret, s.webhookURL != "" && !s.deliveryOff
}

// emit delivers ev before returning, unless delivery is off. Lock not held.
func (s *Server) emit(ev *event) error {
	s.mu.Lock()
	url, secret, ok := s.target()
	s.mu.Unlock()
	if !ok {
		return nil
	}
	if d := s.deliver(ev, url, secret); d.Err != nil {
		return fmt.Errorf("%w: %v", ErrDeliveryFailed, d.Err)
	}
	return nil
}

// emitAsync delivers ev in the background, as Stripe does after an API
// call: the caller may hold its own locks while its request is answered.
// Lock held.
func (s *Server) emitAsync(ev *event) {
	url, secret, ok := s.target()
	if !ok {
		return
	}
	s.deliverWG.Add(1)
	go func() {
		defer s.deliverWG.Done()
		s.deliver(ev, url, secret)
	}()
}

// deliver posts ev signed and records the attempt. Lock not held.
func (s *Server) deliver(ev *event, url, secret string) Delivery {
	s.mu.Lock()
	now := s.now()
	s.mu.Unlock()
	d := Delivery{EventID: ev.ID, Type: ev.Type}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(ev.JSON))
	if err == nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
		req.Header.Set("Stripe-Signature", stripe.SignPayload(ev.JSON, secret, now))
		var res *http.Response
		if res, err = s.client.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
			res.Body.Close()
			d.StatusCode = res.StatusCode
			if res.StatusCode/100 != 2 {
				err = fmt.Errorf("webhook answered %d: %s", res.StatusCode, bytes.TrimSpace(body))
			}
		}
	}
	d.Err = err
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		ev.delivered = true
	}
	s.deliveries = append(s.deliveries, d)
	return d
}
