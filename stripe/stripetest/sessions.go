package stripetest

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"basketball/stripe"
)

// Session is a Checkout Session as the fake holds it.
type Session struct {
	ID, URL               string
	Status                string // open, complete or expired
	PaymentStatus         string // unpaid, paid or no_payment_required
	PaymentIntentID       string // set once completed
	AmountTotal           int64  // what Stripe reports: the line items' total, or what CompleteOptions said
	Currency              string
	Metadata              map[string]string
	PaymentIntentMetadata map[string]string
	ClientReferenceID     string
	CustomerEmail         string
	ProductName           string
	SuccessURL, CancelURL string
	ExpiresAt, Created    time.Time
	IdempotencyKey        string     // of the request that created it
	Params                url.Values // every parameter it was created with
}

func (s *Session) clone() Session {
	c := *s
	c.Metadata = maps.Clone(s.Metadata)
	c.PaymentIntentMetadata = maps.Clone(s.PaymentIntentMetadata)
	c.Params = cloneValues(s.Params)
	return c
}

// Sessions returns every session, in creation order.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, 0, len(s.sessionIDs))
	for _, id := range s.sessionIDs {
		out = append(out, s.sessions[id].clone())
	}
	return out
}

// Session returns one session by id.
func (s *Server) Session(id string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return Session{}, false
	}
	return sess.clone(), true
}

// Stripe's bounds on expires_at, counted from the session's creation.
const (
	minExpiry = 30 * time.Minute
	maxExpiry = 24 * time.Hour
)

func (s *Server) createSession(r *apiRequest) response {
	p := r.params
	if p.Get("mode") != "payment" {
		return invalidRequest(400, "parameter_invalid_empty", "mode", "stripetest serves mode=payment only.")
	}
	if p.Get("success_url") == "" {
		return invalidRequest(400, "parameter_missing", "success_url", "Missing required param: success_url.")
	}
	var total int64
	var currency, name string
	for i := 0; ; i++ {
		item := fmt.Sprintf("line_items[%d]", i)
		if !p.Has(item+"[quantity]") && !p.Has(item+"[price_data][currency]") {
			if i == 0 {
				return invalidRequest(400, "parameter_missing", "line_items", "Missing required param: line_items.")
			}
			break
		}
		amount, err1 := strconv.ParseInt(p.Get(item+"[price_data][unit_amount]"), 10, 64)
		qty, err2 := strconv.ParseInt(p.Get(item+"[quantity]"), 10, 64)
		if err1 != nil || err2 != nil || amount < 0 || qty < 1 {
			return invalidRequest(400, "parameter_invalid_integer", item, "Invalid integer in "+item+".")
		}
		if currency = p.Get(item + "[price_data][currency]"); currency == "" {
			return invalidRequest(400, "parameter_missing", item+"[price_data][currency]", "Missing required param: currency.")
		}
		if i == 0 {
			name = p.Get(item + "[price_data][product_data][name]")
		}
		total += amount * qty
	}
	expires := r.now.Add(maxExpiry)
	if v := p.Get("expires_at"); v != "" {
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return invalidRequest(400, "parameter_invalid_integer", "expires_at", "Invalid integer: "+v)
		}
		expires = time.Unix(sec, 0)
		if ahead := expires.Sub(r.now); ahead < minExpiry-time.Second || ahead > maxExpiry+time.Second {
			return invalidRequest(400, "", "expires_at", "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.")
		}
	}

	id := "cs_test_" + randomID()
	sess := &Session{
		ID: id, URL: s.hs.URL + "/c/pay/" + id, Status: stripe.SessionStatusOpen, PaymentStatus: stripe.PaymentStatusUnpaid,
		AmountTotal: total, Currency: strings.ToLower(currency),
		Metadata: prefixed(p, "metadata"), PaymentIntentMetadata: prefixed(p, "payment_intent_data[metadata]"),
		ClientReferenceID: p.Get("client_reference_id"), CustomerEmail: p.Get("customer_email"), ProductName: name,
		SuccessURL: p.Get("success_url"), CancelURL: p.Get("cancel_url"),
		ExpiresAt: expires.UTC(), Created: r.now.UTC(), IdempotencyKey: r.r.Header.Get("Idempotency-Key"), Params: cloneValues(p),
	}
	s.sessions[id] = sess
	s.sessionIDs = append(s.sessionIDs, id)
	return ok(sessionObject(sess))
}

// prefixed collects name[key]=value parameters into a map; nil when none.
func prefixed(p url.Values, name string) map[string]string {
	var m map[string]string
	for k, v := range p {
		key, ok := strings.CutPrefix(k, name+"[")
		if !ok || !strings.HasSuffix(key, "]") || strings.Contains(key[:len(key)-1], "[") {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[key[:len(key)-1]] = v[0]
	}
	return m
}

func (s *Server) retrieveSession(r *apiRequest) response {
	sess, ok := s.sessions[r.r.PathValue("id")]
	if !ok {
		return noSuch("checkout.session", r.r.PathValue("id"), "")
	}
	s.expireIfDue(sess, r.now)
	return okSession(sess)
}

func okSession(sess *Session) response { return ok(sessionObject(sess)) }

func (s *Server) expireSession(r *apiRequest) response {
	sess, ok := s.sessions[r.r.PathValue("id")]
	if !ok {
		return noSuch("checkout.session", r.r.PathValue("id"), "")
	}
	s.expireIfDue(sess, r.now)
	if sess.Status != stripe.SessionStatusOpen {
		// Stripe's words; it sends no error code for this refusal.
		return refused("", "", `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `+"`"+sess.Status+"`.")
	}
	s.emitAsync(s.expire(sess, r.now))
	return okSession(sess)
}

// expire marks an open session expired and records the event; the caller
// delivers it.
func (s *Server) expire(sess *Session, now time.Time) *event {
	sess.Status = stripe.SessionStatusExpired
	return s.addEvent(sessionEvent(sess, stripe.EventCheckoutExpired, now))
}

// expireIfDue expires an open session whose expires_at has passed, as
// Stripe does on its own, delivering the event in the background.
func (s *Server) expireIfDue(sess *Session, now time.Time) {
	if sess.Status == stripe.SessionStatusOpen && !now.Before(sess.ExpiresAt) {
		s.emitAsync(s.expire(sess, now))
	}
}

func noSuch(object, id, param string) response {
	status := http.StatusNotFound
	if param != "" {
		// A missing object named in a parameter is a 400 at Stripe.
		status = http.StatusBadRequest
	}
	return invalidRequest(status, "resource_missing", param, fmt.Sprintf("No such %s: '%s'", object, id))
}

// sessionObject is the session as Stripe's API shows it.
func sessionObject(sess *Session) map[string]any {
	var payURL any
	if sess.Status == stripe.SessionStatusOpen {
		payURL = sess.URL
	}
	return map[string]any{
		"id": sess.ID, "object": "checkout.session", "mode": "payment", "livemode": false,
		"status": sess.Status, "payment_status": sess.PaymentStatus, "payment_intent": nullIfEmpty(sess.PaymentIntentID),
		"amount_total": sess.AmountTotal, "amount_subtotal": sess.AmountTotal, "currency": sess.Currency,
		"metadata": nonNil(sess.Metadata), "client_reference_id": nullIfEmpty(sess.ClientReferenceID),
		"customer_email": nullIfEmpty(sess.CustomerEmail), "success_url": sess.SuccessURL, "cancel_url": nullIfEmpty(sess.CancelURL),
		"url": payURL, "expires_at": sess.ExpiresAt.Unix(), "created": sess.Created.Unix(),
	}
}

// sessionEvent builds a checkout.session.* event of the session as it is.
func sessionEvent(sess *Session, typ string, now time.Time) []byte {
	return stripe.BuildSessionEvent(stripe.SessionEventParams{
		Type: typ, SessionID: sess.ID, PaymentStatus: sess.PaymentStatus, PaymentIntentID: sess.PaymentIntentID,
		AmountTotal: sess.AmountTotal, Currency: sess.Currency, Metadata: nonNil(sess.Metadata),
		ClientReferenceID: sess.ClientReferenceID, ExpiresAt: sess.ExpiresAt, Created: now,
	})
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nonNil sends absent metadata as {}, as Stripe does.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// ErrState is returned by the test-side methods when Stripe would not allow
// what the test asked (paying an expired session, refunding twice, …).
var ErrState = errors.New("stripetest: not allowed in this state")

// CompleteOptions says how CompleteSession completes a session.
type CompleteOptions struct {
	// Async completes it as a delayed payment method does: status complete,
	// payment_status unpaid, until AsyncPaymentSucceeded or
	// AsyncPaymentFailed.
	Async bool
	// NoPaymentRequired reports payment_status no_payment_required.
	NoPaymentRequired bool
	// AmountTotal and Currency, when set, are what Stripe reports as paid
	// instead of the session's own amount and currency.
	AmountTotal int64
	Currency    string
}

// CompleteSession plays the parent paying at Checkout: the session becomes
// complete (paid, unless opt says otherwise) with a new PaymentIntent and
// charge, and checkout.session.completed is recorded and, unless delivery
// is off, delivered before CompleteSession returns.
//
// Errors: ErrState (unknown, expired or already complete session; the
// event is not made), or ErrDeliveryFailed (the event is recorded and the
// session complete; the webhook did not answer 2xx).
func (s *Server) CompleteSession(id string, opt CompleteOptions) (Event, error) {
	s.mu.Lock()
	now := s.now()
	sess, ok := s.sessions[id]
	if ok {
		s.expireIfDue(sess, now)
	}
	if !ok || sess.Status != stripe.SessionStatusOpen {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("%w: session %q is not open", ErrState, id)
	}
	if opt.AmountTotal != 0 {
		sess.AmountTotal = opt.AmountTotal
	}
	if opt.Currency != "" {
		sess.Currency = opt.Currency
	}
	sess.Status = stripe.SessionStatusComplete
	switch {
	case opt.NoPaymentRequired:
		sess.PaymentStatus = stripe.PaymentStatusNoPaymentRequired
	case opt.Async:
		sess.PaymentStatus = stripe.PaymentStatusUnpaid
	default:
		sess.PaymentStatus = stripe.PaymentStatusPaid
	}
	if !opt.NoPaymentRequired {
		sess.PaymentIntentID = "pi_test_" + randomID()
		s.payments[sess.PaymentIntentID] = &payment{
			intent: sess.PaymentIntentID, charge: "ch_test_" + randomID(), session: id,
			amount: sess.AmountTotal, currency: sess.Currency, succeeded: !opt.Async,
		}
	}
	ev := s.addEvent(sessionEvent(sess, stripe.EventCheckoutCompleted, now))
	s.mu.Unlock()
	return ev.Event, s.emit(ev)
}

// AsyncPaymentSucceeded settles a session completed with opt.Async: it
// becomes paid, and checkout.session.async_payment_succeeded is recorded
// and delivered as by CompleteSession.
func (s *Server) AsyncPaymentSucceeded(sessionID string) (Event, error) {
	return s.settle(sessionID, stripe.EventCheckoutAsyncPaymentSucceeded)
}

// AsyncPaymentFailed fails a session completed with opt.Async: it stays
// unpaid, and checkout.session.async_payment_failed is recorded and
// delivered as by CompleteSession.
func (s *Server) AsyncPaymentFailed(sessionID string) (Event, error) {
	return s.settle(sessionID, stripe.EventCheckoutAsyncPaymentFailed)
}

func (s *Server) settle(id, typ string) (Event, error) {
	s.mu.Lock()
	sess, ok := s.sessions[id]
	if !ok || sess.Status != stripe.SessionStatusComplete || sess.PaymentStatus != stripe.PaymentStatusUnpaid {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("%w: session %q is not awaiting a delayed payment", ErrState, id)
	}
	pay := s.payments[sess.PaymentIntentID]
	if typ == stripe.EventCheckoutAsyncPaymentSucceeded {
		sess.PaymentStatus = stripe.PaymentStatusPaid
		pay.succeeded = true
	} else {
		delete(s.payments, sess.PaymentIntentID) // nothing to refund or dispute
	}
	ev := s.addEvent(sessionEvent(sess, typ, s.now()))
	s.mu.Unlock()
	return ev.Event, s.emit(ev)
}

// ExpireSession plays Stripe expiring an open session at its expires_at
// (or a test wanting it gone early): checkout.session.expired is recorded
// and delivered as by CompleteSession.
func (s *Server) ExpireSession(id string) (Event, error) {
	s.mu.Lock()
	sess, ok := s.sessions[id]
	if !ok || sess.Status != stripe.SessionStatusOpen {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("%w: session %q is not open", ErrState, id)
	}
	ev := s.expire(sess, s.now())
	s.mu.Unlock()
	return ev.Event, s.emit(ev)
}
