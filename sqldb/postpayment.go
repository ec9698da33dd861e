package sqldb

import (
	"context"
	"fmt"
	"time"
)

// ClaimPostPayment takes the registration's post-payment lease for d, or
// reports false when another run holds it. The lease expires by itself, so
// a crashed run never blocks the job for longer than d.
func (db *DB) ClaimPostPayment(ctx context.Context, id string, d time.Duration) (bool, error) {
	now := db.Now()
	res, err := db.exec(ctx, `UPDATE registrations SET post_payment_lease_until = $1
		WHERE id = $2 AND (post_payment_lease_until IS NULL OR post_payment_lease_until < $3)`,
		db.ts(now.Add(d)), id, db.ts(now))
	if err != nil {
		return false, fmt.Errorf("claim post-payment lease: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleasePostPayment gives the lease back.
func (db *DB) ReleasePostPayment(ctx context.Context, id string) error {
	_, err := db.exec(ctx, `UPDATE registrations SET post_payment_lease_until = NULL WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("release post-payment lease: %w", err)
	}
	return nil
}

// MarkAccountCreated records that this registration's job made the
// parent's login, so a retry knows the email must carry a password.
func (db *DB) MarkAccountCreated(ctx context.Context, id string) error {
	_, err := db.exec(ctx, `UPDATE registrations SET account_created_at = $1 WHERE id = $2 AND account_created_at IS NULL`,
		db.ts(db.Now()), id)
	if err != nil {
		return fmt.Errorf("mark account created: %w", err)
	}
	return nil
}

// MarkConfirmationSent records that the confirmation email went out.
func (db *DB) MarkConfirmationSent(ctx context.Context, id string) error {
	_, err := db.exec(ctx, `UPDATE registrations SET confirmation_sent_at = $1 WHERE id = $2`, db.ts(db.Now()), id)
	if err != nil {
		return fmt.Errorf("mark confirmation sent: %w", err)
	}
	return nil
}
