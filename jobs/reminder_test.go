package jobs_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/email"
	"basketball/email/emailtest"
	"basketball/jobs"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

// shiftedClock is the real clock moved by an offset the test sets: the
// store's "now" while registrations are paid in the past.
type shiftedClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *shiftedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *shiftedClock) Set(off time.Duration) { c.mu.Lock(); c.off = off; c.mu.Unlock() }

// mustPaid stores a card registration of the tryout and pays it, at the
// store's clock.
func mustPaid(t *testing.T, db *sqldb.DB, tryoutID string, n int) basketball.Registration {
	t.Helper()
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, clubSlug, sqldbtest.Request(tryoutID, n), basketball.CreateOptions{CardEnabled: true})
	if err != nil {
		t.Fatal(err)
	}
	o, _, err := db.ApplyPaymentEvent(ctx, basketball.PaymentEvent{ID: basketball.NewID("evt"), Type: basketball.EventCheckoutCompleted,
		MetadataType: basketball.MetadataTypeRegistration, RegistrationRef: r.ID, PaymentStatus: "paid",
		PaymentIntentID: "pi_" + r.ID, AmountTotal: r.AmountCents, Currency: r.Currency})
	if err != nil || o != basketball.OutcomePaid {
		t.Fatalf("pay %s: %s, %v", r.ID, o, err)
	}
	return r
}

// TestReminderOnceWithThreeReplicas: a tryout starting a minute from now,
// REMINDER_BEFORE 24 h, three replicas (three River clients, each with its
// own store handle) on one database: exactly one reminder per registration
// paid before the reminder time, none for one refunded before it, none for
// one paid after it. A second tryout whose reminder time is a few seconds
// ahead measures how late a reminder goes out with the default interval.
func TestReminderOnceWithThreeReplicas(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		const before = 24 * time.Hour
		clock := &shiftedClock{}
		url := sqldbtest.URL(t, engine)
		var dbs []*sqldb.DB
		for range 3 {
			db, err := sqldb.Open(ctx, url, sqldb.Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			dbs = append(dbs, db)
		}
		db := dbs[0]
		sqldbtest.MustClub(t, db, clubSlug)
		now := time.Now()
		soon := mustTryoutAt(t, db, now.Add(time.Minute))
		// Its reminder time is 10 s from now.
		measured := mustTryoutAt(t, db, now.Add(before+10*time.Second))

		// A day and more ago, before the first tryout's reminder time.
		clock.Set(-25 * time.Hour)
		paid := []basketball.Registration{mustPaid(t, db, soon.ID, 1), mustPaid(t, db, soon.ID, 2)}
		refunded := mustPaid(t, db, soon.ID, 3)
		clock.Set(-24*time.Hour - 30*time.Minute)
		if o, _, err := db.ApplyPaymentEvent(ctx, basketball.PaymentEvent{ID: basketball.NewID("evt"), Type: basketball.EventChargeRefunded,
			PaymentIntentID: "pi_" + refunded.ID, FullyRefunded: true}); err != nil || o != basketball.OutcomeRefunded {
			t.Fatalf("refund: %s %v", o, err)
		}
		// An hour ago: after the first tryout's reminder time.
		clock.Set(-time.Hour)
		late := mustPaid(t, db, soon.ID, 4)
		onTime := mustPaid(t, db, measured.ID, 5)
		clock.Set(0)

		smtp := emailtest.NewServer(t)
		mailer, err := email.NewSender(email.Config{SMTPURL: smtp.URL(), Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for i, rdb := range dbs {
			step := &jobs.PostPayment{Store: rdb, Mailer: mailer, MailFrom: "noreply@example.org", PublicURL: publicURL, Now: clock.Now}
			q, err := jobs.NewQueue(rdb.RiverDriver(), jobs.Handlers{PostPayment: step, Reminders: rdb}, jobs.Config{
				ReminderBefore: before, FetchPollInterval: 100 * time.Millisecond, RetryPolicy: fixedRetry(50 * time.Millisecond),
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(context.Background()); err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				defer cancel()
				_ = q.Stop(sctx)
			})
		}

		reminders := func() map[string]int {
			out := map[string]int{}
			for _, m := range smtp.Messages() {
				if strings.HasPrefix(m.Subject, "Reminder: ") {
					out[m.HeaderTo[0]]++
				}
			}
			return out
		}
		var arrived time.Time
		waitFor(t, "the reminders", func() (bool, string) {
			got := reminders()
			if got[onTime.ParentEmail] > 0 && arrived.IsZero() {
				arrived = time.Now()
			}
			return got[paid[0].ParentEmail] > 0 && got[paid[1].ParentEmail] > 0 && got[onTime.ParentEmail] > 0, "so far"
		})
		moment := measured.StartsAt.Add(-before)
		if arrived.Before(moment) {
			t.Errorf("a reminder went out %s before its time", moment.Sub(arrived))
		}
		t.Logf("reminder sent %.1f s after its time (interval 15 s)", arrived.Sub(moment).Seconds())

		// Several more runs of the periodic job send nothing more.
		time.Sleep(3 * time.Second)
		got := reminders()
		want := map[string]int{paid[0].ParentEmail: 1, paid[1].ParentEmail: 1, onTime.ParentEmail: 1}
		for to, n := range got {
			if want[to] != n {
				t.Errorf("%d reminders to %s, want %d", n, to, want[to])
			}
		}
		for _, r := range []basketball.Registration{refunded, late} {
			if got[r.ParentEmail] != 0 {
				t.Errorf("%s got a reminder", r.ParentEmail)
			}
		}
		if n, err := db.NotificationFor(ctx, late.ID, basketball.NotifyReminder, ""); err != nil || n.Status != "canceled" {
			t.Errorf("reminder of a registration paid after the reminder time: %+v, %v", n, err)
		}
		msg := smtp.Messages()
		for _, m := range msg {
			if m.HeaderTo[0] == paid[0].ParentEmail && strings.HasPrefix(m.Subject, "Reminder: ") {
				if m.HeaderFrom != "coach@"+clubSlug+".example" || !strings.Contains(m.Text, soon.Location) || m.HTML == "" {
					t.Errorf("reminder from %s:\n%s", m.HeaderFrom, m.Text)
				}
			}
		}
	})
}

// mustTryoutAt creates an open tryout of the club starting at start.
func mustTryoutAt(t *testing.T, db *sqldb.DB, start time.Time) basketball.Tryout {
	t.Helper()
	tr, err := db.CreateTryout(context.Background(), clubSlug, basketball.TryoutInput{Name: "Tryout " + start.Format("15:04:05"),
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), TimeZone: "America/Chicago", Location: "Main Gym, 1 Court St",
		FeeCents: feeCents, Currency: "usd", Open: true})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
