// Package stripetest is a recording, stateful fake of the parts of Stripe's
// API that basketball-api calls, served in-process for tests: Checkout
// Sessions (create, retrieve, expire), refunds, and the events list, with
// signed webhook deliveries that a test can switch off to play a lost
// webhook.
//
// stripe-mock checks that our requests are valid but keeps no state; this
// fake keeps state so a test can run a whole story: the service creates a
// session, the test pays it (CompleteSession), the webhook is lost, and the
// service finds the payment by retrieving the session or by reading the
// events list. Its events are built by the stripe package's own builders, so
// they have Stripe's shape.
//
// What it models of Stripe's behaviour, on purpose:
//   - Idempotency: a POST with an Idempotency-Key already used gets the first
//     answer again (header Idempotent-Replayed: true), a 500 included; with
//     other parameters, 400 idempotency_error. A request refused for its
//     parameters, or rate limited (429), is not saved.
//   - The events list is newest first, pages with starting_after and
//     ending_before, and filters on created, types[] and type.
//   - API calls that make events (expire, refund) deliver them in the
//     background, as Stripe does; the test-side methods (CompleteSession,
//     …) deliver before returning, so a test reads in order.
//
// Create a Server with NewServer and point stripe.Config.APIURL at URL().
// All methods are safe for concurrent use.
package stripetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Endpoint names one API route of the fake, for fault injection and in the
// recorded requests.
type Endpoint string

// The endpoints the fake serves.
const (
	EndpointCreateSession   Endpoint = "POST /v1/checkout/sessions"
	EndpointRetrieveSession Endpoint = "GET /v1/checkout/sessions/{id}"
	EndpointExpireSession   Endpoint = "POST /v1/checkout/sessions/{id}/expire"
	EndpointCreateRefund    Endpoint = "POST /v1/refunds"
	EndpointListEvents      Endpoint = "GET /v1/events"
	EndpointRetrieveEvent   Endpoint = "GET /v1/events/{id}"
)

// Request is one API request the fake received.
type Request struct {
	Endpoint       Endpoint // "" for a route the fake does not serve
	Method, Path   string
	Params         url.Values // the form body of a POST, the query of a GET
	IdempotencyKey string
	Status         int  // what the fake answered
	Replayed       bool // answered from the idempotency store
}

// Server is a running fake Stripe API.
type Server struct {
	hs        *httptest.Server
	closeOnce sync.Once
	deliverWG sync.WaitGroup
	client    *http.Client // for webhook deliveries

	mu          sync.Mutex
	now         func() time.Time
	requests    []Request
	idem        map[string]*saved
	faults      map[Endpoint]*fault
	sessions    map[string]*Session
	sessionIDs  []string            // creation order
	payments    map[string]*payment // by PaymentIntent id
	refunds     []Refund
	disputes    map[string]*Dispute
	events      []*event // in the order they happened
	webhookURL  string
	secret      string
	deliveryOff bool
	deliveries  []Delivery
}

// NewServer starts a fake Stripe on a loopback port and closes it when the
// test ends (after deliveries in flight).
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		now:      time.Now,
		client:   &http.Client{Timeout: 10 * time.Second},
		idem:     map[string]*saved{},
		faults:   map[Endpoint]*fault{},
		sessions: map[string]*Session{},
		payments: map[string]*payment{},
		disputes: map[string]*Dispute{},
	}
	s.hs = httptest.NewServer(s.routes())
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to give to stripe.Config.APIURL.
func (s *Server) URL() string { return s.hs.URL }

// Close waits for webhook deliveries in flight, then stops the server. It
// may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.deliverWG.Wait()
		s.hs.Close()
	})
}

// SetClock replaces the fake's clock (time.Now by default): it stamps
// objects and events, signs deliveries, and decides whether expires_at is
// 30 min to 24 h ahead and whether a session has expired.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Requests returns every API request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.requests)
	for i := range out {
		out[i].Params = cloneValues(out[i].Params)
	}
	return out
}

// RequestsTo returns the requests to one endpoint, in order.
func (s *Server) RequestsTo(e Endpoint) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Endpoint == e {
			out = append(out, r)
		}
	}
	return out
}

// apiRequest is what a handler sees: the request, its parameters and the
// clock, with the server's lock held.
type apiRequest struct {
	r      *http.Request
	params url.Values
	now    time.Time
}

// response is a handler's answer. invalid marks a refusal of the request's
// parameters, which Stripe does not save under the idempotency key.
type response struct {
	status  int
	body    []byte
	invalid bool
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(e Endpoint, h func(*apiRequest) response) {
		mux.Handle(string(e), s.api(e, h))
	}
	handle(EndpointCreateSession, s.createSession)
	handle(EndpointRetrieveSession, s.retrieveSession)
	handle(EndpointExpireSession, s.expireSession)
	handle(EndpointCreateRefund, s.createRefund)
	handle(EndpointListEvents, s.listEvents)
	handle(EndpointRetrieveEvent, s.retrieveEvent)
	mux.Handle("/", s.api("", func(r *apiRequest) response {
		return invalidRequest(http.StatusNotFound, "", "", "Unrecognized request URL ("+r.r.Method+": "+r.r.URL.Path+").")
	}))
	return mux
}

// api wraps a handler with what every Stripe endpoint does: authentication,
// the injected latency and faults, idempotent replays, and the record.
func (s *Server) api(e Endpoint, h func(*apiRequest) response) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		params, err := readParams(r)
		key := r.Header.Get("Idempotency-Key")
		if latency := s.latency(e); latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}

		s.mu.Lock()
		rec := Request{Endpoint: e, Method: r.Method, Path: r.URL.Path, Params: params, IdempotencyKey: key}
		res := func() response {
			if err != nil {
				return invalidRequest(http.StatusBadRequest, "", "", "Invalid request body: "+err.Error())
			}
			if !authorized(r.Header.Get("Authorization")) {
				return response{status: http.StatusUnauthorized, body: errorBody("invalid_request_error", "", "", "Invalid API Key provided."), invalid: true}
			}
			idempotent := r.Method == http.MethodPost && key != ""
			if idempotent {
				if res, ok := s.replay(key, e, params); ok {
					rec.Replayed = true
					return res
				}
			}
			res, faulted := s.takeFault(e)
			if !faulted {
				res = h(&apiRequest{r: r, params: params, now: s.now()})
			}
			if idempotent {
				s.save(key, e, params, res)
			}
			return res
		}()
		rec.Status = res.status
		s.requests = append(s.requests, rec)
		s.mu.Unlock()

		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_test_"+randomID())
		if key != "" {
			w.Header().Set("Idempotency-Key", key)
		}
		if rec.Replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.WriteHeader(res.status)
		_, _ = w.Write(res.body)
	})
}

// readParams reads a POST's form body or a GET's query, keeping the keys as
// stripe-go writes them (metadata[type], types[0], created[gte]).
func readParams(r *http.Request) (url.Values, error) {
	if r.Method != http.MethodPost {
		return r.URL.Query(), nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return url.ParseQuery(string(body))
}

func authorized(header string) bool {
	key, ok := strings.CutPrefix(header, "Bearer ")
	return ok && (strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "rk_test_"))
}

// ok answers 200 with v as JSON.
func ok(v any) response {
	return response{status: http.StatusOK, body: mustJSON(v)}
}

// invalidRequest is Stripe's answer to a request it refuses.
func invalidRequest(status int, code, param, msg string) response {
	return response{status: status, body: errorBody("invalid_request_error", code, param, msg), invalid: true}
}

// refused is a refusal of the request's effect (not its parameters): Stripe
// saves it under the idempotency key.
func refused(code, param, msg string) response {
	return response{status: http.StatusBadRequest, body: errorBody("invalid_request_error", code, param, msg)}
}

func errorBody(typ, code, param, msg string) []byte {
	e := map[string]string{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	if param != "" {
		e["param"] = param
	}
	return mustJSON(map[string]any{"error": e})
}

func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("stripetest: encode: " + err.Error())
	}
	return bytes.TrimSpace(buf.Bytes())
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
