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

// InitialHold is how long a new card registration holds its seat before
// its checkout exists; once Stripe answers, the hold follows the session.
const InitialHold = 90 * time.Minute

// CreateOptions tune CreateRegistration.
type CreateOptions struct {
	// CardEnabled says card payment is possible. When it is not, a
	// registration with an amount due fails with EPaymentsNotConfigured
	// and nothing is written.
	CardEnabled bool
	// JobDelay postpones the post-payment job of a free registration, so
	// the request that runs the same step inline does not race it.
	JobDelay time.Duration
}

// CreateRegistration records a parent's registration of a player in one
// transaction: it finds or creates the parent (by lower-cased email) and
// the player, checks the tryout is open, has a seat and does not already
// have this player, takes a use of the promo code, and stores the
// registration: paid at once when nothing is due (with its post-payment
// job), else pending with one checkout attempt reserved. Any error leaves
// nothing written.
func (db *DB) CreateRegistration(ctx context.Context, clubSlug string, req basketball.RegistrationRequest, opts CreateOptions) (basketball.Registration, error) {
	req.Normalize()
	if err := req.Validate(); err != nil {
		return basketball.Registration{}, err
	}
	var id string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		t, err := db.tryout(ctx, tx, clubSlug, req.TryoutID, true)
		if err != nil {
			return err
		}
		if err := req.CheckAge(t); err != nil {
			return err
		}
		if !t.AcceptsRegistrations(now) {
			return basketball.Errorf(basketball.ERegistrationClosed, "registration for %q is closed", t.Name)
		}
		parentID, err := db.upsertParent(ctx, tx, t.ClubID, req.Parent, now)
		if err != nil {
			return err
		}
		playerID, err := db.upsertPlayer(ctx, tx, parentID, req.Player, now)
		if err != nil {
			return err
		}
		if err := db.checkNotRegistered(ctx, tx, t.ID, playerID, now); err != nil {
			return err
		}
		if t.SeatsLeft != nil && *t.SeatsLeft <= 0 {
			return basketball.Errorf(basketball.ETryoutFull, "%q is full", t.Name)
		}
		amount, promoID, err := db.applyPromo(ctx, tx, t, req.PromoCode, now)
		if err != nil {
			return err
		}
		if amount > 0 && !opts.CardEnabled {
			return basketball.Errorf(basketball.EPaymentsNotConfigured, "card payment is not configured on this server")
		}
		id = basketball.NewID("reg")
		// A card registration starts with its first checkout attempt
		// under way, so a concurrent "pay" waits for that session.
		status, method, attempts, lease := basketball.StatusPending, basketball.MethodCard, 1, db.ts(now.Add(CheckoutLease))
		var paidAt, paidAmount any
		if amount == 0 {
			status, method, attempts, lease = basketball.StatusPaid, basketball.MethodPromo, 0, nil
			paidAt, paidAmount = db.ts(now), int64(0)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO registrations
			(id, club_id, tryout_id, parent_id, player_id, status, method, amount_cents, currency,
			 promo_code_id, checkout_attempts, checkout_lease_until, amount_paid_cents, hold_until, created_at, updated_at, paid_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)`,
			id, t.ClubID, t.ID, parentID, playerID, status, method, amount, t.Currency,
			promoID, attempts, lease, paidAmount, db.ts(now.Add(InitialHold)), db.ts(now), paidAt)
		if err != nil {
			return fmt.Errorf("insert registration: %w", err)
		}
		if status == basketball.StatusPaid {
			return db.enqueuePostPayment(ctx, tx, id, opts.JobDelay)
		}
		return nil
	})
	if err != nil {
		return basketball.Registration{}, err
	}
	return db.Registration(ctx, id)
}

func (db *DB) enqueuePostPayment(ctx context.Context, tx *sql.Tx, id string, delay time.Duration) error {
	if db.enqueue == nil {
		return nil
	}
	if err := db.enqueue.EnqueuePostPayment(ctx, tx, id, delay); err != nil {
		return fmt.Errorf("enqueue post-payment job: %w", err)
	}
	return nil
}

func (db *DB) upsertParent(ctx context.Context, tx *sql.Tx, clubID string, p basketball.ParentInput, now time.Time) (string, error) {
	// ON CONFLICT … DO UPDATE returns the existing row's id and, on
	// PostgreSQL, locks it: two requests with the same email in any case
	// end with one parent.
	var id string
	err := tx.QueryRowContext(ctx, `INSERT INTO parents (id, club_id, email, first_name, last_name, phone, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (club_id, email) DO UPDATE SET first_name = excluded.first_name,
			last_name = excluded.last_name,
			phone = CASE WHEN excluded.phone = '' THEN parents.phone ELSE excluded.phone END
		RETURNING id`,
		basketball.NewID("par"), clubID, strings.ToLower(p.Email), p.FirstName, p.LastName, p.Phone, db.ts(now)).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("upsert parent: %w", err)
	}
	return id, nil
}

func (db *DB) upsertPlayer(ctx context.Context, tx *sql.Tx, parentID string, p basketball.PlayerInput, now time.Time) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, `INSERT INTO players
		(id, parent_id, first_name, last_name, first_name_key, last_name_key, birth_date, grade, position, height_inches, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (parent_id, first_name_key, last_name_key, birth_date) DO UPDATE SET
			grade = excluded.grade, position = excluded.position, height_inches = excluded.height_inches
		RETURNING id`,
		basketball.NewID("ply"), parentID, p.FirstName, p.LastName, strings.ToLower(p.FirstName), strings.ToLower(p.LastName),
		p.BirthDate, p.Grade, p.Position, p.HeightInches, db.ts(now)).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("upsert player: %w", err)
	}
	return id, nil
}

// checkNotRegistered expires the player's lapsed holds on the tryout, then
// fails with EAlreadyRegistered if a pending or paid registration is left.
func (db *DB) checkNotRegistered(ctx context.Context, tx *sql.Tx, tryoutID, playerID string, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, status, hold_until FROM registrations
		WHERE tryout_id = $1 AND player_id = $2 AND status IN ('pending', 'paid')`, tryoutID, playerID)
	if err != nil {
		return fmt.Errorf("find registrations: %w", err)
	}
	var lapsed []string
	active, pendingID := false, ""
	for rows.Next() {
		var id, status string
		var hold timeCol
		if err := rows.Scan(&id, &status, &hold); err != nil {
			rows.Close()
			return fmt.Errorf("scan registration: %w", err)
		}
		if status == basketball.StatusPending && !hold.T.After(now) {
			lapsed = append(lapsed, id)
			continue
		}
		active = true
		if status == basketball.StatusPending {
			pendingID = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if active {
		// The pending one's id lets the parent go on to pay it.
		return &basketball.Error{Code: basketball.EAlreadyRegistered, RegistrationID: pendingID,
			Message: "this player is already registered for this tryout"}
	}
	for _, id := range lapsed {
		if err := db.endPending(ctx, tx, id, basketball.StatusExpired, now); err != nil {
			return err
		}
	}
	return nil
}

// applyPromo returns the amount due and the promo code's id ("" for none),
// taking one use of the code.
func (db *DB) applyPromo(ctx context.Context, tx *sql.Tx, t basketball.Tryout, code string, now time.Time) (int64, any, error) {
	if code == "" {
		return t.FeeCents, nil, nil
	}
	p, err := promoByCode(ctx, tx, t.ClubID, code)
	if err != nil {
		return 0, nil, err
	}
	if err := p.Usable(now); err != nil {
		return 0, nil, err
	}
	if ok, err := db.takePromoUse(ctx, tx, p.ID, now); err != nil || !ok {
		if err == nil {
			err = basketball.Errorf(basketball.EInvalidPromo, "promo code %q has been used up", p.Code)
		}
		return 0, nil, err
	}
	return t.FeeCents - p.Discount(t.FeeCents), p.ID, nil
}

// endPending moves a pending registration to expired or payment_failed and
// gives back the promo code use it took, so abandoned checkouts do not
// use up a limited code.
func (db *DB) endPending(ctx context.Context, tx *sql.Tx, id, status string, now time.Time) error {
	var promo sql.NullString
	err := tx.QueryRowContext(ctx, `UPDATE registrations SET status = $1, updated_at = $2
		WHERE id = $3 AND status = 'pending' RETURNING promo_code_id`, status, db.ts(now), id).Scan(&promo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("end registration: %w", err)
	}
	if promo.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE promo_codes SET uses = uses - 1 WHERE id = $1 AND uses > 0`, promo.String); err != nil {
			return fmt.Errorf("release promo use: %w", err)
		}
	}
	return nil
}
