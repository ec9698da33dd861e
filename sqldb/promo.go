package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"basketball"
)

// CreatePromo validates and stores a promo code of the club. A code the
// club already has, in any letter case, is EConflict.
func (db *DB) CreatePromo(ctx context.Context, clubSlug string, in basketball.PromoInput) (basketball.PromoCode, error) {
	var p basketball.PromoCode
	err := db.tx(ctx, func(tx *sql.Tx) (err error) {
		p, err = db.createPromo(ctx, tx, clubSlug, in)
		return err
	})
	return p, err
}

// createPromo is CreatePromo in the caller's transaction.
func (db *DB) createPromo(ctx context.Context, tx *sql.Tx, clubSlug string, in basketball.PromoInput) (basketball.PromoCode, error) {
	in.Code = strings.TrimSpace(in.Code)
	if err := in.Validate(); err != nil {
		return basketball.PromoCode{}, err
	}
	club, err := clubBySlug(ctx, tx, clubSlug)
	if err != nil {
		return basketball.PromoCode{}, err
	}
	p := basketball.PromoCode{
		ID: basketball.NewID("promo"), ClubID: club.ID, Code: in.Code,
		PercentOff: in.PercentOff, AmountOffCents: in.AmountOffCents, MaxUses: in.MaxUses,
		Active: true, CreatedAt: db.Now().Truncate(time.Microsecond),
	}
	if in.ExpiresAt != nil {
		e := in.ExpiresAt.UTC().Truncate(time.Microsecond)
		p.ExpiresAt = &e
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO promo_codes
		(id, club_id, code, code_key, percent_off, amount_off_cents, max_uses, uses, expires_at, active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10) ON CONFLICT (club_id, code_key) DO NOTHING`,
		p.ID, p.ClubID, p.Code, basketball.PromoKey(p.Code), p.PercentOff, p.AmountOffCents, p.MaxUses,
		db.tsp(p.ExpiresAt), true, db.ts(p.CreatedAt))
	if err != nil {
		return p, fmt.Errorf("insert promo code: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return p, basketball.Errorf(basketball.EConflict, "club %q already has promo code %q", clubSlug, p.Code)
	}
	return p, nil
}

func promoByCode(ctx context.Context, q querier, clubID, code string) (basketball.PromoCode, error) {
	p, err := scanPromo(q.QueryRowContext(ctx, `SELECT `+promoCols+` FROM promo_codes WHERE club_id = $1 AND code_key = $2`,
		clubID, basketball.PromoKey(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, basketball.Errorf(basketball.EInvalidPromo, "promo code %q is not valid", basketball.Echo(code))
	}
	if err != nil {
		return p, fmt.Errorf("promo code: %w", err)
	}
	return p, nil
}

// takePromoUse takes one use of a promo code, atomically against its
// max_uses, expiry and being disabled, and reports whether there was one
// to take.
func (db *DB) takePromoUse(ctx context.Context, tx *sql.Tx, promoID string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE promo_codes SET uses = uses + 1
		WHERE id = $1 AND active = $3 AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > $2)`,
		promoID, db.ts(now), true)
	if err != nil {
		return false, fmt.Errorf("use promo code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
