package main

import (
	"context"
	"strconv"
	"time"

	"basketball"
)

// listedRegistration is one element of `registrations list --format json`.
// Times are in UTC; the CSV and the table show them in the tryout's zone.
type listedRegistration struct {
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

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func listed(r basketball.Registration) listedRegistration {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	return listedRegistration{
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

// registrationCSVHeader are the CSV columns: what a check-in sheet needs.
// Times are in the tryout's zone, with its offset.
var registrationCSVHeader = []string{"id", "status", "method", "possible_duplicate", "tryout_id", "tryout_name", "tryout_timezone",
	"amount_cents", "amount_paid_cents", "currency", "promo_code", "parent_email", "parent_first_name", "parent_last_name", "parent_phone",
	"player_first_name", "player_last_name", "player_birth_date", "player_grade", "player_position", "player_height_inches",
	"stripe_checkout_session_id", "stripe_payment_intent_id", "created_at", "paid_at"}

func (m *Main) listRegistrations(ctx context.Context, args []string) error {
	fs := m.newFlags("registrations list", "registrations list --club S [--status ST] [--format table|json|csv] [--json]")
	club := fs.String("club", "", "club slug (required)")
	status := fs.String("status", "", "only this status: pending, paid, expired, payment_failed, refunded, canceled")
	lf := addListFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	format, err := lf.check()
	switch {
	case err != nil:
		return err
	case *club == "":
		return usagef("--club is required")
	case *status != "" && !basketball.ValidStatus(*status):
		return usagef("--status: %q is not a status; use pending, paid, expired, payment_failed, refunded or canceled", *status)
	}
	db, err := m.openStore(ctx, *lf.dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	regs, err := db.ListRegistrations(ctx, *club, *status)
	if err != nil {
		return err
	}
	rows := make([]listedRegistration, 0, len(regs))
	out := listing{csv: [][]string{registrationCSVHeader},
		table: [][]string{{"ID", "STATUS", "METHOD", "AMOUNT", "PARENT", "PLAYER", "TRYOUT", "CREATED", "PAID", "DUPLICATE?"}}}
	for _, reg := range regs {
		r := listed(reg)
		rows = append(rows, r)
		loc := basketball.Tryout{TimeZone: r.TryoutTimeZone}.Loc()
		paidCents := ""
		if r.AmountPaidCents != nil {
			paidCents = strconv.FormatInt(*r.AmountPaidCents, 10)
		}
		out.csv = append(out.csv, []string{r.ID, r.Status, r.Method, strconv.FormatBool(r.PossibleDuplicate), r.TryoutID, r.TryoutName,
			r.TryoutTimeZone, strconv.FormatInt(r.AmountCents, 10), paidCents, r.Currency, deref(r.PromoCode),
			r.ParentEmail, r.ParentFirstName, r.ParentLastName, deref(r.ParentPhone),
			r.PlayerFirstName, r.PlayerLastName, r.PlayerBirthDate, intOrEmpty(r.PlayerGrade), deref(r.PlayerPosition), intOrEmpty(r.PlayerHeightInches),
			deref(r.StripeCheckoutSessionID), deref(r.StripePaymentIntentID), timeIn(&r.CreatedAt, loc), timeIn(r.PaidAt, loc)})
		dup := ""
		if r.PossibleDuplicate {
			dup = "possible duplicate"
		}
		out.table = append(out.table, []string{r.ID, r.Status, r.Method, basketball.FormatAmount(r.AmountCents, r.Currency),
			r.ParentEmail, r.PlayerFirstName + " " + r.PlayerLastName, r.TryoutName,
			timeIn(&r.CreatedAt, loc), timeIn(r.PaidAt, loc), dup})
	}
	out.json = rows
	return m.print(format, out)
}
