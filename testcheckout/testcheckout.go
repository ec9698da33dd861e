// Package testcheckout is the offline demo's stand-in for Stripe Checkout.
// It hands out checkout URLs on the service itself; its page, marked TEST
// MODE, shows what would be charged, and its Pay and Cancel buttons send
// Stripe-format events, signed with the demo's own webhook secret, to the
// service's own /webhooks/stripe. The webhook, the job and the email then
// run exactly as they do for real Stripe.
//
// It is only ever wired by the demo command, and only when no
// STRIPE_SECRET_KEY is set.
package testcheckout

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"basketball"
	"basketball/stripe"
)

//go:embed checkout.html
var pageFS embed.FS

var page = template.Must(template.ParseFS(pageFS, "checkout.html"))

// Checkout implements the web package's Checkout with local sessions.
type Checkout struct {
	// PublicURL is the base of the checkout URLs handed to parents.
	PublicURL string
	// WebhookURL is where events are posted: the service's own webhook.
	WebhookURL string
	// WebhookSecret signs the events, as Stripe does.
	WebhookSecret string
	// Client posts the events; nil uses a client with a 10 s timeout.
	Client *http.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
	byKey    map[string]*session
}

type session struct {
	id     string
	params stripe.CheckoutParams
	done   string // "", "paid" or "canceled"
}

// CreateCheckoutSession makes a local session. Like Stripe, the same
// idempotency key returns the same session.
func (c *Checkout) CreateCheckoutSession(ctx context.Context, p stripe.CheckoutParams) (stripe.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions == nil {
		c.sessions, c.byKey = map[string]*session{}, map[string]*session{}
	}
	s, ok := c.byKey[p.IdempotencyKey]
	if !ok {
		s = &session{id: "cs_test_" + strings.ToLower(rand.Text()), params: p}
		c.sessions[s.id] = s
		if p.IdempotencyKey != "" {
			c.byKey[p.IdempotencyKey] = s
		}
	}
	return stripe.Session{ID: s.id, URL: strings.TrimRight(c.PublicURL, "/") + "/test-checkout/" + s.id, ExpiresAt: s.params.ExpiresAt}, nil
}

// Routes are the test checkout's pages, to mount on the service's mux.
// The Pay and Cancel posts are guarded against cross-site submission.
func (c *Checkout) Routes() map[string]http.Handler {
	cop := http.NewCrossOriginProtection()
	return map[string]http.Handler{
		"GET /test-checkout/{session}":         http.HandlerFunc(c.show),
		"POST /test-checkout/{session}/pay":    cop.Handler(http.HandlerFunc(c.pay)),
		"POST /test-checkout/{session}/cancel": cop.Handler(http.HandlerFunc(c.cancel)),
	}
}

func (c *Checkout) lookup(id string) (*session, stripe.CheckoutParams, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[id]
	if !ok {
		return nil, stripe.CheckoutParams{}, "", false
	}
	return s, s.params, s.done, true
}

func (c *Checkout) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

type pageData struct {
	ID, Product, Email, Amount, Done, Error string
	Expired                                 bool
}

func (c *Checkout) show(w http.ResponseWriter, r *http.Request) {
	_, p, done, ok := c.lookup(r.PathValue("session"))
	if !ok {
		c.render(w, http.StatusNotFound, pageData{Error: "This test checkout session does not exist (the demo may have restarted). Go back to your registration to pay again."})
		return
	}
	c.render(w, http.StatusOK, pageData{
		ID: r.PathValue("session"), Product: p.TryoutName + " – " + p.PlayerName, Email: p.CustomerEmail,
		Amount: basketball.FormatAmount(p.AmountCents, p.Currency), Done: done, Expired: !c.now().Before(p.ExpiresAt),
	})
}

func (c *Checkout) render(w http.ResponseWriter, status int, d pageData) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// pay sends checkout.session.completed, as Stripe does once a card is
// charged, then returns the parent to the success URL.
func (c *Checkout) pay(w http.ResponseWriter, r *http.Request) {
	c.finish(w, r, "paid", func(s *session) []byte {
		return stripe.BuildSessionEvent(stripe.SessionEventParams{
			Type: stripe.EventCheckoutCompleted, SessionID: s.id, PaymentStatus: "paid",
			PaymentIntentID: "pi_test_" + strings.ToLower(rand.Text()), AmountTotal: s.params.AmountCents,
			Currency: s.params.Currency, Metadata: s.params.Metadata(), ClientReferenceID: s.params.RegistrationID, Created: c.now(),
		})
	}, strings.ReplaceAll(c.params(r).SuccessURL, "{CHECKOUT_SESSION_ID}", r.PathValue("session")))
}

// cancel sends checkout.session.expired and returns to the cancel URL.
func (c *Checkout) cancel(w http.ResponseWriter, r *http.Request) {
	c.finish(w, r, "canceled", func(s *session) []byte {
		return stripe.BuildSessionEvent(stripe.SessionEventParams{
			Type: stripe.EventCheckoutExpired, SessionID: s.id, PaymentStatus: "unpaid",
			AmountTotal: s.params.AmountCents, Currency: s.params.Currency, Metadata: s.params.Metadata(),
			ClientReferenceID: s.params.RegistrationID, Created: c.now(),
		})
	}, c.params(r).CancelURL)
}

func (c *Checkout) params(r *http.Request) stripe.CheckoutParams {
	_, p, _, _ := c.lookup(r.PathValue("session"))
	return p
}

func (c *Checkout) finish(w http.ResponseWriter, r *http.Request, outcome string, event func(*session) []byte, next string) {
	id := r.PathValue("session")
	s, p, done, ok := c.lookup(id)
	switch {
	case !ok:
		c.render(w, http.StatusNotFound, pageData{Error: "This test checkout session does not exist."})
		return
	case done != "":
		// A second click: the event was sent already.
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	case outcome == "paid" && !c.now().Before(p.ExpiresAt):
		c.render(w, http.StatusConflict, pageData{ID: id, Error: "This checkout session has expired. Go back to your registration to pay again."})
		return
	}
	if err := c.send(r.Context(), event(s)); err != nil {
		c.render(w, http.StatusBadGateway, pageData{ID: id, Error: "The test payment could not be delivered to the service: " + err.Error()})
		return
	}
	c.mu.Lock()
	s.done = outcome
	c.mu.Unlock()
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// send posts a signed event to the webhook, as Stripe would.
func (c *Checkout) send(ctx context.Context, payload []byte) error {
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.WebhookURL, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", stripe.SignPayload(payload, c.WebhookSecret, c.now()))
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %d: %s", res.StatusCode, body)
	}
	return nil
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
