package stripe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"

	sgo "github.com/stripe/stripe-go/v85"
)

var (
	// ErrUnavailable means Stripe could not serve the call right now or with
	// our credentials: network failure, timeout, 5xx, 409, 429 or an
	// authentication/permission error. Retrying later may succeed.
	ErrUnavailable = errors.New("payment provider unavailable")

	// ErrInvalidRequest means Stripe (or our own check before calling it)
	// refused the parameters. Retrying the same call will fail again.
	ErrInvalidRequest = errors.New("payment provider rejected the request")

	// ErrNotFound means the object named in the call (a Checkout Session,
	// a PaymentIntent) does not exist in this Stripe account: Stripe
	// answered 404 or resource_missing. It also matches ErrInvalidRequest.
	ErrNotFound error = refusal("no such object at the payment provider")

	// ErrSessionNotOpen means a Checkout Session could not be expired
	// because it is no longer open: it is complete (paid, or being paid by
	// a delayed method) or already expired. It also matches
	// ErrInvalidRequest.
	ErrSessionNotOpen error = refusal("checkout session is not open")

	// ErrAlreadyRefunded means the payment was already refunded in full
	// (Stripe's charge_already_refunded), by an earlier call with another
	// idempotency key or from the Stripe Dashboard. It also matches
	// ErrInvalidRequest.
	ErrAlreadyRefunded error = refusal("payment already refunded")
)

// refusal is a specific reason Stripe refused a call; each is also an
// ErrInvalidRequest, so callers that only tell "retry" from "don't" need
// not know them.
type refusal string

func (r refusal) Error() string { return string(r) }
func (r refusal) Unwrap() error { return ErrInvalidRequest }

// Error describes a failed API call. It matches exactly one of ErrUnavailable
// or ErrInvalidRequest with errors.Is (and, for the refusals that have one,
// ErrNotFound, ErrSessionNotOpen or ErrAlreadyRefunded as well), and also
// context.Canceled or context.DeadlineExceeded when the call ran out of
// time. Its text never contains the secret key.
type Error struct {
	// Op names the call, e.g. "create checkout session".
	Op string
	// Kind is ErrUnavailable, ErrInvalidRequest, or one of the specific
	// refusals that wrap ErrInvalidRequest (ErrNotFound, ErrSessionNotOpen,
	// ErrAlreadyRefunded).
	Kind error
	// StatusCode is the HTTP status Stripe answered, 0 when none arrived.
	StatusCode int
	// Type and Code are Stripe's error type and code, when it sent them.
	Type, Code string
	// RequestID is Stripe's Request-Id, useful when contacting its support.
	RequestID string
	// Detail is a short human-readable cause with the key scrubbed out.
	Detail string

	ctxErr error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stripe: %s: %v", e.Op, e.Kind)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", e.StatusCode)
	}
	if e.Type != "" || e.Code != "" {
		fmt.Fprintf(&b, " (%s", e.Type)
		if e.Code != "" {
			fmt.Fprintf(&b, "/%s", e.Code)
		}
		b.WriteString(")")
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	return b.String()
}

// Unwrap exposes the kind and, for timeouts and cancellations, the context
// error. The SDK error itself is not exposed: its fields could echo the key.
func (e *Error) Unwrap() []error {
	if e.ctxErr != nil {
		return []error{e.Kind, e.ctxErr}
	}
	return []error{e.Kind}
}

// maxDetail keeps error text readable when a proxy answers with an HTML page.
const maxDetail = 300

// secretKeyRE catches any Stripe key, not only ours, that a server might echo.
var secretKeyRE = regexp.MustCompile(`\b(sk|rk)_(test|live)_[0-9A-Za-z]+`)

// scrub removes key (and anything shaped like a Stripe secret key) from s.
func scrub(s, key string) string {
	if key != "" {
		s = strings.ReplaceAll(s, key, "[redacted]")
	}
	s = secretKeyRE.ReplaceAllString(s, "[redacted]")
	if len(s) > maxDetail {
		s = s[:maxDetail] + "…"
	}
	return s
}

// wrapErr classifies an error returned by the SDK for operation op.
func (c *Client) wrapErr(op string, err error) error {
	e := &Error{Op: op, Kind: ErrUnavailable}
	switch {
	case errors.Is(err, context.Canceled):
		e.ctxErr = context.Canceled
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		e.ctxErr = context.DeadlineExceeded
	}

	var se *sgo.Error
	if !errors.As(err, &se) {
		// No Stripe error body: a network failure, a timeout, or an answer
		// that was not Stripe JSON (e.g. a proxy's 502 page).
		e.Detail = scrub(err.Error(), c.key)
		return e
	}
	e.StatusCode = se.HTTPStatusCode
	e.Type = string(se.Type)
	e.Code = string(se.Code)
	e.RequestID = se.RequestID
	e.Detail = se.Msg
	if se.Param != "" {
		e.Detail = fmt.Sprintf("%s (param %s)", se.Msg, se.Param)
	}
	e.Detail = scrub(e.Detail, c.key)
	if !transientStatus(se.HTTPStatusCode) {
		e.Kind = refusalKind(se.HTTPStatusCode, e.Code)
	}
	return e
}

// refusalKind names a refusal more precisely when Stripe's status or error
// code says which one it is.
func refusalKind(status int, code string) error {
	switch {
	case status == http.StatusNotFound || code == string(sgo.ErrorCodeResourceMissing):
		return ErrNotFound
	case code == string(sgo.ErrorCodeChargeAlreadyRefunded):
		return ErrAlreadyRefunded
	}
	return ErrInvalidRequest
}

// transientStatus reports whether an HTTP status means "not now or not with
// these credentials" rather than "not these parameters". Auth failures count
// as unavailable: the parent can do nothing about them, and they are fixed
// by an operator, after which a retry succeeds.
func transientStatus(code int) bool {
	switch {
	case code >= 500,
		code == http.StatusTooManyRequests,
		code == http.StatusConflict, // lock timeouts, concurrent idempotent request
		code == http.StatusUnauthorized,
		code == http.StatusForbidden:
		return true
	case code >= 400:
		return false
	default:
		// An error object with a non-error status is not Stripe behaving.
		return true
	}
}

// isTimeout catches the http.Client's own timeout, which races with the
// context deadline of the same length.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// invalidParams reports a request refused before any network call.
func invalidParams(op, detail string) error {
	return &Error{Op: op, Kind: ErrInvalidRequest, Detail: detail}
}
