package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"basketball"
)

// listedRegistration is one element of `registrations list --format json`.
type listedRegistration struct {
	ID                      string     `json:"id"`
	Status                  string     `json:"status"`
	Method                  string     `json:"method"`
	TryoutID                string     `json:"tryout_id"`
	TryoutName              string     `json:"tryout_name"`
	AmountCents             int64      `json:"amount_cents"`
	AmountPaidCents         *int64     `json:"amount_paid_cents"`
	Currency                string     `json:"currency"`
	ParentEmail             string     `json:"parent_email"`
	ParentFirstName         string     `json:"parent_first_name"`
	ParentLastName          string     `json:"parent_last_name"`
	PlayerFirstName         string     `json:"player_first_name"`
	PlayerLastName          string     `json:"player_last_name"`
	StripeCheckoutSessionID *string    `json:"stripe_checkout_session_id"`
	StripePaymentIntentID   *string    `json:"stripe_payment_intent_id"`
	CreatedAt               time.Time  `json:"created_at"`
	PaidAt                  *time.Time `json:"paid_at"`
	ConfirmationSentAt      *time.Time `json:"confirmation_sent_at"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (m *Main) listRegistrations(ctx context.Context, args []string) error {
	fs := m.newFlags("registrations list", "registrations list --club S [--status ST] [--format table|json|csv]")
	club := fs.String("club", "", "club slug (required)")
	status := fs.String("status", "", "only this status: pending, paid, expired, payment_failed, refunded, canceled")
	format := fs.String("format", "table", "table, json or csv")
	dbURL := fs.String("database-url", "", "database (default: $DATABASE_URL)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *club == "":
		return usagef("--club is required")
	case *status != "" && !basketball.ValidStatus(*status):
		return usagef("--status: unknown status %q", *status)
	case *format != "table" && *format != "json" && *format != "csv":
		return usagef("--format: want table, json or csv")
	}
	db, err := m.openStore(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	regs, err := db.ListRegistrations(ctx, *club, *status)
	if err != nil {
		return err
	}
	rows := make([]listedRegistration, len(regs))
	for i, r := range regs {
		rows[i] = listedRegistration{
			ID: r.ID, Status: r.Status, Method: r.Method, TryoutID: r.TryoutID, TryoutName: r.TryoutName,
			AmountCents: r.AmountCents, AmountPaidCents: r.AmountPaidCents, Currency: r.Currency,
			ParentEmail: r.ParentEmail, ParentFirstName: r.ParentFirstName, ParentLastName: r.ParentLastName,
			PlayerFirstName: r.PlayerFirstName, PlayerLastName: r.PlayerLastName,
			StripeCheckoutSessionID: strPtr(r.StripeCheckoutSessionID), StripePaymentIntentID: strPtr(r.StripePaymentIntentID),
			CreatedAt: r.CreatedAt, PaidAt: r.PaidAt, ConfirmationSentAt: r.ConfirmationSentAt,
		}
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		w := csv.NewWriter(m.Stdout)
		w.Write([]string{"id", "status", "method", "tryout_id", "tryout_name", "amount_cents", "currency", "parent_email",
			"player_first_name", "player_last_name", "stripe_checkout_session_id", "stripe_payment_intent_id", "created_at", "paid_at"})
		for _, r := range rows {
			w.Write([]string{r.ID, r.Status, r.Method, r.TryoutID, csvSafe(r.TryoutName), strconv.FormatInt(r.AmountCents, 10), r.Currency,
				csvSafe(r.ParentEmail), csvSafe(r.PlayerFirstName), csvSafe(r.PlayerLastName), deref(r.StripeCheckoutSessionID),
				deref(r.StripePaymentIntentID), r.CreatedAt.Format(time.RFC3339), timeOrEmpty(r.PaidAt)})
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tMETHOD\tAMOUNT\tPARENT\tPLAYER\tTRYOUT\tCREATED\tPAID")
	for _, r := range rows {
		cells := []string{r.ID, r.Status, r.Method, basketball.FormatAmount(r.AmountCents, r.Currency), r.ParentEmail,
			r.PlayerFirstName + " " + r.PlayerLastName, r.TryoutName, r.CreatedAt.Format(time.RFC3339), timeOrEmpty(r.PaidAt)}
		for i, c := range cells {
			cells[i] = termSafe(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// termSafe shows a stored value on a terminal as it is, never runs it:
// control and bidi characters stored before they were refused (an ESC
// that would recolour or clear the admin's screen, a U+202E that reverses
// what follows) come out escaped, as \x1b or \u202e. A tab, escaped too,
// cannot shift the columns.
func termSafe(s string) string { return basketball.EscapeUnsafe(s) }

// csvSafe defuses cells a spreadsheet would run as a formula (=, +, -, @,
// and | for DDE, or a tab or CR before one): parents type names, and admins
// open the export in Excel.
func csvSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@|\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func timeOrEmpty(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
