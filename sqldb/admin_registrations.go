package sqldb

import (
	"context"
	"fmt"
	"strings"

	"basketball"
)

// ListRegistrationsPage returns a page of the club's registrations for
// staff, newest first (keyset on created_at and id, so a page never moves
// when registrations arrive), filtered by f (status, tryout, a search in
// the parent's email and the parent's and player's names in any letter
// case), each with PossibleDuplicate filled in. f must be validated.
func (db *DB) ListRegistrationsPage(ctx context.Context, clubSlug string, f basketball.RegistrationFilter) (basketball.Page[basketball.Registration], error) {
	var page basketball.Page[basketball.Registration]
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return page, err
	}
	page.Items, err = db.listClubRegistrations(ctx, clubSlug, f, after, f.Limit+1)
	if err != nil {
		return page, err
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[f.Limit-1]
		page.Next = encodeCursor(last.CreatedAt, last.ID)
	}
	return page, nil
}

// ExportRegistrations returns every registration of the club that f
// selects (its Limit and Cursor are ignored), newest first, for the CSV
// export.
func (db *DB) ExportRegistrations(ctx context.Context, clubSlug string, f basketball.RegistrationFilter) ([]basketball.Registration, error) {
	return db.listClubRegistrations(ctx, clubSlug, f, nil, 0)
}

// listClubRegistrations runs the staff listing's query; limit 0 is all.
func (db *DB) listClubRegistrations(ctx context.Context, clubSlug string, f basketball.RegistrationFilter, after *cursorAfter, limit int) ([]basketball.Registration, error) {
	club, err := clubBySlug(ctx, db.sql, clubSlug)
	if err != nil {
		return nil, err
	}
	var where strings.Builder
	args := []any{club.ID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where.WriteString(` WHERE r.club_id = $1`)
	if f.Status != "" {
		where.WriteString(` AND r.status = ` + arg(f.Status))
	}
	if f.TryoutID != "" {
		where.WriteString(` AND r.tryout_id = ` + arg(f.TryoutID))
	}
	if f.Q != "" {
		p := arg("%" + likeEscape(strings.ToLower(f.Q)) + "%")
		fmt.Fprintf(&where, ` AND (pa.email LIKE %[1]s ESCAPE '\' OR lower(r.parent_first_name) LIKE %[1]s ESCAPE '\'
			OR lower(r.parent_last_name) LIKE %[1]s ESCAPE '\' OR pl.first_name_key LIKE %[1]s ESCAPE '\'
			OR pl.last_name_key LIKE %[1]s ESCAPE '\')`, p)
	}
	if after != nil {
		n := len(args) + 1
		args = append(args, db.ts(after.At), after.ID)
		where.WriteString(` AND ` + keysetBefore("r.created_at", "r.id", n))
	}
	q := `SELECT ` + registrationCols + `, ` + possibleDuplicate + registrationFrom + where.String() + ` ORDER BY r.created_at DESC, r.id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	defer rows.Close()
	out := []basketball.Registration{}
	for rows.Next() {
		var dup bool
		r, err := scanRegistration(withExtra{rows, []any{&dup}})
		if err != nil {
			return nil, err
		}
		r.PossibleDuplicate = dup
		out = append(out, r)
	}
	return out, rows.Err()
}

// likeEscape makes a search text match itself in LIKE ... ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
