package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"basketball"
	"basketball/email/emailtest"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// mustEvent reads the .ics attached to msg with go-ical.
func mustEvent(t *testing.T, msg emailtest.Received) *goical.Event {
	t.Helper()
	a, ok := msg.Attachment("text/calendar")
	if !ok || a.Filename != "tryout.ics" {
		t.Fatalf("no tryout.ics attached to %q (attachments %+v)", msg.Subject, msg.Attachments)
	}
	cal, err := goical.NewDecoder(bytes.NewReader(a.Data)).Decode()
	if err != nil {
		t.Fatalf("the .ics does not parse: %v\n%s", err, a.Data)
	}
	if ev := cal.Events(); len(ev) == 1 {
		return &ev[0]
	}
	t.Fatalf("%d events in the .ics", len(cal.Events()))
	return nil
}

func propValue(ev *goical.Event, name string) string {
	if p := ev.Props.Get(name); p != nil {
		return p.Value
	}
	return ""
}

// nextTransition is the first daylight-saving change in loc after from.
func nextTransition(t *testing.T, loc *time.Location, from time.Time) time.Time {
	t.Helper()
	_, end := from.In(loc).ZoneBounds()
	if end.IsZero() {
		t.Fatalf("%s has no transitions", loc)
	}
	return end
}

// TestConfirmationCarriesTheTryoutAsAnEvent: booked before a
// daylight-saving change, for a tryout after it; the attached event,
// read back by go-ical, starts and ends at the tryout's instants, with the
// registration's UID and link.
func TestConfirmationCarriesTheTryoutAsAnEvent(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		chicago, _ := time.LoadLocation("America/Chicago")
		change := nextTransition(t, chicago, time.Now())
		d := change.In(chicago).AddDate(0, 0, 7)
		start := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, chicago)
		if z1, _ := time.Now().In(chicago).Zone(); z1 == func() string { z, _ := start.Zone(); return z }() {
			t.Fatalf("no zone change between now and %s", start)
		}
		b.tryout = mustTryoutAt(t, b.db, start)
		reg := b.mustRegisterCard(t, "ics@example.com", "Ike")
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitConfirmed(t, reg.ID)
		msg := b.mustOneMessage(t, "ics@example.com")
		ev := mustEvent(t, msg)
		s, err := ev.DateTimeStart(nil)
		if err != nil {
			t.Fatal(err)
		}
		e, err := ev.DateTimeEnd(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Equal(b.tryout.StartsAt) || !e.Equal(b.tryout.EndsAt) {
			t.Errorf("event %s – %s, tryout %s – %s", s, e, b.tryout.StartsAt, b.tryout.EndsAt)
		}
		page := publicURL + "/registrations/" + reg.ID
		if uid := propValue(ev, goical.PropUID); uid != reg.ID+"@tryouts.example.org" {
			t.Errorf("UID %q", uid)
		}
		if desc, _ := ev.Props.Text(goical.PropDescription); !strings.Contains(desc, page) {
			t.Errorf("DESCRIPTION %q lacks %s", desc, page)
		}
		if loc, _ := ev.Props.Text(goical.PropLocation); loc != b.tryout.Location || propValue(ev, goical.PropSequence) != "0" {
			t.Errorf("LOCATION %q SEQUENCE %q", loc, propValue(ev, goical.PropSequence))
		}
		if !strings.Contains(msg.Text, page+"/calendar.ics") || !strings.Contains(msg.HTML, page+"/calendar.ics") {
			t.Error("the email does not link the calendar event")
		}
	})
}

// TestTryoutChangedEmail: a tryout_changed notification recorded through
// the store (as the admin area's PATCH will) sends the parent the old and
// new values in the tryout's zone, with the updated event: same UID,
// SEQUENCE the change counter. A second change sends a higher SEQUENCE.
func TestTryoutChangedEmail(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		ctx := context.Background()
		const addr = "moved@example.com"
		reg := b.mustRegisterCard(t, addr, "Mo")
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitConfirmed(t, reg.ID)
		confirmation := mustEvent(t, b.mustOneMessage(t, addr))

		old := b.tryout
		newStart := old.StartsAt.Add(26 * time.Hour)
		if _, err := b.db.SQL().Exec(`UPDATE tryouts SET starts_at = $1, ends_at = $2, location = $3 WHERE id = $4`,
			tsArg(b.engine, newStart), tsArg(b.engine, newStart.Add(2*time.Hour)), "North Gym", old.ID); err != nil {
			t.Fatal(err)
		}
		change := func(key string, ch basketball.TryoutChange) {
			t.Helper()
			data, _ := json.Marshal(ch)
			if _, err := b.db.Notify(ctx, reg.ID, basketball.NotifyTryoutChanged, key, string(data)); err != nil {
				t.Fatal(err)
			}
		}
		change("1", basketball.TryoutChange{OldStartsAt: old.StartsAt, OldEndsAt: old.EndsAt, OldLocation: old.Location,
			NewStartsAt: newStart, NewEndsAt: newStart.Add(2 * time.Hour), NewLocation: "North Gym"})
		msgs := b.waitMessages(t, addr, 2)
		m := msgs[1]
		chicago, _ := time.LoadLocation("America/Chicago")
		oldWhen := old.StartsAt.In(chicago).Format("Monday, January 2, 2006, 3:04 PM")
		newWhen := newStart.In(chicago).Format("Monday, January 2, 2006, 3:04 PM")
		for name, part := range map[string]string{"text": m.Text, "HTML": m.HTML} {
			for _, want := range []string{oldWhen, newWhen, "North Gym", old.Location} {
				if !strings.Contains(part, want) {
					t.Errorf("%s part lacks %q", name, want)
				}
			}
		}
		if !strings.HasPrefix(m.Subject, "Tryout changed (new time and place)") || m.HeaderFrom != "coach@"+clubSlug+".example" {
			t.Errorf("subject %q from %s", m.Subject, m.HeaderFrom)
		}
		ev := mustEvent(t, m)
		if s, _ := ev.DateTimeStart(nil); !s.Equal(newStart) {
			t.Errorf("updated event starts %s, want %s", s, newStart)
		}
		if propValue(ev, goical.PropUID) != propValue(confirmation, goical.PropUID) || propValue(ev, goical.PropSequence) != "1" {
			t.Errorf("updated event UID %q SEQUENCE %q; confirmation's UID %q", propValue(ev, goical.PropUID),
				propValue(ev, goical.PropSequence), propValue(confirmation, goical.PropUID))
		}
		// Recording the same change again sends nothing; the next one does.
		change("1", basketball.TryoutChange{OldStartsAt: old.StartsAt, OldEndsAt: old.EndsAt, NewStartsAt: newStart, NewEndsAt: newStart.Add(2 * time.Hour)})
		change("2", basketball.TryoutChange{OldStartsAt: newStart, OldEndsAt: newStart.Add(2 * time.Hour), OldLocation: "North Gym",
			NewStartsAt: newStart, NewEndsAt: newStart.Add(2 * time.Hour), NewLocation: "North Gym"})
		msgs = b.waitMessages(t, addr, 3)
		if seq := propValue(mustEvent(t, msgs[2]), goical.PropSequence); seq != "2" || len(b.messagesTo(addr)) != 3 {
			t.Errorf("second change: SEQUENCE %q, %d emails", seq, len(b.messagesTo(addr)))
		}
	})
}

// TestNotificationNoLongerDueIsCanceled: a reminder or change notice for
// a registration refunded in the meantime is canceled, not sent.
func TestNotificationNoLongerDueIsCanceled(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		ctx := context.Background()
		const addr = "refunded@example.com"
		reg := b.mustRegisterCard(t, addr, "Rae")
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitConfirmed(t, reg.ID)
		b.mustPostEvent(t, refundEvent(reg), basketball.OutcomeRefunded)
		id, err := b.db.Notify(ctx, reg.ID, basketball.NotifyReminder, "", "")
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the reminder canceled", func() (bool, string) {
			n, err := b.db.Notification(ctx, id)
			return err == nil && n.Status == "canceled", n.Status
		})
		if n := len(b.messagesTo(addr)); n != 1 {
			t.Errorf("%d emails, want only the confirmation", n)
		}
	})
}

// refundEvent is a full charge.refunded for reg's payment.
func refundEvent(reg basketball.Registration) []byte {
	return stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{PaymentIntentID: "pi_" + reg.ID, Amount: reg.AmountCents,
		AmountRefunded: reg.AmountCents, Currency: reg.Currency, Refunded: true})
}

// tsArg is a time as the engine's timestamp columns take it.
func tsArg(engine string, t time.Time) any {
	if engine == sqldb.SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t
}
