package stripe

import (
	"context"
	"strings"
	"time"

	sgo "github.com/stripe/stripe-go/v85"

	"basketball"
)

// MetadataType is the metadata "type" of every session this package creates;
// the webhook ignores events of sessions that carry another type.
const MetadataType = basketball.MetadataTypeRegistration

// Metadata keys set on the Checkout Session and on its PaymentIntent.
const (
	MetaType           = "type"
	MetaRegistrationID = "registration_id"
	MetaPlayerID       = "player_id"
	MetaPlayerName     = "player_name"
	MetaClub           = "club"
)

// CheckoutParams describes the Checkout Session for one registration attempt.
type CheckoutParams struct {
	RegistrationID string
	PlayerID       string
	PlayerName     string
	Club           string
	TryoutName     string
	// AmountCents is the amount due in the currency's minor unit; > 0.
	AmountCents int64
	// Currency is an ISO 4217 code; sent lower-case as Stripe documents it.
	Currency      string
	CustomerEmail string
	// SuccessURL should contain the literal {CHECKOUT_SESSION_ID}, which
	// Stripe replaces with the session id on redirect.
	SuccessURL string
	CancelURL  string
	// ExpiresAt must be 30 min to 24 h after now (Stripe's rule).
	ExpiresAt time.Time
	// IdempotencyKey makes a retried call return the same session instead
	// of creating a second one; derive it from the registration and attempt.
	IdempotencyKey string
}

// Session is the part of a created Checkout Session the application keeps.
type Session struct {
	ID        string
	URL       string
	ExpiresAt time.Time
}

const opCreateCheckout = "create checkout session"

// CreateCheckoutSession creates a payment-mode Checkout Session for one
// registration. Errors are *Error values matching ErrUnavailable or
// ErrInvalidRequest.
func (c *Client) CreateCheckoutSession(ctx context.Context, p CheckoutParams) (Session, error) {
	if detail := p.invalid(); detail != "" {
		return Session{}, invalidParams(opCreateCheckout, detail)
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	s, err := c.sc.V1CheckoutSessions.Create(ctx, p.sdkParams())
	if err != nil {
		return Session{}, c.wrapErr(opCreateCheckout, err)
	}
	if s.ID == "" || s.URL == "" {
		return Session{}, &Error{Op: opCreateCheckout, Kind: ErrUnavailable, Detail: "response without session id or url"}
	}
	out := Session{ID: s.ID, URL: s.URL, ExpiresAt: p.ExpiresAt.UTC().Truncate(time.Second)}
	if s.ExpiresAt != 0 {
		out.ExpiresAt = time.Unix(s.ExpiresAt, 0).UTC()
	}
	return out, nil
}

// invalid returns why p cannot make a session, or "" when it can. It catches
// programming errors before they cost a round trip to Stripe.
func (p CheckoutParams) invalid() string {
	switch {
	case p.RegistrationID == "":
		return "RegistrationID is required"
	case p.AmountCents <= 0:
		return "AmountCents must be positive"
	case p.Currency == "":
		return "Currency is required"
	case p.SuccessURL == "" || p.CancelURL == "":
		return "SuccessURL and CancelURL are required"
	case p.ExpiresAt.IsZero():
		return "ExpiresAt is required"
	case p.IdempotencyKey == "":
		return "IdempotencyKey is required"
	}
	return ""
}

// Metadata is set on both the session and its PaymentIntent: Stripe copies
// neither to the other, and charge.refunded only carries the latter.
func (p CheckoutParams) Metadata() map[string]string {
	return map[string]string{
		MetaType:           MetadataType,
		MetaRegistrationID: p.RegistrationID,
		MetaPlayerID:       p.PlayerID,
		MetaPlayerName:     p.PlayerName,
		MetaClub:           p.Club,
	}
}

func (p CheckoutParams) sdkParams() *sgo.CheckoutSessionCreateParams {
	sp := &sgo.CheckoutSessionCreateParams{
		Mode: sgo.String(string(sgo.CheckoutSessionModePayment)),
		LineItems: []*sgo.CheckoutSessionCreateLineItemParams{{
			PriceData: &sgo.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:   sgo.String(strings.ToLower(p.Currency)),
				UnitAmount: sgo.Int64(p.AmountCents),
				ProductData: &sgo.CheckoutSessionCreateLineItemPriceDataProductDataParams{
					Name: sgo.String(p.TryoutName + " – " + p.PlayerName),
				},
			},
			Quantity: sgo.Int64(1),
		}},
		ClientReferenceID: sgo.String(p.RegistrationID),
		Metadata:          p.Metadata(),
		PaymentIntentData: &sgo.CheckoutSessionCreatePaymentIntentDataParams{
			Metadata: p.Metadata(),
		},
		SuccessURL: sgo.String(p.SuccessURL),
		CancelURL:  sgo.String(p.CancelURL),
		ExpiresAt:  sgo.Int64(p.ExpiresAt.Unix()),
	}
	if p.CustomerEmail != "" {
		sp.CustomerEmail = sgo.String(p.CustomerEmail)
	}
	sp.SetIdempotencyKey(p.IdempotencyKey)
	return sp
}
