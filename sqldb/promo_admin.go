package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"basketball"
)

// CreatePromoAudited is CreatePromo with the staff action written to the
// audit log in the same transaction.
func (db *DB) CreatePromoAudited(ctx context.Context, clubSlug string, in basketball.PromoInput, audit basketball.AuditEntry) (basketball.PromoCode, error) {
	var p basketball.PromoCode
	err := db.tx(ctx, func(tx *sql.Tx) (err error) {
		if p, err = db.createPromo(ctx, tx, clubSlug, in); err != nil {
			return err
		}
		audit.Target = p.ID
		return db.addAudit(ctx, tx, p.ClubID, audit, db.Now())
	})
	return p, err
}

// SetPromoActive disables (or enables again) a promo code of the club,
// with the audit entry; setting what it already is changes nothing and
// writes no entry. Another club's code is ENotFound.
func (db *DB) SetPromoActive(ctx context.Context, clubSlug, id string, active bool, audit basketball.AuditEntry) (basketball.PromoCode, error) {
	var p basketball.PromoCode
	err := db.tx(ctx, func(tx *sql.Tx) error {
		club, err := clubBySlug(ctx, tx, clubSlug)
		if err != nil {
			return err
		}
		p, err = scanPromo(tx.QueryRowContext(ctx, `SELECT `+promoCols+` FROM promo_codes WHERE id = $1 AND club_id = $2`, id, club.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return basketball.Errorf(basketball.ENotFound, "no promo code %q", basketball.Echo(id))
		}
		if err != nil {
			return fmt.Errorf("promo code: %w", err)
		}
		if p.Active == active {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE promo_codes SET active = $1 WHERE id = $2`, active, id); err != nil {
			return fmt.Errorf("update promo code: %w", err)
		}
		p.Active = active
		audit.Target = id
		audit.Detail = p.Code + " " + audit.Detail
		return db.addAudit(ctx, tx, club.ID, audit, db.Now())
	})
	return p, err
}
