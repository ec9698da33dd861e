package registration

import (
	"io"
	"strconv"
	"time"

	"basketball"
)

// Row is a registration as listings show it to staff: the elements of
// `registrations list --format json` and of the admin API's registrations
// (times in UTC). Optional text is null when empty.
type Row struct {
	ID                      string     `json:"id"`
	Status                  string     `json:"status"`
	Method                  string     `json:"method"`
	TryoutID                string     `json:"tryout_id"`
	TryoutName              string     `json:"tryout_name"`
	TryoutTimeZone          string     `json:"tryout_timezone"`
	AmountCents             int64      `json:"amount_cents"`
	AmountPaidCents         *int64     `json:"amount_paid_cents"`
	Currency                string     `json:"currency"`
	PromoCode               *string    `json:"promo_code"`
	ParentEmail             string     `json:"parent_email"`
	ParentFirstName         string     `json:"parent_first_name"`
	ParentLastName          string     `json:"parent_last_name"`
	ParentPhone             *string    `json:"parent_phone"`
	PlayerFirstName         string     `json:"player_first_name"`
	PlayerLastName          string     `json:"player_last_name"`
	PlayerBirthDate         string     `json:"player_birth_date"`
	PlayerGrade             *int       `json:"player_grade"`
	PlayerPosition          *string    `json:"player_position"`
	PlayerHeightInches      *int       `json:"player_height_inches"`
	PossibleDuplicate       bool       `json:"possible_duplicate"`
	StripeCheckoutSessionID *string    `json:"stripe_checkout_session_id"`
	StripePaymentIntentID   *string    `json:"stripe_payment_intent_id"`
	CreatedAt               time.Time  `json:"created_at"`
	PaidAt                  *time.Time `json:"paid_at"`
	ConfirmationSentAt      *time.Time `json:"confirmation_sent_at"`
}

// RowOf returns the listing row of a registration.
func RowOf(r basketball.Registration) Row {
	return Row{
		ID: r.ID, Status: r.Status, Method: r.Method, TryoutID: r.TryoutID, TryoutName: r.TryoutName, TryoutTimeZone: r.TryoutTimeZone,
		AmountCents: r.AmountCents, AmountPaidCents: r.AmountPaidCents, Currency: r.Currency, PromoCode: strPtr(r.PromoCode),
		ParentEmail: r.ParentEmail, ParentFirstName: r.ParentFirstName, ParentLastName: r.ParentLastName, ParentPhone: strPtr(r.ParentPhone),
		PlayerFirstName: r.PlayerFirstName, PlayerLastName: r.PlayerLastName, PlayerBirthDate: r.PlayerBirthDate,
		PlayerGrade: r.PlayerGrade, PlayerPosition: strPtr(r.PlayerPosition), PlayerHeightInches: r.PlayerHeightInches,
		PossibleDuplicate:       r.PossibleDuplicate,
		StripeCheckoutSessionID: strPtr(r.StripeCheckoutSessionID), StripePaymentIntentID: strPtr(r.StripePaymentIntentID),
		CreatedAt: r.CreatedAt.UTC(), PaidAt: utc(r.PaidAt), ConfirmationSentAt: utc(r.ConfirmationSentAt),
	}
}

// CSVHeader are the CSV columns of a registrations export: what a
// check-in sheet needs.
var CSVHeader = []string{"id", "status", "method", "possible_duplicate", "tryout_id", "tryout_name", "tryout_timezone",
	"amount_cents", "amount_paid_cents", "currency", "promo_code", "parent_email", "parent_first_name", "parent_last_name", "parent_phone",
	"player_first_name", "player_last_name", "player_birth_date", "player_grade", "player_position", "player_height_inches",
	"stripe_checkout_session_id", "stripe_payment_intent_id", "created_at", "paid_at"}

// CSVRecord returns a row's CSV cells, in CSVHeader order; times are in
// the tryout's zone, with its offset.
func (r Row) CSVRecord() []string {
	loc := basketball.Tryout{TimeZone: r.TryoutTimeZone}.Loc()
	paid := ""
	if r.AmountPaidCents != nil {
		paid = strconv.FormatInt(*r.AmountPaidCents, 10)
	}
	return []string{r.ID, r.Status, r.Method, strconv.FormatBool(r.PossibleDuplicate), r.TryoutID, r.TryoutName,
		r.TryoutTimeZone, strconv.FormatInt(r.AmountCents, 10), paid, r.Currency, deref(r.PromoCode),
		r.ParentEmail, r.ParentFirstName, r.ParentLastName, deref(r.ParentPhone),
		r.PlayerFirstName, r.PlayerLastName, r.PlayerBirthDate, intOrEmpty(r.PlayerGrade), deref(r.PlayerPosition), intOrEmpty(r.PlayerHeightInches),
		deref(r.StripeCheckoutSessionID), deref(r.StripePaymentIntentID), TimeIn(&r.CreatedAt, loc), TimeIn(r.PaidAt, loc)}
}

// WriteCSV writes registrations as a formula-safe CSV export.
func WriteCSV(w io.Writer, regs []basketball.Registration) error {
	rows := make([][]string, len(regs))
	for i, r := range regs {
		rows[i] = RowOf(r).CSVRecord()
	}
	return basketball.WriteCSV(w, CSVHeader, rows)
}

// TimeIn formats t in loc as RFC 3339 with loc's offset, or "" for nil.
func TimeIn(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func intOrEmpty(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
