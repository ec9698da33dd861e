package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"basketball"
)

// MarkPaidOffline records a payment staff took outside Stripe (cash, a
// check…): the state machine moves the registration from `from` (pending,
// or expired when a seat is free and its promo code still has a use) to
// paid with method offline, in the same transaction as the post-payment
// job and the confirmation's record (as for a card), the audit entry, and
// the end of the staff lease. A registration no longer `from` is
// EInvalidState; an expired one whose player has registered again since
// is EAlreadyRegistered.
func (db *DB) MarkPaidOffline(ctx context.Context, clubSlug, id, from string, audit basketball.AuditEntry) (basketball.Registration, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		r, err := db.clubRegistration(ctx, tx, clubSlug, id, true)
		if err != nil {
			return err
		}
		if r.Status != from {
			return basketball.Errorf(basketball.EInvalidState, "the registration is %s now, no longer %s; nothing was changed", r.Status, from)
		}
		if _, ok := basketball.Next(r.Status, basketball.TriggerMarkedPaid); !ok {
			return basketball.Errorf(basketball.EInvalidState, "a %s registration cannot be marked paid", r.Status)
		}
		if r.Status != basketball.StatusPending {
			again, err := db.registeredAgain(ctx, tx, r.ID, now)
			if err != nil {
				return err
			}
			if again {
				return basketball.Errorf(basketball.EAlreadyRegistered, "this player has a newer registration for this tryout; mark that one paid instead")
			}
		}
		if _, err := db.transition(ctx, tx, r, basketball.TriggerMarkedPaid, now,
			set("method", basketball.MethodOffline), set("paid_at", db.ts(now)), set("amount_paid_cents", r.AmountCents), set("paid_currency", r.Currency),
			set("awaiting_async_payment", false), set("staff_lease_until", nil)); err != nil {
			return err
		}
		if err := db.enterPaid(ctx, tx, r.ID, "", time.Time{}); err != nil {
			return err
		}
		return db.addAudit(ctx, tx, r.ClubID, audit, now)
	})
	if err != nil {
		return basketball.Registration{}, err
	}
	return db.Registration(ctx, id)
}

// ResendConfirmation queues the confirmation of a paid registration of
// the club again, as a new notification (dedupe key "resend-N"), with the
// audit entry, in one transaction. It returns the notification's id. A
// registration that is not paid is EInvalidState.
func (db *DB) ResendConfirmation(ctx context.Context, clubSlug, id string, audit basketball.AuditEntry) (string, error) {
	var nid string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.clubRegistration(ctx, tx, clubSlug, id, true)
		if err != nil {
			return err
		}
		if r.Status != basketball.StatusPaid {
			return basketball.Errorf(basketball.EInvalidState, "only a paid registration has a confirmation; this one is %s", r.Status)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE subject_id = $1 AND kind = $2 AND dedupe_key LIKE 'resend-%'`,
			r.ID, basketball.NotifyConfirmation).Scan(&n); err != nil {
			return fmt.Errorf("count resends: %w", err)
		}
		key := fmt.Sprintf("resend-%d", n+1)
		if nid, err = db.notifyTx(ctx, tx, r.ID, basketball.NotifyConfirmation, key, ""); err != nil {
			return err
		}
		audit.Detail = strings.TrimSpace(audit.Detail + " (" + key + ")")
		return db.addAudit(ctx, tx, r.ClubID, audit, db.Now())
	})
	return nid, err
}
