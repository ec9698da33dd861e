package stripe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"basketball"
)

var (
	// ErrBadSignature means the Stripe-Signature header is missing, does not
	// match the body and secret, or carries a timestamp outside the
	// tolerance. Nothing in such a body can be trusted: answer 400.
	ErrBadSignature = errors.New("stripe webhook: bad signature")

	// ErrMalformed means the body is validly signed but does not have the
	// shape we need. The Event holds what could be read: record it and
	// answer 200, since Stripe resending it will not make it readable.
	ErrMalformed = errors.New("stripe webhook: malformed event")
)

// WebhookTolerance is how far a signature's timestamp may be from now.
const WebhookTolerance = webhook.DefaultTolerance

// Event types the application acts on.
const (
	EventCheckoutCompleted             = basketball.EventCheckoutCompleted
	EventCheckoutAsyncPaymentSucceeded = basketball.EventAsyncPaymentSucceeded
	EventCheckoutAsyncPaymentFailed    = basketball.EventAsyncPaymentFailed
	EventCheckoutExpired               = basketball.EventCheckoutExpired
	EventChargeRefunded                = basketball.EventChargeRefunded
	EventChargeDisputeCreated          = basketball.EventChargeDisputeCreated
	EventChargeDisputeClosed           = basketball.EventChargeDisputeClosed
)

// Event is the part of a Stripe event the application uses. Only the fields
// of its kind are set: the checkout fields for checkout.session.* events, the
// charge fields for charge.refunded, the dispute fields for
// charge.dispute.*. The webhook ([ParseWebhook]) and the events list
// ([Client.ListEvents], [ParseEvent]) fill it with the same code.
type Event struct {
	ID      string
	Type    string
	Created time.Time

	// checkout.session.* events.
	SessionID         string
	PaymentStatus     string // paid, unpaid or no_payment_required
	PaymentIntentID   string
	ClientReferenceID string
	Currency          string
	AmountTotal       int64
	HasAmountTotal    bool              // amount_total was present and not null
	Metadata          map[string]string // nil when absent or null

	// charge.refunded.
	ChargeID              string
	ChargePaymentIntentID string
	ChargeCurrency        string
	ChargeAmount          int64
	ChargeAmountRefunded  int64
	ChargeRefunded        bool // true once fully refunded

	// charge.dispute.created and charge.dispute.closed.
	DisputeID              string
	DisputeChargeID        string
	DisputePaymentIntentID string // "" on API versions that lack it
	DisputeAmount          int64
	DisputeCurrency        string
	DisputeStatus          string // see DisputeStatusLost and friends
	DisputeReason          string // fraudulent, duplicate, product_not_received, …
}

// ParseWebhook verifies payload against the Stripe-Signature header value
// with secret, then decodes it. now is the clock for the timestamp
// tolerance; nil means time.Now.
//
// Errors: ErrBadSignature (nothing was read), or ErrMalformed with an Event
// holding whatever could be read. Events of any API version are accepted.
func ParseWebhook(payload []byte, sigHeader, secret string, now func() time.Time) (Event, error) {
	if secret == "" {
		// An empty HMAC key is one anybody can sign with.
		return Event{}, fmt.Errorf("%w: no webhook secret configured", ErrBadSignature)
	}
	if now == nil {
		now = time.Now
	}

	// The SDK checks the HMAC; tolerance is checked below against our clock
	// so tests and the demo can inject one. Its event decoding is not used:
	// it gives up on the whole event for one odd field, and we must still
	// record such an event.
	_, sdkErr := webhook.ConstructEventWithOptions(payload, sigHeader, secret, webhook.ConstructEventOptions{
		IgnoreTolerance:          true,
		IgnoreAPIVersionMismatch: true,
	})
	if isSignatureErr(sdkErr) {
		return Event{}, fmt.Errorf("%w: %v", ErrBadSignature, sdkErr)
	}
	signedAt, ok := signatureTime(sigHeader)
	if !ok {
		return Event{}, fmt.Errorf("%w: no timestamp", ErrBadSignature)
	}
	if skew := now().Sub(signedAt); skew > WebhookTolerance || skew < -WebhookTolerance {
		return Event{}, fmt.Errorf("%w: timestamp %s outside tolerance", ErrBadSignature, signedAt.UTC().Format(time.RFC3339))
	}

	// Past the signature, the SDK's objections (a missing "object", a
	// shape it takes for a thin event) do not matter: the fields we read
	// decide whether the event is usable.
	ev, err := decodeEvent(payload)
	if err != nil {
		return ev, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return ev, nil
}

func isSignatureErr(err error) bool {
	return errors.Is(err, webhook.ErrNotSigned) ||
		errors.Is(err, webhook.ErrInvalidHeader) ||
		errors.Is(err, webhook.ErrNoValidSignature) ||
		errors.Is(err, webhook.ErrTooOld)
}

// signatureTime reads t= from a header the SDK has already verified; like
// the SDK, the last t= wins.
func signatureTime(header string) (time.Time, bool) {
	var t time.Time
	found := false
	for pair := range strings.SplitSeq(header, ",") {
		v, ok := strings.CutPrefix(pair, "t=")
		if !ok {
			continue
		}
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		t, found = time.Unix(sec, 0), true
	}
	return t, found
}

// decodeEvent reads the envelope and, for the types we act on, the data
// object. It returns every field it could read, and every problem met.
func decodeEvent(payload []byte) (Event, error) {
	env := readFields(payload)
	ev := Event{ID: env.str("id"), Type: env.str("type")}
	if created := env.int("created"); created != 0 {
		ev.Created = time.Unix(created, 0).UTC()
	}
	if env.m != nil {
		env.require("id")
		env.require("type")
	}
	if kind := env.str("object"); kind != "" && kind != "event" {
		env.fail("object", "%q is not an event", kind)
	}

	switch {
	case strings.HasPrefix(ev.Type, "checkout.session."):
		if obj, ok := dataObject(env, "checkout.session"); ok {
			// No field is required: the registration is matched by its
			// metadata alone, and the store keeps what is present.
			s := readSession(obj)
			ev.SessionID = s.ID
			ev.PaymentStatus = s.PaymentStatus
			ev.PaymentIntentID = s.PaymentIntentID
			ev.ClientReferenceID = s.ClientReferenceID
			ev.Currency = s.Currency
			ev.AmountTotal, ev.HasAmountTotal = s.AmountTotal, s.HasAmountTotal
			ev.Metadata = s.Metadata
		}
	case ev.Type == EventChargeRefunded:
		if obj, ok := dataObject(env, "charge"); ok {
			ev.ChargeID = obj.str("id")
			ev.ChargePaymentIntentID = obj.expandableID("payment_intent")
			ev.ChargeCurrency = obj.str("currency")
			ev.ChargeAmount = obj.int("amount")
			ev.ChargeAmountRefunded = obj.int("amount_refunded")
			ev.ChargeRefunded = obj.bool("refunded")
		}
	case strings.HasPrefix(ev.Type, "charge.dispute."):
		if obj, ok := dataObject(env, "dispute"); ok {
			readDispute(&ev, obj)
		}
	}
	return ev, env.err()
}

// dataObject returns data.object when it is an object of the wanted kind.
// Real events always name the kind; an absent "object" is tolerated.
func dataObject(env *fields, want string) (*fields, bool) {
	data, ok := env.object("data")
	if !ok {
		return nil, false
	}
	obj, ok := data.object("object")
	if !ok {
		return nil, false
	}
	if kind := obj.str("object"); kind != "" && kind != want {
		obj.fail("object", "%q, want %q", kind, want)
		return nil, false
	}
	return obj, true
}
