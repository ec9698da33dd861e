package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"basketball"
	"basketball/email"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

// TestMailPreviewEveryKind: every kind of email renders with mail preview
// --kind, both parts, from the club's sender; an unknown kind is refused
// with the list.
func TestMailPreviewEveryKind(t *testing.T) {
	t.Parallel()
	for _, kind := range email.Kinds() {
		out := mustRun(t, nil, "mail", "preview", "--kind", kind)
		text, html, ok := strings.Cut(out, "----- HTML part -----")
		if !ok || !strings.Contains(text, "From: tryouts@demo-club.example") || !strings.Contains(text, "Subject: ") ||
			!strings.Contains(text, "Max Lee") || !strings.Contains(html, "<html") {
			t.Errorf("preview of %s:\n%.800s", kind, out)
		}
	}
	reminder := mustRun(t, nil, "mail", "preview", "--kind", "reminder", "--format", "text")
	if !strings.Contains(reminder, "Subject: Reminder: Max Lee") || !strings.Contains(reminder, "calendar.ics") {
		t.Errorf("reminder preview:\n%s", reminder)
	}
	if code, _, stderr := run(t, nil, "mail", "preview", "--kind", "postcard"); code != 2 || !strings.Contains(stderr, "tryout_changed") {
		t.Errorf("unknown kind: %d %s", code, stderr)
	}
	ics := mustRun(t, nil, "mail", "preview", "--format", "ics")
	if _, err := goical.NewDecoder(strings.NewReader(ics)).Decode(); err != nil || !strings.Contains(ics, "BEGIN:VEVENT") {
		t.Errorf("--format ics: %v\n%s", err, ics)
	}
}

// TestMailPreviewOfARegistration: a paid registration's reminder and its
// latest recorded change render from the database; a change preview
// without a recorded change is refused.
func TestMailPreviewOfARegistration(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, sqldb.SQLite)}
	mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers", "--email-from", "coach@tigers.example")
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour).UTC()
	tr := mustOneJSONObject(t, mustRun(t, env, "tryout", "create", "--club", "tigers", "--name", "Winter", "--starts-at", start.Format(time.RFC3339),
		"--ends-at", start.Add(2*time.Hour).Format(time.RFC3339), "--timezone", "America/Chicago", "--location", "Gym", "--fee-cents", "3000", "--json"))
	id := mustPendingRegistration(t, env["DATABASE_URL"], tr["id"].(string))
	db := mustOpen(t, env["DATABASE_URL"])
	ctx := context.Background()
	if _, _, err := db.ApplyPaymentEvent(ctx, basketball.PaymentEvent{ID: "evt_kinds", Type: basketball.EventCheckoutCompleted,
		MetadataType: basketball.MetadataTypeRegistration, RegistrationRef: id, SessionID: "cs_test_cli", PaymentStatus: "paid",
		PaymentIntentID: "pi_kinds", AmountTotal: 3000, Currency: "usd"}); err != nil {
		t.Fatal(err)
	}

	out := mustRun(t, env, "mail", "preview", "--registration", id, "--kind", "reminder", "--format", "text")
	if !strings.Contains(out, "From: coach@tigers.example") || !strings.Contains(out, "Subject: Reminder: ") || !strings.Contains(out, id+"/calendar.ics") {
		t.Errorf("reminder of %s:\n%s", id, out)
	}
	if code, _, stderr := run(t, env, "mail", "preview", "--registration", id, "--kind", "tryout_changed"); code != 2 || !strings.Contains(stderr, "no tryout change") {
		t.Errorf("change preview without a change: %d %s", code, stderr)
	}
	data, _ := json.Marshal(basketball.TryoutChange{OldStartsAt: start.Add(-time.Hour), OldEndsAt: start.Add(time.Hour), OldLocation: "Old Gym",
		NewStartsAt: start, NewEndsAt: start.Add(2 * time.Hour), NewLocation: "Gym"})
	if _, err := db.Notify(ctx, id, basketball.NotifyTryoutChanged, "3", string(data)); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, env, "mail", "preview", "--registration", id, "--kind", "tryout_changed", "--format", "text")
	if !strings.Contains(out, "Where (was): Old Gym") || !strings.Contains(out, "Attachment: tryout.ics") {
		t.Errorf("change preview:\n%s", out)
	}
	ics := mustRun(t, env, "mail", "preview", "--registration", id, "--kind", "tryout_changed", "--format", "ics")
	cal, err := goical.NewDecoder(bytes.NewReader([]byte(ics))).Decode()
	if err != nil || len(cal.Events()) != 1 || cal.Events()[0].Props.Get(goical.PropSequence).Value != "3" {
		t.Errorf("change's event: %v\n%s", err, ics)
	}
}
