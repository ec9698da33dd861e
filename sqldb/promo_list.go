package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"basketball"
)

const promoCols = `id, club_id, code, percent_off, amount_off_cents, max_uses, uses, expires_at, active, created_at`

// scanPromo reads a row of promoCols.
func scanPromo(s scanner) (basketball.PromoCode, error) {
	var p basketball.PromoCode
	var pct, amount, maxUses sql.NullInt64
	var expires, created timeCol
	if err := s.Scan(&p.ID, &p.ClubID, &p.Code, &pct, &amount, &maxUses, &p.Uses, &expires, &p.Active, &created); err != nil {
		return p, err
	}
	p.PercentOff, p.MaxUses = intPtr(pct), intPtr(maxUses)
	if amount.Valid {
		p.AmountOffCents = &amount.Int64
	}
	p.ExpiresAt, p.CreatedAt = expires.Ptr(), created.T
	return p, nil
}

// ListPromos returns the club's promo codes in code order (any letter
// case), with their uses so far, or EClubNotFound.
func (db *DB) ListPromos(ctx context.Context, clubSlug string) ([]basketball.PromoCode, error) {
	club, err := clubBySlug(ctx, db.sql, clubSlug)
	if err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+promoCols+` FROM promo_codes WHERE club_id = $1 ORDER BY code_key`, club.ID)
	if err != nil {
		return nil, fmt.Errorf("list promo codes: %w", err)
	}
	defer rows.Close()
	out := []basketball.PromoCode{}
	for rows.Next() {
		p, err := scanPromo(rows)
		if err != nil {
			return nil, fmt.Errorf("scan promo code: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
