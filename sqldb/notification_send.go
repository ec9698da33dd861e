package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"basketball"
)

// NotificationSendAttempt returns the attempt of the notification that
// last began handing its email to the mail server, or 0 when none did.
func (db *DB) NotificationSendAttempt(ctx context.Context, id string) (int, error) {
	var n sql.NullInt64
	err := db.sql.QueryRowContext(ctx, `SELECT send_attempt FROM notifications WHERE id = $1`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, basketball.Errorf(basketball.ENotFound, "no such notification")
	}
	if err != nil {
		return 0, fmt.Errorf("read send attempt: %w", err)
	}
	return int(n.Int64), nil
}

// MarkNotificationSendAttempt records, just before the email is handed to
// the mail server, that this attempt began sending it: if the run dies
// before recording the email as sent, the next attempt knows the parent
// may have it already.
func (db *DB) MarkNotificationSendAttempt(ctx context.Context, id string, attempt int) error {
	if _, err := db.exec(ctx, `UPDATE notifications SET send_attempt = $1 WHERE id = $2`, attempt, id); err != nil {
		return fmt.Errorf("mark send attempt: %w", err)
	}
	return nil
}
