package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"basketball"
)

// The parent's name and phone and the player's details are read from the
// registration, as given with it; only the email (the parent's identity)
// and the player's name and birth date come from the shared rows.
const registrationCols = `r.id, r.club_id, r.tryout_id, r.parent_id, r.player_id, r.status, r.method,
	r.amount_cents, r.currency, r.promo_code_id, r.stripe_checkout_session_id, r.checkout_url,
	r.checkout_expires_at, r.stripe_payment_intent_id, r.amount_paid_cents, r.checkout_attempts,
	r.hold_until, r.created_at, r.paid_at, r.confirmation_sent_at, r.account_created_at, r.awaiting_async_payment,
	COALESCE(r.paid_currency, ''), r.amount_mismatch,
	c.slug, pa.email, r.parent_first_name, r.parent_last_name, r.parent_phone,
	pl.first_name, pl.last_name, pl.birth_date, r.player_grade, r.player_position, r.player_height_inches,
	pc.code, t.name, t.timezone`

const registrationFrom = ` FROM registrations r
	JOIN clubs c ON c.id = r.club_id
	JOIN parents pa ON pa.id = r.parent_id
	JOIN players pl ON pl.id = r.player_id
	JOIN tryouts t ON t.id = r.tryout_id
	LEFT JOIN promo_codes pc ON pc.id = r.promo_code_id`

func scanRegistration(s scanner) (basketball.Registration, error) {
	var r basketball.Registration
	var promo, session, checkoutURL, pi, promoCode sql.NullString
	var paidAmount, grade, height sql.NullInt64
	var checkoutExp, hold, created, paid, sent, account timeCol
	err := s.Scan(&r.ID, &r.ClubID, &r.TryoutID, &r.ParentID, &r.PlayerID, &r.Status, &r.Method,
		&r.AmountCents, &r.Currency, &promo, &session, &checkoutURL,
		&checkoutExp, &pi, &paidAmount, &r.CheckoutAttempts,
		&hold, &created, &paid, &sent, &account, &r.AwaitingAsyncPayment, &r.PaidCurrency, &r.AmountMismatch,
		&r.ClubSlug, &r.ParentEmail, &r.ParentFirstName, &r.ParentLastName, &r.ParentPhone, &r.PlayerFirstName, &r.PlayerLastName,
		&r.PlayerBirthDate, &grade, &r.PlayerPosition, &height, &promoCode, &r.TryoutName, &r.TryoutTimeZone)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
		return r, fmt.Errorf("scan registration: %w", err)
	}
	r.PromoCodeID, r.StripeCheckoutSessionID, r.CheckoutURL, r.StripePaymentIntentID = promo.String, session.String, checkoutURL.String, pi.String
	if paidAmount.Valid {
		r.AmountPaidCents = &paidAmount.Int64
	}
	r.CheckoutExpiresAt, r.HoldUntil, r.CreatedAt, r.PaidAt, r.ConfirmationSentAt = checkoutExp.Ptr(), hold.T, created.T, paid.Ptr(), sent.Ptr()
	r.AccountCreatedAt = account.Ptr()
	r.PlayerGrade, r.PlayerHeightInches, r.PromoCode = intPtr(grade), intPtr(height), promoCode.String
	return r, nil
}

// Registration returns one registration with its names, or
// ERegistrationNotFound.
func (db *DB) Registration(ctx context.Context, id string) (basketball.Registration, error) {
	return db.registration(ctx, db.sql, id, false)
}

func (db *DB) registration(ctx context.Context, q querier, id string, lock bool) (basketball.Registration, error) {
	query := `SELECT ` + registrationCols + registrationFrom + ` WHERE r.id = $1`
	if lock {
		query += db.forUpdateOf("r")
	}
	r, err := scanRegistration(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, basketball.Errorf(basketball.ERegistrationNotFound, "no registration %q", basketball.Echo(id))
	}
	return r, err
}

// intPtr returns a nullable integer column as *int.
func intPtr(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}

// possibleDuplicate is true for a registration holding a seat (pending or
// paid) when another parent (a different email) has one holding a seat of a
// player with the same name, in any letter case, and birth date for the
// same tryout. It is computed when read, so it needs no column and is
// never stale.
var possibleDuplicate = `(` + holdsSeat + ` AND EXISTS (SELECT 1 FROM registrations r2
		JOIN players pl2 ON pl2.id = r2.player_id
		JOIN parents pa2 ON pa2.id = r2.parent_id
	WHERE r2.tryout_id = r.tryout_id AND r2.id <> r.id AND ` + statusIn("r2.status", basketball.SeatHoldingStatuses()) + `
		AND pl2.first_name_key = pl.first_name_key AND pl2.last_name_key = pl.last_name_key
		AND pl2.birth_date = pl.birth_date AND pa2.email <> pa.email))`

// withExtra scans a row of registrationCols followed by more columns.
type withExtra struct {
	s     scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.s.Scan(append(dest, w.extra...)...) }

// ListRegistrations returns the club's registrations, oldest first,
// optionally only those with the given status, each with
// PossibleDuplicate filled in.
func (db *DB) ListRegistrations(ctx context.Context, clubSlug, status string) ([]basketball.Registration, error) {
	club, err := clubBySlug(ctx, db.sql, clubSlug)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + registrationCols + `, ` + possibleDuplicate + registrationFrom + ` WHERE r.club_id = $1`
	args := []any{club.ID}
	if status != "" {
		q += ` AND r.status = $2`
		args = append(args, status)
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY r.created_at, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	defer rows.Close()
	out := []basketball.Registration{}
	for rows.Next() {
		var dup bool
		r, err := scanRegistration(withExtra{rows, []any{&dup}})
		if err != nil {
			return nil, err
		}
		r.PossibleDuplicate = dup
		out = append(out, r)
	}
	return out, rows.Err()
}
