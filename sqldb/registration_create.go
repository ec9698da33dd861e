package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"basketball"
)

// InitialHold is how long a new card registration holds its seat before
// its checkout exists: the Stripe call takes seconds (it is bounded well
// under the checkout lease), and once Stripe answers, the hold follows the
// session. When Stripe failed, it gives the parent a few minutes to pay
// again before the seat goes back.
const InitialHold = 10 * time.Minute

// MaxPendingPerParent bounds the unpaid registrations one parent (by
// email) may hold at one tryout at once: a family's worth. A per-IP limit
// cannot do this, since schools and clubs share addresses.
const MaxPendingPerParent = 4

// CreateRegistration records a parent's registration of a player in one
// transaction: it finds or creates the parent (by lower-cased email) and
// the player, checks the tryout is open, takes the player and does not
// already have them, takes a seat and a use of the promo code, and stores
// the registration: paid at once when nothing is due (with its
// post-payment job), else pending with one checkout attempt reserved. Any
// error leaves nothing written.
func (db *DB) CreateRegistration(ctx context.Context, clubSlug string, req basketball.RegistrationRequest, opts basketball.CreateOptions) (basketball.Registration, error) {
	req.Normalize()
	if err := req.Validate(); err != nil {
		return basketball.Registration{}, err
	}
	var id string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		t, err := db.tryout(ctx, tx, clubSlug, req.TryoutID)
		if err != nil {
			return err
		}
		if err := req.CheckEligibility(t); err != nil {
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
		if err := db.checkPendingLimit(ctx, tx, t.ID, parentID, now); err != nil {
			return err
		}
		if t.SeatsLeft != nil && *t.SeatsLeft <= 0 {
			return basketball.Errorf(basketball.ETryoutFull, "%q is full", t.Name)
		}
		amount, promoID, err := db.price(ctx, tx, t, req.PromoCode, now)
		if err != nil {
			return err
		}
		if amount > 0 && !opts.CardEnabled {
			return basketball.Errorf(basketball.EPaymentsNotConfigured, "card payment is not configured on this server")
		}
		// The seat, then the promo code use: one conditional UPDATE each.
		if err := db.takePlace(ctx, tx, t.ID, promoID, false, now); err != nil {
			return err
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
		p, pl := req.Parent, req.Player
		_, err = tx.ExecContext(ctx, `INSERT INTO registrations
			(id, club_id, tryout_id, parent_id, player_id, status, method, amount_cents, currency,
			 promo_code_id, checkout_attempts, checkout_lease_until, amount_paid_cents, hold_until, created_at, updated_at, paid_at,
			 parent_first_name, parent_last_name, parent_phone, player_grade, player_position, player_height_inches)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18, $19, $20, $21, $22)`,
			id, t.ClubID, t.ID, parentID, playerID, status, method, amount, t.Currency,
			nullable(promoID), attempts, lease, paidAmount, db.ts(now.Add(InitialHold)), db.ts(now), paidAt,
			p.FirstName, p.LastName, p.Phone, pl.Grade, pl.Position, pl.HeightInches)
		if err != nil {
			return fmt.Errorf("insert registration: %w", err)
		}
		if status == basketball.StatusPaid {
			return db.enterPaid(ctx, tx, id, "", now.Add(opts.JobDelay))
		}
		return nil
	})
	if err != nil {
		return basketball.Registration{}, err
	}
	return db.Registration(ctx, id)
}

func (db *DB) upsertParent(ctx context.Context, tx *sql.Tx, clubID string, p basketball.ParentInput, now time.Time) (string, error) {
	// ON CONFLICT … DO UPDATE returns the existing row's id and, on
	// PostgreSQL, locks it: two requests with the same email in any case
	// end with one parent. It changes nothing: an unauthenticated request
	// never renames a parent (each registration keeps the details given
	// with it; only staff edit the parent).
	var id string
	err := tx.QueryRowContext(ctx, `INSERT INTO parents (id, club_id, email, first_name, last_name, phone, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (club_id, email) DO UPDATE SET email = excluded.email
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
			first_name_key = excluded.first_name_key
		RETURNING id`,
		basketball.NewID("ply"), parentID, p.FirstName, p.LastName, strings.ToLower(p.FirstName), strings.ToLower(p.LastName),
		p.BirthDate, p.Grade, p.Position, p.HeightInches, db.ts(now)).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("upsert player: %w", err)
	}
	return id, nil
}

// checkNotRegistered expires the player's lapsed holds on the tryout, then
// fails with EAlreadyRegistered if a registration holding a seat is left.
func (db *DB) checkNotRegistered(ctx context.Context, tx *sql.Tx, tryoutID, playerID string, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.status, r.hold_until FROM registrations r
		WHERE r.tryout_id = $1 AND r.player_id = $2 AND `+holdsSeat, tryoutID, playerID)
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
		if err := db.lapse(ctx, tx, id, now); err != nil {
			return err
		}
	}
	return nil
}

// price returns the amount due for the tryout with the promo code (if
// any) and the code's id, checking the code exists and is usable now. The
// use itself is taken with the seat (takePlace).
func (db *DB) price(ctx context.Context, tx *sql.Tx, t basketball.Tryout, code string, now time.Time) (int64, string, error) {
	if code == "" {
		return t.FeeCents, "", nil
	}
	p, err := promoByCode(ctx, tx, t.ClubID, code)
	if err != nil {
		return 0, "", err
	}
	if err := p.Usable(now); err != nil {
		return 0, "", err
	}
	return t.FeeCents - p.Discount(t.FeeCents), p.ID, nil
}

// checkPendingLimit refuses a registration when its parent already holds
// MaxPendingPerParent unpaid seats of the tryout. The parent's row is
// locked by upsertParent, so a family's concurrent requests count one
// after the other.
func (db *DB) checkPendingLimit(ctx context.Context, tx *sql.Tx, tryoutID, parentID string, now time.Time) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM registrations
		WHERE tryout_id = $1 AND parent_id = $2 AND status = $3 AND hold_until > $4`,
		tryoutID, parentID, basketball.StatusPending, db.ts(now)).Scan(&n)
	if err != nil {
		return fmt.Errorf("count pending registrations: %w", err)
	}
	if n >= MaxPendingPerParent {
		return basketball.Errorf(basketball.ETooManyPending,
			"this email already has %d registrations for this tryout waiting for payment; pay them (or let them expire) before registering more", n)
	}
	return nil
}
