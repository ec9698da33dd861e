package jobs_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/jobs"
	"basketball/registration"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// fakeRefunds stands in for Stripe's refunds and session expiry.
type fakeRefunds struct {
	mu   sync.Mutex
	keys []string
}

func (f *fakeRefunds) ExpireCheckoutSession(_ context.Context, id, _ string) (stripe.CheckoutSession, error) {
	return stripe.CheckoutSession{ID: id, Status: stripe.SessionStatusExpired}, nil
}

func (f *fakeRefunds) RefundPaymentIntent(_ context.Context, pi, key string, _ map[string]string) (stripe.Refund, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys = append(f.keys, key)
	return stripe.Refund{ID: "re_test_1", Status: stripe.RefundStatusSucceeded, Amount: feeCents, Currency: "usd", PaymentIntentID: pi}, nil
}

// TestStaffEmailsOverSMTP: the parent gets, over real SMTP and once each,
// the confirmation staff resend (no new password: the reset link) and the
// cancellation saying how much was refunded.
func TestStaffEmailsOverSMTP(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		const addr = "ann.lee@example.com"
		reg := b.mustRegisterCard(t, addr, "Max")
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitConfirmed(t, reg.ID)
		svc := registration.New(registration.Config{PublicURL: publicURL}, registration.Deps{Store: b.db, Payments: b.checkout})
		admin := registration.NewAdmin(svc, registration.AdminConfig{}, registration.AdminDeps{Store: b.db, Payments: &fakeRefunds{}})
		coach := basketball.Actor{Subject: "sub-coach", Email: "coach@tigers.example"}
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()

		if _, err := admin.ResendConfirmation(ctx, coach, clubSlug, reg.ID); err != nil {
			t.Fatal(err)
		}
		msgs, err := b.smtp.WaitForMessages(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		resent := msgs[1]
		if _, ok := passwordInText(resent.Text); ok || !strings.Contains(resent.Text, "Max Lee") || !strings.Contains(resent.Text, "set a new one") {
			t.Fatalf("resent confirmation:\n%s", resent.Text)
		}
		if _, err := admin.Cancel(ctx, coach, clubSlug, reg.ID, basketball.CancelRequest{Refund: true}); err != nil {
			t.Fatal(err)
		}
		if msgs, err = b.smtp.WaitForMessages(ctx, 3); err != nil {
			t.Fatal(err)
		}
		m := msgs[2]
		if m.HeaderTo[0] != addr || !strings.Contains(m.Subject, "canceled") || !strings.Contains(m.Text, "$30.00 has been refunded in full") {
			t.Fatalf("cancellation email to %v %q:\n%s", m.HeaderTo, m.Subject, m.Text)
		}
		for {
			n, err := b.db.NotificationFor(ctx, reg.ID, basketball.NotifyCancellation, "")
			if err == nil && n.Status == "sent" && n.Attempts == 1 {
				break
			}
			if err != nil || n.Attempts != 1 || ctx.Err() != nil {
				t.Fatalf("cancellation notification %+v, %v", n, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// TestExpiredStaffSessionsRemoved: the periodic job removes staff
// sessions past their expiry and keeps the others.
func TestExpiredStaffSessionsRemoved(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		db := sqldbtest.Open(t, engine, nil)
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		store := db.SessionStore()
		if err := store.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := store.CommitCtx(ctx, "live", []byte("x"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.NewQueue(db.RiverDriver(), jobs.Handlers{Sessions: db}, jobs.Config{FetchPollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(context.Background())
		for {
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM staff_sessions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 1 {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("%d sessions left", n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if _, ok, err := store.FindCtx(ctx, "live"); !ok || err != nil {
			t.Fatalf("the live session was removed: %v", err)
		}
	})
}
