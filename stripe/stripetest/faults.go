package stripetest

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// fault is what the test asked an endpoint to suffer.
type fault struct {
	failures int // requests still to fail
	status   int
	latency  time.Duration
}

// FailNext makes the next n requests to endpoint fail with status: 500 is
// Stripe's api_error, 429 its rate_limit error, any other status an
// api_error with that status. A failed request changes nothing. Like
// Stripe, a 500 answered to a POST with an Idempotency-Key is saved and
// replayed to every later request with that key; a 429 is not.
func (s *Server) FailNext(e Endpoint, n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault(e)
	f.failures, f.status = n, status
}

// SetLatency makes every request to endpoint wait d before it is handled
// (0 removes the delay). A client that gives up meanwhile gets nothing, and
// nothing is recorded or changed.
func (s *Server) SetLatency(e Endpoint, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault(e).latency = d
}

func (s *Server) fault(e Endpoint) *fault {
	f, ok := s.faults[e]
	if !ok {
		f = &fault{}
		s.faults[e] = f
	}
	return f
}

func (s *Server) latency(e Endpoint) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.faults[e]; ok {
		return f.latency
	}
	return 0
}

// takeFault consumes one injected failure of e, if any is left.
func (s *Server) takeFault(e Endpoint) (response, bool) {
	f, ok := s.faults[e]
	if !ok || f.failures <= 0 {
		return response{}, false
	}
	f.failures--
	if f.status == http.StatusTooManyRequests {
		// Rate limiting happens before the request runs: never saved.
		return response{status: f.status, invalid: true,
			body: errorBody("invalid_request_error", "rate_limit", "", "Request rate limit exceeded. (stripetest fault)")}, true
	}
	return response{status: f.status, body: errorBody("api_error", "", "", "An unknown error occurred. (stripetest fault)")}, true
}

// saved is the first answer to an idempotency key.
type saved struct {
	endpoint Endpoint
	params   string
	res      response
}

// replay returns the saved answer for key, or Stripe's refusal when the key
// was first used with another endpoint or other parameters.
func (s *Server) replay(key string, e Endpoint, params url.Values) (response, bool) {
	sv, ok := s.idem[key]
	if !ok {
		return response{}, false
	}
	if sv.endpoint != e || sv.params != params.Encode() {
		return response{status: http.StatusBadRequest, invalid: true, body: errorBody("idempotency_error", "", "",
			"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '"+key+"' if you meant to execute a different request.")}, true
	}
	return sv.res, true
}

// save keeps the answer under key unless Stripe would not: a request refused
// for its parameters, or rate limited, may be retried with the same key.
func (s *Server) save(key string, e Endpoint, params url.Values, res response) {
	if res.invalid {
		return
	}
	s.idem[key] = &saved{endpoint: e, params: params.Encode(), res: res}
}

// randomID returns a random suffix for object ids, like Stripe's.
func randomID() string {
	return strings.ToLower(rand.Text())[:24]
}
