package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"basketball"
)

// maxRemindersPerRun bounds one run's transaction; the rest wait for the
// next run, seconds later.
const maxRemindersPerRun = 500

// RecordDueReminders records a reminder (notification kind reminder,
// dedupe key "") and the job that sends it for each paid registration
// whose tryout starts within before from now and that was paid at least
// before ahead of the start: one paid later got the tryout's details in
// its confirmation moments ago. A tryout that has started gets none. It
// returns how many it recorded; running it again, or on several replicas
// at once, records nothing twice (the notification is unique per
// registration, kind and key). before <= 0 records nothing (reminders
// off).
func (db *DB) RecordDueReminders(ctx context.Context, before time.Duration) (int, error) {
	if before <= 0 {
		return 0, nil
	}
	now := db.Now()
	rows, err := db.sql.QueryContext(ctx, `SELECT r.id, r.paid_at, t.starts_at FROM registrations r
		JOIN tryouts t ON t.id = r.tryout_id
		WHERE t.starts_at > $1 AND t.starts_at <= $2 AND r.status = $3
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.subject_id = r.id AND n.kind = $4 AND n.dedupe_key = '')
		ORDER BY t.starts_at, r.id LIMIT $5`,
		db.ts(now), db.ts(now.Add(before)), basketball.StatusPaid, basketball.NotifyReminder, maxRemindersPerRun)
	if err != nil {
		return 0, fmt.Errorf("find due reminders: %w", err)
	}
	var due, late []string
	for rows.Next() {
		var id string
		var paid, starts timeCol
		if err := rows.Scan(&id, &paid, &starts); err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan due reminder: %w", err)
		}
		if !paid.Valid || !paid.T.After(starts.T.Add(-before)) {
			due = append(due, id)
		} else {
			late = append(late, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find due reminders: %w", err)
	}
	if len(due) == 0 && len(late) == 0 {
		return 0, nil
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range due {
			if _, err := db.notifyTx(ctx, tx, id, basketball.NotifyReminder, "", ""); err != nil {
				return err
			}
		}
		// Paid after the reminder time: recorded as canceled, so the
		// decision shows and the registration is not looked at again.
		for _, id := range late {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, subject_id, kind, dedupe_key, data, status, created_at)
				VALUES ($1, $2, $3, '', '', $4, $5) ON CONFLICT (subject_id, kind, dedupe_key) DO NOTHING`,
				basketball.NewID("ntf"), id, basketball.NotifyReminder, notificationCanceled, db.ts(now)); err != nil {
				return fmt.Errorf("record reminder not due: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(due), nil
}
