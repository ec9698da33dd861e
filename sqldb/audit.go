package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"basketball"
)

// addAudit writes a staff action to the audit log, in the transaction of
// the change it describes: an action is in the log if and only if it
// happened.
func (db *DB) addAudit(ctx context.Context, tx *sql.Tx, clubID string, e basketball.AuditEntry, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, club_id, at, actor_subject, actor_email, action, target, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		basketball.NewID("aud"), clubID, db.ts(now), e.Actor.Subject, e.Actor.Email, e.Action, e.Target, truncate(e.Detail, 2000))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

const auditCols = `a.id, a.club_id, a.at, a.actor_subject, a.actor_email, a.action, a.target, a.detail`

func scanAudit(s scanner) (basketball.AuditEntry, error) {
	var e basketball.AuditEntry
	var at timeCol
	if err := s.Scan(&e.ID, &e.ClubID, &at, &e.Actor.Subject, &e.Actor.Email, &e.Action, &e.Target, &e.Detail); err != nil {
		return e, fmt.Errorf("scan audit entry: %w", err)
	}
	e.At = at.T
	return e, nil
}

// ListAudit returns a page of the club's audit log, newest first, or
// EClubNotFound. limit must be checked by the caller (basketball.PageSize).
func (db *DB) ListAudit(ctx context.Context, clubSlug string, limit int, cursor string) (basketball.Page[basketball.AuditEntry], error) {
	var page basketball.Page[basketball.AuditEntry]
	after, err := decodeCursor(cursor)
	if err != nil {
		return page, err
	}
	club, err := clubBySlug(ctx, db.sql, clubSlug)
	if err != nil {
		return page, err
	}
	q := `SELECT ` + auditCols + ` FROM audit_log a WHERE a.club_id = $1`
	args := []any{club.ID}
	if after != nil {
		q += ` AND ` + keysetBefore("a.at", "a.id", 2)
		args = append(args, db.ts(after.At), after.ID)
	}
	rows, err := db.sql.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY a.at DESC, a.id DESC LIMIT %d`, limit+1), args...)
	if err != nil {
		return page, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	page.Items = []basketball.AuditEntry{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, e)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = encodeCursor(last.At, last.ID)
	}
	return page, nil
}

// auditOf returns the audit entries about one target, oldest first.
func (db *DB) auditOf(ctx context.Context, clubID, target string) ([]basketball.AuditEntry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log a WHERE a.target = $1 AND a.club_id = $2
		ORDER BY a.at, a.id`, target, clubID)
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", target, err)
	}
	defer rows.Close()
	var out []basketball.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
