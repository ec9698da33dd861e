package stripe

import (
	"crypto/rand"
	"encoding/json"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"
)

// TestEventAPIVersion is the api_version the builders write by default. It is
// deliberately years older than the SDK's, to prove that ParseWebhook accepts
// events of any version, as real accounts send them.
const TestEventAPIVersion = "2020-08-27"

// SessionEventParams describes a checkout.session.* event to build. Zero
// values get defaults: random evt_/cs_test_ ids, type
// checkout.session.completed, TestEventAPIVersion, Created now.
type SessionEventParams struct {
	EventID    string
	Type       string
	APIVersion string

	SessionID         string
	PaymentStatus     string
	PaymentIntentID   string // "" is sent as null, as for an unpaid session
	AmountTotal       int64
	Currency          string
	Metadata          map[string]string // nil is sent as null
	ClientReferenceID string            // "" is sent as null
	ExpiresAt         time.Time         // zero: Created plus 24 h, Stripe's default
	Created           time.Time
}

// BuildSessionEvent returns a checkout.session.* event in Stripe's JSON
// format, as the webhook endpoint receives it.
func BuildSessionEvent(p SessionEventParams) []byte {
	if p.Type == "" {
		p.Type = EventCheckoutCompleted
	}
	if p.SessionID == "" {
		p.SessionID = "cs_test_" + rand.Text()
	}
	created := createdOrNow(p.Created)
	status := "complete"
	if p.Type == EventCheckoutExpired {
		status = "expired"
	}
	expiresAt := created + int64((24 * time.Hour).Seconds())
	if !p.ExpiresAt.IsZero() {
		expiresAt = p.ExpiresAt.Unix()
	}
	session := map[string]any{
		"id":                  p.SessionID,
		"object":              "checkout.session",
		"mode":                "payment",
		"status":              status,
		"payment_status":      p.PaymentStatus,
		"payment_intent":      nullIfEmpty(p.PaymentIntentID),
		"amount_total":        p.AmountTotal,
		"amount_subtotal":     p.AmountTotal,
		"currency":            p.Currency,
		"metadata":            p.Metadata,
		"client_reference_id": nullIfEmpty(p.ClientReferenceID),
		"created":             created,
		"expires_at":          expiresAt,
		"livemode":            false,
	}
	return buildEvent(p.EventID, p.Type, p.APIVersion, created, session)
}

// ChargeEventParams describes a charge.refunded event to build. Zero values
// get defaults as in SessionEventParams (ch_test_ for the charge id).
type ChargeEventParams struct {
	EventID    string
	APIVersion string

	ChargeID        string
	PaymentIntentID string
	Amount          int64
	AmountRefunded  int64
	Currency        string
	Refunded        bool
	Created         time.Time
}

// BuildChargeRefundedEvent returns a charge.refunded event in Stripe's JSON
// format.
func BuildChargeRefundedEvent(p ChargeEventParams) []byte {
	if p.ChargeID == "" {
		p.ChargeID = "ch_test_" + rand.Text()
	}
	created := createdOrNow(p.Created)
	charge := map[string]any{
		"id":              p.ChargeID,
		"object":          "charge",
		"payment_intent":  nullIfEmpty(p.PaymentIntentID),
		"amount":          p.Amount,
		"amount_captured": p.Amount,
		"amount_refunded": p.AmountRefunded,
		"currency":        p.Currency,
		"refunded":        p.Refunded,
		"paid":            true,
		"status":          "succeeded",
		"created":         created,
		"livemode":        false,
	}
	return buildEvent(p.EventID, EventChargeRefunded, p.APIVersion, created, charge)
}

// DisputeEventParams describes a charge.dispute.* event to build. Zero
// values get defaults: type charge.dispute.created, random du_test_ and
// ch_test_ ids, status needs_response (lost for a closed one), reason
// fraudulent.
type DisputeEventParams struct {
	EventID    string
	Type       string
	APIVersion string

	DisputeID       string
	ChargeID        string
	PaymentIntentID string // "" is sent as null
	Amount          int64
	Currency        string
	Status          string
	Reason          string
	Created         time.Time
}

// BuildDisputeEvent returns a charge.dispute.created or
// charge.dispute.closed event in Stripe's JSON format.
func BuildDisputeEvent(p DisputeEventParams) []byte {
	if p.Type == "" {
		p.Type = EventChargeDisputeCreated
	}
	if p.DisputeID == "" {
		p.DisputeID = "du_test_" + rand.Text()
	}
	if p.ChargeID == "" {
		p.ChargeID = "ch_test_" + rand.Text()
	}
	if p.Status == "" {
		p.Status = DisputeStatusNeedsResponse
		if p.Type == EventChargeDisputeClosed {
			p.Status = DisputeStatusLost
		}
	}
	if p.Reason == "" {
		p.Reason = "fraudulent"
	}
	created := createdOrNow(p.Created)
	dispute := map[string]any{
		"id":                   p.DisputeID,
		"object":               "dispute",
		"amount":               p.Amount,
		"currency":             p.Currency,
		"charge":               p.ChargeID,
		"payment_intent":       nullIfEmpty(p.PaymentIntentID),
		"status":               p.Status,
		"reason":               p.Reason,
		"is_charge_refundable": false,
		"created":              created,
		"livemode":             false,
		"metadata":             map[string]string{},
	}
	return buildEvent(p.EventID, p.Type, p.APIVersion, created, dispute)
}

func buildEvent(id, typ, apiVersion string, created int64, object map[string]any) []byte {
	if id == "" {
		id = "evt_" + rand.Text()
	}
	if apiVersion == "" {
		apiVersion = TestEventAPIVersion
	}
	b, err := json.Marshal(map[string]any{
		"id":               id,
		"object":           "event",
		"api_version":      apiVersion,
		"created":          created,
		"type":             typ,
		"livemode":         false,
		"pending_webhooks": 1,
		"request":          map[string]any{"id": nil, "idempotency_key": nil},
		"data":             map[string]any{"object": object},
	})
	if err != nil {
		// Only strings, numbers, bools and maps of them: cannot fail.
		panic("stripe: build event: " + err.Error())
	}
	return b
}

func createdOrNow(t time.Time) int64 {
	if t.IsZero() {
		t = time.Now()
	}
	return t.Unix()
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SignPayload returns the Stripe-Signature header value ("t=…,v1=…") that
// Stripe would send with payload, signed with secret at time at.
func SignPayload(payload []byte, secret string, at time.Time) string {
	if at.IsZero() {
		at = time.Now()
	}
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload:   payload,
		Secret:    secret,
		Timestamp: at,
	}).Header
}

// NewWebhookSecret returns a fresh random signing secret in Stripe's whsec_
// form, for the offline demo, which signs the events it sends itself.
func NewWebhookSecret() string {
	return "whsec_" + rand.Text()
}
