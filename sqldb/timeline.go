package sqldb

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"basketball"
)

// RegistrationTimeline returns a registration of the club and what
// happened to it, oldest first: created, each Checkout Session, each
// Stripe event with its outcome, the parent's login, every email, and
// every staff action. Another club's registration is
// ERegistrationNotFound.
func (db *DB) RegistrationTimeline(ctx context.Context, clubSlug, id string) (basketball.Registration, []basketball.TimelineEntry, error) {
	r, err := db.ClubRegistration(ctx, clubSlug, id)
	if err != nil {
		return r, nil, err
	}
	how := "to pay by card"
	if r.AmountCents == 0 {
		how = "nothing to pay"
	}
	created := fmt.Sprintf("registered for %s by %s: %s, %s", r.TryoutName, r.ParentEmail,
		basketball.FormatAmount(r.AmountCents, r.Currency), how)
	if r.PromoCode != "" {
		created += " (promo code " + r.PromoCode + ")"
	}
	out := []basketball.TimelineEntry{{At: r.CreatedAt, Kind: basketball.TimelineCreated, Detail: created}}
	add := func(at time.Time, kind, detail string) {
		out = append(out, basketball.TimelineEntry{At: at, Kind: kind, Detail: detail})
	}

	rows, err := db.sql.QueryContext(ctx, `SELECT id, attempt, created_at, expires_at FROM checkout_sessions
		WHERE registration_id = $1`, r.ID)
	if err != nil {
		return r, nil, fmt.Errorf("timeline sessions: %w", err)
	}
	for rows.Next() {
		var sid string
		var attempt int
		var at, exp timeCol
		if err := rows.Scan(&sid, &attempt, &at, &exp); err != nil {
			rows.Close()
			return r, nil, fmt.Errorf("scan session: %w", err)
		}
		add(at.T, basketball.TimelineCheckoutSession, fmt.Sprintf("checkout session %s opened (attempt %d), payable until %s",
			sid, attempt, exp.T.UTC().Format(time.RFC3339)))
	}
	rows.Close()

	rows, err = db.sql.QueryContext(ctx, `SELECT id, type, outcome, detail, received_at FROM stripe_events WHERE registration_id = $1`, r.ID)
	if err != nil {
		return r, nil, fmt.Errorf("timeline events: %w", err)
	}
	for rows.Next() {
		var eid, typ, outcome, detail string
		var at timeCol
		if err := rows.Scan(&eid, &typ, &outcome, &detail, &at); err != nil {
			rows.Close()
			return r, nil, fmt.Errorf("scan event: %w", err)
		}
		d := fmt.Sprintf("%s %s: %s", typ, eid, outcome)
		if detail != "" {
			d += " (" + detail + ")"
		}
		add(at.T, basketball.TimelineStripeEvent, d)
	}
	rows.Close()

	if r.AccountCreatedAt != nil {
		add(*r.AccountCreatedAt, basketball.TimelineAccountCreated, "the parent's login was created for "+r.ParentEmail)
	}

	notes, err := db.Notifications(ctx, r.ID)
	if err != nil {
		return r, nil, err
	}
	for _, n := range notes {
		what := strings.ReplaceAll(n.Kind, "_", " ") + " email"
		if n.DedupeKey != "" {
			what += " (" + n.DedupeKey + ")"
		}
		switch {
		case n.SentAt != nil:
			add(*n.SentAt, basketball.TimelineEmail, what+" sent to "+r.ParentEmail)
		case n.Status == notificationCanceled:
			add(n.CreatedAt, basketball.TimelineEmail, what+" not sent (no longer needed)")
		default:
			add(n.CreatedAt, basketball.TimelineEmail, fmt.Sprintf("%s queued (%d attempts so far)", what, n.Attempts))
		}
	}

	audit, err := db.auditOf(ctx, r.ClubID, r.ID)
	if err != nil {
		return r, nil, err
	}
	for _, e := range audit {
		d := e.Action + " by " + e.Actor.String()
		if e.Detail != "" {
			d += ": " + e.Detail
		}
		add(e.At, basketball.TimelineStaffAction, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return r, out, nil
}
