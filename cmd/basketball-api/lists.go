package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"basketball"
)

func (m *Main) listClubs(ctx context.Context, args []string) error {
	fs := m.newFlags("club list", "club list [--format table|json|csv] [--json]")
	lf := addListFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	format, err := lf.check()
	if err != nil {
		return err
	}
	db, err := m.openStore(ctx, *lf.dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	clubs, err := db.ListClubs(ctx)
	if err != nil {
		return err
	}
	out := listing{json: clubs, csvHeader: []string{"id", "slug", "name", "email_from", "created_at"},
		table: [][]string{{"SLUG", "NAME", "EMAIL FROM", "ID"}}}
	for _, c := range clubs {
		out.csv = append(out.csv, []string{c.ID, c.Slug, c.Name, c.EmailFrom, c.CreatedAt.UTC().Format(time.RFC3339)})
		out.table = append(out.table, []string{c.Slug, c.Name, c.EmailFrom, c.ID})
	}
	return m.print(format, out)
}

func (m *Main) listTryouts(ctx context.Context, args []string) error {
	fs := m.newFlags("tryout list", "tryout list --club S [--format table|json|csv] [--json]")
	club := fs.String("club", "", "club slug (required)")
	lf := addListFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	format, err := lf.check()
	if err != nil {
		return err
	}
	if *club == "" {
		return usagef("--club is required")
	}
	db, err := m.openStore(ctx, *lf.dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	tryouts, err := db.ListTryouts(ctx, *club, false)
	if err != nil {
		return err
	}
	out := listing{json: tryouts,
		csvHeader: []string{"id", "name", "starts_at", "ends_at", "timezone", "location", "fee_cents", "currency", "capacity", "seats_left", "open"},
		table:     [][]string{{"ID", "NAME", "STARTS", "LOCATION", "FEE", "SEATS LEFT", "OPEN"}}}
	for _, t := range tryouts {
		loc := t.Loc()
		seats := "unlimited"
		if t.SeatsLeft != nil {
			seats = fmt.Sprintf("%d of %d", *t.SeatsLeft, *t.Capacity)
		}
		open := "open"
		if !t.Open {
			open = "closed"
		}
		out.csv = append(out.csv, []string{t.ID, t.Name, timeIn(&t.StartsAt, loc), timeIn(&t.EndsAt, loc), t.TimeZone, t.Location,
			strconv.FormatInt(t.FeeCents, 10), t.Currency, intOrEmpty(t.Capacity), intOrEmpty(t.SeatsLeft), strconv.FormatBool(t.Open)})
		out.table = append(out.table, []string{t.ID, t.Name, t.StartsAt.In(loc).Format("2006-01-02 15:04 MST"), t.Location,
			basketball.FormatAmount(t.FeeCents, t.Currency), seats, open})
	}
	return m.print(format, out)
}

func (m *Main) listPromos(ctx context.Context, args []string) error {
	fs := m.newFlags("promo list", "promo list --club S [--format table|json|csv] [--json]")
	club := fs.String("club", "", "club slug (required)")
	lf := addListFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	format, err := lf.check()
	if err != nil {
		return err
	}
	if *club == "" {
		return usagef("--club is required")
	}
	db, err := m.openStore(ctx, *lf.dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	promos, err := db.ListPromos(ctx, *club)
	if err != nil {
		return err
	}
	out := listing{json: promos,
		csvHeader: []string{"id", "code", "percent_off", "amount_off_cents", "max_uses", "uses", "expires_at", "active", "created_at"},
		table:     [][]string{{"CODE", "DISCOUNT", "USES", "EXPIRES", "ACTIVE", "ID"}}}
	for _, p := range promos {
		var amount *int
		if p.AmountOffCents != nil {
			a := int(*p.AmountOffCents)
			amount = &a
		}
		out.csv = append(out.csv, []string{p.ID, p.Code, intOrEmpty(p.PercentOff), intOrEmpty(amount), intOrEmpty(p.MaxUses),
			strconv.Itoa(p.Uses), timeIn(p.ExpiresAt, time.UTC), strconv.FormatBool(p.Active), p.CreatedAt.UTC().Format(time.RFC3339)})
		discount := ""
		if p.PercentOff != nil {
			discount = fmt.Sprintf("%d%% off", *p.PercentOff)
		} else if p.AmountOffCents != nil {
			discount = fmt.Sprintf("%d cents off", *p.AmountOffCents)
		}
		uses := strconv.Itoa(p.Uses)
		if p.MaxUses != nil {
			uses += fmt.Sprintf(" of %d", *p.MaxUses)
		}
		expires := "never"
		if p.ExpiresAt != nil {
			expires = timeIn(p.ExpiresAt, time.UTC)
		}
		active := "yes"
		if !p.Active {
			active = "disabled"
		}
		out.table = append(out.table, []string{p.Code, discount, uses, expires, active, p.ID})
	}
	return m.print(format, out)
}
