package main

import (
	"context"

	"basketball"
	"basketball/registration"
)

func (m *Main) listRegistrations(ctx context.Context, args []string) error {
	fs := m.newFlags("registrations list", "registrations list --club S [--status ST] [--format table|json|csv] [--json]")
	club := fs.String("club", "", "club slug (required)")
	status := fs.String("status", "", "only this status: pending, paid, expired, payment_failed, refunded, canceled")
	lf := addListFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	format, err := lf.check()
	switch {
	case err != nil:
		return err
	case *club == "":
		return usagef("--club is required")
	case *status != "" && !basketball.ValidStatus(*status):
		return usagef("--status: %q is not a status; use pending, paid, expired, payment_failed, refunded or canceled", *status)
	}
	db, err := m.openStore(ctx, *lf.dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	regs, err := db.ListRegistrations(ctx, *club, *status)
	if err != nil {
		return err
	}
	rows := make([]registration.Row, 0, len(regs))
	out := listing{csvHeader: registration.CSVHeader,
		table: [][]string{{"ID", "STATUS", "METHOD", "AMOUNT", "PARENT", "PLAYER", "TRYOUT", "CREATED", "PAID", "DUPLICATE?"}}}
	for _, reg := range regs {
		r := registration.RowOf(reg)
		rows = append(rows, r)
		loc := basketball.Tryout{TimeZone: r.TryoutTimeZone}.Loc()
		out.csv = append(out.csv, r.CSVRecord())
		dup := ""
		if r.PossibleDuplicate {
			dup = "possible duplicate"
		}
		out.table = append(out.table, []string{r.ID, r.Status, r.Method, basketball.FormatAmount(r.AmountCents, r.Currency),
			r.ParentEmail, r.PlayerFirstName + " " + r.PlayerLastName, r.TryoutName,
			registration.TimeIn(&r.CreatedAt, loc), registration.TimeIn(r.PaidAt, loc), dup})
	}
	out.json = rows
	return m.print(format, out)
}
