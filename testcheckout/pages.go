package testcheckout

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"net/http"
	"strings"

	"basketball"
	"basketball/stripe"
)

//go:embed checkout.html
var pageFS embed.FS

var page = template.Must(template.ParseFS(pageFS, "checkout.html"))

// Routes are the test checkout's pages, to mount on the service's mux.
// The Pay and Cancel posts are guarded against cross-site submission.
func (c *Checkout) Routes() map[string]http.Handler {
	cop := http.NewCrossOriginProtection()
	return map[string]http.Handler{
		"GET /test-checkout/{session}":         http.HandlerFunc(c.show),
		"POST /test-checkout/{session}/pay":    cop.Handler(http.HandlerFunc(c.payPage)),
		"POST /test-checkout/{session}/cancel": cop.Handler(http.HandlerFunc(c.cancelPage)),
	}
}

type pageData struct {
	ID, Product, Email, Amount, Error string
	State                             string // open, paid, canceled or expired
	NoWebhooks                        bool
	Refunds                           []refundLine
	Events                            []eventLine
}

type refundLine struct{ ID, Amount string }

type eventLine struct{ ID, Type, Delivery string }

const (
	msgNoSession = "This test checkout session does not exist (the demo may have restarted). Go back to your registration to pay again."
	msgExpired   = "This checkout session has expired. Go back to your registration to pay again."
)

func (c *Checkout) show(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.init()
	c.expireDue(c.now())
	s, ok := c.sessions[r.PathValue("session")]
	var d pageData
	if ok {
		d = c.pageData(s)
	}
	c.mu.Unlock()
	if !ok {
		c.render(w, http.StatusNotFound, pageData{Error: msgNoSession})
		return
	}
	c.render(w, http.StatusOK, d)
}

// pageData describes a session for its page; lock held.
func (c *Checkout) pageData(s *session) pageData {
	p := s.params
	d := pageData{
		ID: s.id, Product: p.TryoutName + " – " + p.PlayerName, Email: p.CustomerEmail,
		Amount: basketball.FormatAmount(p.AmountCents, p.Currency), NoWebhooks: c.NoWebhooks,
	}
	switch {
	case s.status == stripe.SessionStatusComplete:
		d.State = "paid"
	case s.status == stripe.SessionStatusExpired && s.canceled:
		d.State = "canceled"
	default:
		d.State = s.status
	}
	for _, rf := range c.refunds {
		if rf.SessionID == s.id {
			d.Refunds = append(d.Refunds, refundLine{ID: rf.ID, Amount: basketball.FormatAmount(rf.Amount, rf.Currency)})
		}
	}
	for _, ev := range c.events {
		if ev.sessionID == s.id {
			d.Events = append(d.Events, eventLine{ID: ev.id, Type: ev.typ, Delivery: ev.delivery})
		}
	}
	return d
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

// payPage takes the test payment, as Stripe Checkout does once a card is
// charged: the session is paid and checkout.session.completed recorded and
// delivered (unless NoWebhooks) before the parent is sent to the success
// URL. The payment stands even when the delivery fails, as at Stripe: the
// service then confirms it on the parent's return or by reconciliation.
func (c *Checkout) payPage(w http.ResponseWriter, r *http.Request) {
	c.finish(w, r, func(s *session) (*event, string) {
		if s.status == stripe.SessionStatusComplete {
			return nil, successURL(s) // a second click
		}
		return c.pay(s, c.now()), successURL(s)
	})
}

// cancelPage expires the session (checkout.session.expired) and sends the
// parent to the cancel URL.
func (c *Checkout) cancelPage(w http.ResponseWriter, r *http.Request) {
	c.finish(w, r, func(s *session) (*event, string) {
		if s.status == stripe.SessionStatusComplete {
			return nil, successURL(s)
		}
		s.canceled = true
		return c.expire(s, c.now()), s.params.CancelURL
	})
}

// finish runs act on an open session with the lock held, delivers the
// event it made, and redirects.
func (c *Checkout) finish(w http.ResponseWriter, r *http.Request, act func(*session) (*event, string)) {
	c.mu.Lock()
	c.init()
	c.expireDue(c.now())
	s, ok := c.sessions[r.PathValue("session")]
	if !ok {
		c.mu.Unlock()
		c.render(w, http.StatusNotFound, pageData{Error: msgNoSession})
		return
	}
	if s.status == stripe.SessionStatusExpired {
		d := c.pageData(s)
		c.mu.Unlock()
		if s.canceled && strings.HasSuffix(r.URL.Path, "/cancel") {
			http.Redirect(w, r, s.params.CancelURL, http.StatusSeeOther) // a second click
			return
		}
		d.Error = msgExpired
		c.render(w, http.StatusConflict, d)
		return
	}
	ev, next := act(s)
	if ev != nil {
		ev.delivery = deliveryPending
	}
	c.mu.Unlock()
	if ev != nil {
		// The parent leaving must not cut the delivery short.
		c.deliver(context.WithoutCancel(r.Context()), ev)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func successURL(s *session) string {
	return strings.ReplaceAll(s.params.SuccessURL, "{CHECKOUT_SESSION_ID}", s.id)
}
