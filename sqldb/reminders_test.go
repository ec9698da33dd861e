package sqldb_test

import (
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

// TestRecordDueReminders walks the clock to a tryout's reminder time and
// past it: a reminder is recorded once for each registration paid before
// that time and still paid, none for one paid after it (recorded as
// canceled), refunded, pending, or of a tryout outside the window or
// started.
func TestRecordDueReminders(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupRecording(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0) // starts 14 days after t0
		later := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0)
		const before = 24 * time.Hour
		moment := tr.StartsAt.Add(-before)

		reg := func(tryoutID string, n int, status string) string {
			t.Helper()
			r, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tryoutID, n), basketball.CreateOptions{CardEnabled: true})
			if err != nil {
				t.Fatal(err)
			}
			mustReach(t, b, r.ID, status, "pi_"+r.ID)
			return r.ID
		}
		paid := reg(tr.ID, 1, basketball.StatusPaid)
		refunded := reg(tr.ID, 2, basketball.StatusRefunded)
		pending := reg(tr.ID, 3, basketball.StatusPending)
		elsewhere := reg(later.ID, 4, basketball.StatusPaid)
		refundedLater := reg(tr.ID, 5, basketball.StatusPaid)
		// Moved a week later: outside the window.
		week := 7 * 24 * time.Hour
		if _, err := b.db.SQL().Exec(`UPDATE tryouts SET starts_at = $1, ends_at = $2 WHERE id = $3`,
			tsArg(engine, later.StartsAt.Add(week)), tsArg(engine, later.EndsAt.Add(week)), later.ID); err != nil {
			t.Fatal(err)
		}

		record := func(want int) {
			t.Helper()
			n, err := b.db.RecordDueReminders(b.ctx, before)
			if err != nil || n != want {
				t.Fatalf("at %s: recorded %d (%v), want %d", b.clock.Now(), n, err, want)
			}
		}
		// A second before the reminder time: nothing yet.
		b.clock.Advance(moment.Sub(b.clock.Now()) - time.Second)
		record(0)
		if n, err := b.db.RecordDueReminders(b.ctx, 0); err != nil || n != 0 {
			t.Fatalf("reminders off: %d, %v", n, err)
		}
		b.clock.Advance(time.Second)
		lateReg := reg(tr.ID, 6, basketball.StatusPaid) // paid at the reminder time: its confirmation says it all
		b.clock.Advance(time.Second)
		lateReg2 := reg(tr.ID, 7, basketball.StatusPaid)
		if o, _, err := b.db.ApplyPaymentEvent(b.ctx, basketball.PaymentEvent{ID: basketball.NewID("evt"), Type: basketball.EventChargeRefunded,
			PaymentIntentID: "pi_" + refundedLater, FullyRefunded: true}); err != nil || o != basketball.OutcomeRefunded {
			t.Fatalf("refund: %s, %v", o, err)
		}
		record(2)
		record(0)

		reminders := func(id string) []basketball.Notification {
			t.Helper()
			ns, err := b.db.Notifications(b.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []basketball.Notification
			for _, n := range ns {
				if n.Kind == basketball.NotifyReminder {
					out = append(out, n)
				}
			}
			return out
		}
		if rs := reminders(paid); len(rs) != 1 || rs[0].Status != "pending" || rs[0].DedupeKey != "" {
			t.Errorf("paid registration's reminders: %+v", rs)
		}
		if rs := reminders(lateReg); len(rs) != 1 || rs[0].Status != "pending" {
			t.Errorf("a registration paid at the reminder time still gets one: %+v", rs)
		}
		if rs := reminders(lateReg2); len(rs) != 1 || rs[0].Status != "canceled" {
			t.Errorf("a registration paid after the reminder time: %+v, want one canceled record", rs)
		}
		for name, id := range map[string]string{"refunded": refunded, "pending": pending, "other tryout": elsewhere, "refunded in the window": refundedLater} {
			if rs := reminders(id); len(rs) != 0 {
				t.Errorf("%s registration has reminders %+v", name, rs)
			}
		}
		if n := count(t, b.db, `SELECT count(*) FROM test_jobs WHERE kind = 'notify'`); n != 2 {
			t.Errorf("%d notify jobs, want 2 (one per due reminder)", n)
		}

		// Once the tryout has started, nothing is recorded, even for a
		// registration that has none (the job was down all day).
		if _, err := b.db.SQL().Exec(`DELETE FROM notifications WHERE subject_id = $1 AND kind = 'reminder'`, paid); err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(before)
		record(0)
	})
}

// tsArg is a time as the engine's timestamp columns take it.
func tsArg(engine string, t time.Time) any {
	if engine == "sqlite" {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t
}
