package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"basketball"
)

// Notification statuses.
const (
	notificationPending  = "pending"
	notificationSent     = "sent"
	notificationCanceled = "canceled"
)

// enterPaid is what every transition into paid brings, in its
// transaction: refunds and lost disputes Stripe sent before the payment
// (for payment intent pi) are applied, and, unless they undid it, the
// confirmation's notification record and the post-payment job that
// provisions the login and sends it are stored (the job at runAt; now:
// at once).
func (db *DB) enterPaid(ctx context.Context, tx *sql.Tx, regID, pi string, runAt time.Time) error {
	if err := db.applyHeldAdjustments(ctx, tx, regID, pi, db.Now()); err != nil {
		return err
	}
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM registrations WHERE id = $1`, regID).Scan(&status); err != nil {
		return fmt.Errorf("read status: %w", err)
	}
	if status != basketball.StatusPaid {
		return nil // refunded before it was confirmed: no confirmation
	}
	if _, err := db.addNotification(ctx, tx, regID, basketball.NotifyConfirmation, "", ""); err != nil {
		return err
	}
	return db.insertJob(ctx, tx, basketball.PostPaymentJob{RegistrationID: regID}, runAt)
}

// addNotification records, in tx, that subject (a registration or
// waitlist entry) is to get an email of kind, once per dedupe key, and
// returns its id; an existing record is kept and its id returned.
func (db *DB) addNotification(ctx context.Context, tx *sql.Tx, subjectID, kind, key, data string) (id string, err error) {
	err = tx.QueryRowContext(ctx, `INSERT INTO notifications (id, subject_id, kind, dedupe_key, data, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subject_id, kind, dedupe_key) DO NOTHING RETURNING id`,
		basketball.NewID("ntf"), subjectID, kind, key, data, notificationPending, db.ts(db.Now())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM notifications WHERE subject_id = $1 AND kind = $2 AND dedupe_key = $3`,
			subjectID, kind, key).Scan(&id)
	}
	if err != nil {
		return "", fmt.Errorf("record %s notification: %w", kind, err)
	}
	return id, nil
}

// Notify records that subject is to get an email of kind (once per dedupe
// key, with data for its template) and stores the job that sends it, in
// one transaction. Asking again for the same key changes nothing.
func (db *DB) Notify(ctx context.Context, subjectID, kind, key, data string) (string, error) {
	var id string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = db.notifyTx(ctx, tx, subjectID, kind, key, data)
		return err
	})
	return id, err
}

// notifyTx is Notify inside the caller's transaction, for flows whose
// email must exist if and only if their change is committed.
func (db *DB) notifyTx(ctx context.Context, tx *sql.Tx, subjectID, kind, key, data string) (string, error) {
	id, err := db.addNotification(ctx, tx, subjectID, kind, key, data)
	if err != nil {
		return "", err
	}
	return id, db.insertJob(ctx, tx, basketball.NotifyJob{NotificationID: id}, time.Time{})
}

const notificationCols = `id, subject_id, kind, dedupe_key, data, status, attempts, created_at, sent_at`

func scanNotification(s scanner) (basketball.Notification, error) {
	var n basketball.Notification
	var created, sent timeCol
	if err := s.Scan(&n.ID, &n.SubjectID, &n.Kind, &n.DedupeKey, &n.Data, &n.Status, &n.Attempts, &created, &sent); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return n, basketball.Errorf(basketball.ENotFound, "no such notification")
		}
		return n, fmt.Errorf("scan notification: %w", err)
	}
	n.CreatedAt, n.SentAt = created.T, sent.Ptr()
	return n, nil
}

// Notification returns one notification record, or ENotFound.
func (db *DB) Notification(ctx context.Context, id string) (basketball.Notification, error) {
	return scanNotification(db.sql.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM notifications WHERE id = $1`, id))
}

// NotificationFor returns a subject's notification of kind and key, or
// ENotFound.
func (db *DB) NotificationFor(ctx context.Context, subjectID, kind, key string) (basketball.Notification, error) {
	return scanNotification(db.sql.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE subject_id = $1 AND kind = $2 AND dedupe_key = $3`, subjectID, kind, key))
}

// Notifications lists a subject's notification records, oldest first.
func (db *DB) Notifications(ctx context.Context, subjectID string) ([]basketball.Notification, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE subject_id = $1 ORDER BY created_at, id`, subjectID)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	defer rows.Close()
	var out []basketball.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ClaimNotification takes the lease of a pending notification for d and
// counts an attempt; it reports false when the notification was sent (or
// canceled) already or another run holds the lease. The lease lapses by
// itself, so a run whose process died never blocks the email for longer
// than d. The returned record carries this attempt's number.
func (db *DB) ClaimNotification(ctx context.Context, id string, d time.Duration) (basketball.Notification, bool, error) {
	if err := db.guard.check(); err != nil {
		return basketball.Notification{}, false, err
	}
	now := db.Now()
	n, err := scanNotification(db.sql.QueryRowContext(ctx, `UPDATE notifications SET lease_until = $1, attempts = attempts + 1
		WHERE id = $2 AND status = $3 AND (lease_until IS NULL OR lease_until < $4)
		RETURNING `+notificationCols, db.ts(now.Add(d)), id, notificationPending, db.ts(now)))
	if basketball.ErrorCode(err) == basketball.ENotFound {
		return n, false, nil
	}
	return n, err == nil, err
}

// ReleaseNotification gives the lease back after a failed attempt.
func (db *DB) ReleaseNotification(ctx context.Context, id string) error {
	if _, err := db.exec(ctx, `UPDATE notifications SET lease_until = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("release notification lease: %w", err)
	}
	return nil
}

// MarkNotificationSent records that the email went out; for a
// registration's first confirmation it also stamps confirmation_sent_at.
func (db *DB) MarkNotificationSent(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.ts(db.Now())
		var regID, kind, key string
		err := tx.QueryRowContext(ctx, `UPDATE notifications SET status = $1, sent_at = $2, lease_until = NULL
			WHERE id = $3 RETURNING subject_id, kind, dedupe_key`, notificationSent, now, id).Scan(&regID, &kind, &key)
		if err != nil {
			return fmt.Errorf("mark notification sent: %w", err)
		}
		if kind == basketball.NotifyConfirmation && key == "" {
			if _, err := tx.ExecContext(ctx, `UPDATE registrations SET confirmation_sent_at = $1 WHERE id = $2`, now, regID); err != nil {
				return fmt.Errorf("mark confirmation sent: %w", err)
			}
		}
		return nil
	})
}

// CancelNotification gives up on a pending notification (its registration
// no longer needs it, e.g. a reminder for a canceled registration).
func (db *DB) CancelNotification(ctx context.Context, id string) error {
	if _, err := db.exec(ctx, `UPDATE notifications SET status = $1, lease_until = NULL WHERE id = $2 AND status = $3`,
		notificationCanceled, id, notificationPending); err != nil {
		return fmt.Errorf("cancel notification: %w", err)
	}
	return nil
}
