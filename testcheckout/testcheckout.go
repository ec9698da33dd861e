// Package testcheckout is the offline demo's stand-in for Stripe Checkout.
// It hands out checkout URLs on the service itself; its page, marked TEST
// MODE, shows what would be charged, and its Pay and Cancel buttons send
// Stripe-format events, signed with the demo's own webhook secret, to the
// service's own /webhooks/stripe. The webhook, the job and the email then
// run exactly as they do for real Stripe.
//
// It also answers what the service asks Stripe besides creating sessions,
// with the same Go methods as stripe.Client: RetrieveCheckoutSession,
// ExpireCheckoutSession, RefundPaymentIntent and ListEvents. Every event it
// makes (pay, cancel, expiry, refund) is kept in an events list, so with
// NoWebhooks set (demo --no-webhooks) nothing is delivered and the service
// learns of payments the way it does when Stripe's webhooks are lost: from
// the parent's return and from reconciliation.
//
// It is only ever wired by the demo command, and only when no
// STRIPE_SECRET_KEY is set.
package testcheckout

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"basketball/stripe"
)

// Checkout implements the service's payment provider with local sessions.
type Checkout struct {
	// PublicURL is the base of the checkout URLs handed to parents.
	PublicURL string
	// WebhookURL is where events are posted: the service's own webhook.
	WebhookURL string
	// WebhookSecret signs the events, as Stripe does.
	WebhookSecret string
	// NoWebhooks keeps every event in the events list but delivers none,
	// as when Stripe's webhooks are lost (demo --no-webhooks).
	NoWebhooks bool
	// Client posts the events; nil uses a client with a 10 s timeout.
	Client *http.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	deliveries sync.WaitGroup // in the background, after API calls

	mu         sync.Mutex
	sessions   map[string]*session
	byKey      map[string]*session
	byIntent   map[string]*session
	events     []*event // in the order they were made
	refunds    []Refund
	refundKeys map[string]Refund
	expireKeys map[string]stripe.CheckoutSession
}

type session struct {
	id            string
	params        stripe.CheckoutParams
	status        string // open, complete or expired
	paymentStatus string
	paymentIntent string
	charge        string
	refunded      int64
	canceled      bool // by the parent, on the checkout page
}

// Refund is a refund the test checkout made.
type Refund struct {
	stripe.Refund
	SessionID      string
	IdempotencyKey string
	Metadata       map[string]string
	Created        time.Time
}

// ErrStripeConfigured is returned by New when a Stripe key is set: the
// test checkout must never stand in for real payments.
var ErrStripeConfigured = errors.New("testcheckout: STRIPE_SECRET_KEY is set; the test checkout is disabled")

// New returns a test checkout, or ErrStripeConfigured when a real Stripe
// key is configured.
func New(stripeSecretKey, publicURL, webhookURL, webhookSecret string) (*Checkout, error) {
	if stripeSecretKey != "" {
		return nil, ErrStripeConfigured
	}
	return &Checkout{PublicURL: publicURL, WebhookURL: webhookURL, WebhookSecret: webhookSecret}, nil
}

// CreateCheckoutSession makes a local session. Like Stripe, the same
// idempotency key returns the same session.
func (c *Checkout) CreateCheckoutSession(ctx context.Context, p stripe.CheckoutParams) (stripe.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	s, ok := c.byKey[p.IdempotencyKey]
	if !ok {
		s = &session{id: "cs_test_" + newID(), params: p, status: stripe.SessionStatusOpen, paymentStatus: stripe.PaymentStatusUnpaid}
		c.sessions[s.id] = s
		if p.IdempotencyKey != "" {
			c.byKey[p.IdempotencyKey] = s
		}
	}
	return stripe.Session{ID: s.id, URL: strings.TrimRight(c.PublicURL, "/") + "/test-checkout/" + s.id, ExpiresAt: s.params.ExpiresAt}, nil
}

// init makes the maps; lock held.
func (c *Checkout) init() {
	if c.sessions == nil {
		c.sessions, c.byKey, c.byIntent = map[string]*session{}, map[string]*session{}, map[string]*session{}
		c.refundKeys, c.expireKeys = map[string]Refund{}, map[string]stripe.CheckoutSession{}
	}
}

// WaitDeliveries waits for the events being delivered in the background
// (after ExpireCheckoutSession, RefundPaymentIntent or an expiry).
func (c *Checkout) WaitDeliveries() { c.deliveries.Wait() }

func (c *Checkout) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// view is the session as Stripe would report it; lock held.
func (s *session) view() stripe.CheckoutSession {
	return stripe.CheckoutSession{
		ID: s.id, Status: s.status, PaymentStatus: s.paymentStatus, PaymentIntentID: s.paymentIntent,
		AmountTotal: s.params.AmountCents, HasAmountTotal: true, Currency: strings.ToLower(s.params.Currency), Metadata: s.params.Metadata(),
		ClientReferenceID: s.params.RegistrationID, ExpiresAt: s.params.ExpiresAt.UTC().Truncate(time.Second),
	}
}

// pay completes an open session as a card payment; lock held.
func (c *Checkout) pay(s *session, now time.Time) *event {
	s.status, s.paymentStatus = stripe.SessionStatusComplete, stripe.PaymentStatusPaid
	s.paymentIntent, s.charge = "pi_test_"+newID(), "ch_test_"+newID()
	c.byIntent[s.paymentIntent] = s
	return c.record(s.id, c.sessionEvent(s, stripe.EventCheckoutCompleted, now))
}

// expire expires an open session; lock held.
func (c *Checkout) expire(s *session, now time.Time) *event {
	s.status = stripe.SessionStatusExpired
	return c.record(s.id, c.sessionEvent(s, stripe.EventCheckoutExpired, now))
}

// expireDue expires the open sessions whose expires_at has passed, as
// Stripe does on its own, and delivers their events in the background;
// lock held.
func (c *Checkout) expireDue(now time.Time) {
	for _, s := range c.sessions {
		if s.status == stripe.SessionStatusOpen && !now.Before(s.params.ExpiresAt) {
			c.deliverLater(c.expire(s, now))
		}
	}
}

func (c *Checkout) sessionEvent(s *session, typ string, now time.Time) []byte {
	v := s.view()
	return stripe.BuildSessionEvent(stripe.SessionEventParams{
		Type: typ, SessionID: v.ID, PaymentStatus: v.PaymentStatus, PaymentIntentID: v.PaymentIntentID,
		AmountTotal: v.AmountTotal, Currency: v.Currency, Metadata: v.Metadata, ClientReferenceID: v.ClientReferenceID,
		ExpiresAt: v.ExpiresAt, Created: now,
	})
}

// Refunds returns every refund made, in order.
func (c *Checkout) Refunds() []Refund {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Refund, len(c.refunds))
	for i, r := range c.refunds {
		r.Metadata = maps.Clone(r.Metadata)
		out[i] = r
	}
	return out
}

func newID() string { return strings.ToLower(rand.Text()) }
