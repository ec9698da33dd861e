package sqldb

import (
	"context"
	"fmt"
)

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
