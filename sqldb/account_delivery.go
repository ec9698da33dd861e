package sqldb

import (
	"context"
	"fmt"
)

// UnmarkAccountCreated takes back MarkAccountCreated when the account
// turned out to exist already (a sibling's job made it between our search
// and our creation): this registration did not make it.
func (db *DB) UnmarkAccountCreated(ctx context.Context, id string) error {
	if _, err := db.exec(ctx, `UPDATE registrations SET account_created_at = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("unmark account created: %w", err)
	}
	return nil
}

// ClaimAccountInvite records, before the call, that this registration's
// job asks Keycloak to email its set-password link, and reports whether it
// may (false: an earlier run has asked, or may have). Claiming first makes
// the request at most once per registration whatever crashes; a run whose
// request certainly failed gives the claim back (ReleaseAccountInvite).
func (db *DB) ClaimAccountInvite(ctx context.Context, id string) (bool, error) {
	res, err := db.exec(ctx, `UPDATE registrations SET account_invite_sent_at = $1 WHERE id = $2 AND account_invite_sent_at IS NULL`,
		db.ts(db.Now()), id)
	if err != nil {
		return false, fmt.Errorf("claim account invite: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseAccountInvite gives a claim back after Keycloak certainly did not
// send the email, so the next attempt asks again.
func (db *DB) ReleaseAccountInvite(ctx context.Context, id string) error {
	if _, err := db.exec(ctx, `UPDATE registrations SET account_invite_sent_at = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("release account invite: %w", err)
	}
	return nil
}
