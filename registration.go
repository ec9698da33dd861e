package basketball

import "time"

// Payment methods.
const (
	MethodCard    = "card"
	MethodPromo   = "promo"
	MethodOffline = "offline"
)

// Registration is one player at one tryout, with its payment state.
type Registration struct {
	ID                      string     `json:"id"`
	ClubID                  string     `json:"-"`
	TryoutID                string     `json:"tryout_id"`
	ParentID                string     `json:"parent_id"`
	PlayerID                string     `json:"player_id"`
	Status                  string     `json:"status"`
	Method                  string     `json:"method"`
	AmountCents             int64      `json:"amount_cents"`
	Currency                string     `json:"currency"`
	PromoCodeID             string     `json:"-"`
	StripeCheckoutSessionID string     `json:"stripe_checkout_session_id"`
	CheckoutURL             string     `json:"-"`
	CheckoutExpiresAt       *time.Time `json:"-"`
	StripePaymentIntentID   string     `json:"stripe_payment_intent_id"`
	AmountPaidCents         *int64     `json:"amount_paid_cents"`
	// PaidCurrency is the currency Stripe reported the payment in, and
	// AmountMismatch says the amount or currency was not what was due.
	PaidCurrency       string     `json:"paid_currency,omitempty"`
	AmountMismatch     bool       `json:"amount_mismatch"`
	CheckoutAttempts   int        `json:"checkout_attempts"`
	HoldUntil          time.Time  `json:"-"`
	CreatedAt          time.Time  `json:"created_at"`
	PaidAt             *time.Time `json:"paid_at"`
	ConfirmationSentAt *time.Time `json:"confirmation_sent_at"`
	AccountCreatedAt   *time.Time `json:"-"`
	// AwaitingAsyncPayment: the checkout completed with a delayed payment
	// method (a bank debit) and Stripe has yet to say whether it arrived.
	AwaitingAsyncPayment bool `json:"-"`

	// Denormalised for listings and pages; filled by the store's reads.
	ClubSlug           string `json:"club"`
	ParentEmail        string `json:"parent_email"`
	ParentFirstName    string `json:"parent_first_name"`
	ParentLastName     string `json:"parent_last_name"`
	ParentPhone        string `json:"parent_phone"`
	PlayerFirstName    string `json:"player_first_name"`
	PlayerLastName     string `json:"player_last_name"`
	PlayerBirthDate    string `json:"player_birth_date"` // YYYY-MM-DD
	PlayerGrade        *int   `json:"player_grade"`
	PlayerPosition     string `json:"player_position"`
	PlayerHeightInches *int   `json:"player_height_inches"`
	PromoCode          string `json:"promo_code"` // as the club wrote it; "" for none
	TryoutName         string `json:"tryout_name"`
	TryoutTimeZone     string `json:"tryout_timezone"`

	// PossibleDuplicate is set by listings when another parent (a
	// different email) has a pending or paid registration of a player
	// with the same name (any letter case) and birth date for the same
	// tryout. Separated parents do register one child twice; staff decide.
	// Only a pending or paid registration is flagged.
	PossibleDuplicate bool `json:"possible_duplicate"`
}

// RegistrationRequest is what a parent submits, by JSON or by the form.
type RegistrationRequest struct {
	TryoutID  string      `json:"tryout_id"`
	Parent    ParentInput `json:"parent"`
	Player    PlayerInput `json:"player"`
	PromoCode string      `json:"promo_code"`
}

// ParentInput is the parent part of a registration request.
type ParentInput struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
}

// PlayerInput is the player part of a registration request.
type PlayerInput struct {
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	BirthDate    string `json:"birth_date"`
	Grade        *int   `json:"grade"`
	Position     string `json:"position"`
	HeightInches *int   `json:"height_inches"`
}
