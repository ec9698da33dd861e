package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/jobs"
	"basketball/registration"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripetest"
)

// These tests lose Stripe's webhooks and check that a payment is still
// confirmed, exactly once, by the two other paths of SPEC "Payment
// confirmed without the webhook": the parent's return to the success URL,
// and reconciliation with Stripe's events list. Stripe is the stateful
// fake of stripe/stripetest, reached through the real stripe.Client.

// withStripeFake makes the bundle pay and read Stripe's records through a
// stripe.Client on fake.
func withStripeFake(fake *stripetest.Server) option {
	return func(t *testing.T, b *testBundle) {
		c, err := stripe.New(stripe.Config{SecretKey: b.stripeKey, APIURL: fake.URL(), Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		b.checkout, b.records = c, c
	}
}

// setupWithFake is setup with the fake Stripe, whose webhooks go to the
// bundle's server signed with its secret (until switched off).
func setupWithFake(t *testing.T, engine string) (*testBundle, *stripetest.Server) {
	t.Helper()
	fake := stripetest.NewServer(t)
	b := setup(t, engine, withStripeFake(fake))
	fake.SetWebhook(b.srv.URL+"/webhooks/stripe", b.webhookSecret)
	return b, fake
}

// mustPay plays the parent paying reg's session at Stripe's checkout.
func mustPay(t *testing.T, fake *stripetest.Server, reg basketball.Registration) stripetest.Event {
	t.Helper()
	ev, err := fake.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{})
	if err != nil {
		t.Fatalf("pay %s: %v", reg.ID, err)
	}
	return ev
}

func (b *testBundle) mustStatus(t *testing.T, id, want string) basketball.Registration {
	t.Helper()
	r, err := b.db.Registration(context.Background(), id)
	if err != nil || r.Status != want {
		t.Fatalf("registration %s is %q (%v), want %s", id, r.Status, err, want)
	}
	return r
}

func (b *testBundle) mustReconcile(t *testing.T) int {
	t.Helper()
	rep, err := b.svc.Reconcile(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	if rep.PaidButPending != 0 {
		t.Errorf("reconcile left %d paid sessions pending", rep.PaidButPending)
	}
	return len(rep.Applied)
}

func TestWebhookLostReturnPagePays(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b, fake := setupWithFake(t, engine)
		fake.SetWebhookDelivery(false)
		reg := b.mustRegisterCard(t, "ret@example.com", "Ret")

		// A made-up session id, another registration's session, and the
		// query string alone change nothing; Stripe is not even asked.
		other := b.mustRegisterCard(t, "other@example.com", "Oth")
		mustPay(t, fake, other)
		for _, sid := range []string{"cs_test_madeup", other.StripeCheckoutSessionID, ""} {
			if res := b.do(t, http.MethodGet, "/api/v1/registrations/"+reg.ID+"?session_id="+sid, nil, nil); res.status != http.StatusOK {
				t.Fatalf("GET with session %q: %d", sid, res.status)
			}
			b.mustStatus(t, reg.ID, basketball.StatusPending)
		}
		if n := len(fake.RequestsTo(stripetest.EndpointRetrieveSession)); n != 0 {
			t.Errorf("Stripe was asked %d times about sessions that are not the registration's", n)
		}

		// Back from the real checkout, unpaid still (the parent pressed
		// back): nothing changes.
		if res := b.do(t, http.MethodGet, "/registrations/"+reg.ID+"?session_id="+reg.StripeCheckoutSessionID, nil, nil); res.status != http.StatusOK {
			t.Fatalf("page: %d", res.status)
		}
		b.mustStatus(t, reg.ID, basketball.StatusPending)

		mustPay(t, fake, reg)
		res := b.do(t, http.MethodGet, "/api/v1/registrations/"+reg.ID+"?session_id="+reg.StripeCheckoutSessionID, nil, nil)
		if res.status != http.StatusOK || res.json(t)["status"] != "paid" {
			t.Fatalf("return with the paid session: %d %s, want status paid", res.status, res.body)
		}
		b.waitConfirmed(t, reg.ID)
		b.mustOneMessage(t, reg.ParentEmail)

		// The webhook arrives late, then reconciliation reads the event:
		// both change nothing, and no second email is sent.
		for _, d := range fake.Events() {
			if d.Type == stripe.EventCheckoutCompleted {
				if _, err := fake.Deliver(d.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		b.mustReconcile(t)
		b.waitJob(t, reg.ID, "completed", jobCompleted)
		if msgs := b.messagesTo(reg.ParentEmail); len(msgs) != 1 {
			t.Errorf("%d confirmations, want 1", len(msgs))
		}
	})
}

func TestWebhookLostReconciliationPays(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b, fake := setupWithFake(t, engine)
		delivered := b.mustRegisterCard(t, "hook@example.com", "Hook")
		mustPay(t, fake, delivered) // this one's webhook arrives
		b.mustStatus(t, delivered.ID, basketball.StatusPaid)

		fake.SetWebhookDelivery(false)
		lost := b.mustRegisterCard(t, "lost@example.com", "Lost")
		mustPay(t, fake, lost) // the parent closes the tab; the webhook is lost
		refunded := b.mustRegisterCard(t, "dash@example.com", "Dash")
		pay := mustPay(t, fake, refunded)
		b.mustStatus(t, lost.ID, basketball.StatusPending)

		// A full refund made in the Stripe Dashboard, its webhook lost too.
		var pi string
		if s, ok := fake.Session(refunded.StripeCheckoutSessionID); ok {
			pi = s.PaymentIntentID
		}
		if _, _, err := fake.RefundFromDashboard(pi, 0); err != nil {
			t.Fatalf("dashboard refund (after %s): %v", pay.ID, err)
		}

		applied := b.mustReconcile(t)
		b.mustStatus(t, lost.ID, basketball.StatusPaid)
		b.mustStatus(t, refunded.ID, basketball.StatusRefunded)
		b.mustStatus(t, delivered.ID, basketball.StatusPaid)
		// Events the webhook applied are skipped by id: only the lost
		// completed events and the refund are applied.
		if applied != 3 {
			t.Errorf("reconciliation applied %d events, want 3 (two payments, one refund)", applied)
		}
		if again := b.mustReconcile(t); again != 0 {
			t.Errorf("a second reconciliation applied %d events, want none", again)
		}
		b.waitConfirmed(t, lost.ID)
		if msgs := b.messagesTo(lost.ParentEmail); len(msgs) != 1 {
			t.Errorf("%d confirmations for the lost webhook's registration, want 1", len(msgs))
		}
	})
}

// TestReconcileAcrossReplicas: three replicas on one PostgreSQL database,
// each with the periodic reconciliation due every second. River's elected
// leader alone inserts periodic jobs, and the events' ids deduplicate any
// overlap: every lost event is applied exactly once, by one of them.
func TestReconcileAcrossReplicas(t *testing.T) {
	t.Parallel()
	if !slices.Contains(sqldbtest.Engines(), sqldb.Postgres) {
		t.Skip("three replicas share a PostgreSQL database (TEST_DATABASE_URL)")
	}
	b, fake := setupWithFake(t, sqldb.Postgres)
	fake.SetWebhookDelivery(false)
	var regs []basketball.Registration
	for i := range 4 {
		reg := b.mustRegisterCard(t, fmt.Sprintf("rep%d@example.com", i), fmt.Sprintf("Rep%d", i))
		mustPay(t, fake, reg)
		regs = append(regs, reg)
	}

	// The three replicas are the only River clients: the bundle's own
	// (without reconciliation) must not be the leader.
	b.stopQueue()
	var mu sync.Mutex
	applied := map[string][]int{} // event id → replicas that applied it
	for replica := range 3 {
		db := sqldbtest.OpenURL(t, b.dbURL, sqldb.Options{})
		svc := registration.New(registration.Config{PublicURL: publicURL, ReconcileGrace: -1},
			registration.Deps{Store: db, Records: b.records})
		cfg := b.queueCfg
		cfg.ReconcileInterval = time.Second
		q, err := jobs.NewQueue(db.RiverDriver(), jobs.Handlers{PostPayment: b.step, Reconcile: func(ctx context.Context) error {
			rep, err := svc.Reconcile(ctx, time.Time{})
			mu.Lock()
			for _, a := range rep.Applied {
				applied[a.EventID] = append(applied[a.EventID], replica)
			}
			mu.Unlock()
			return err
		}}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			_ = q.Stop(ctx)
		})
	}
	for _, reg := range regs {
		b.waitConfirmed(t, reg.ID)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, ev := range fake.Events() {
		if ev.Type != stripe.EventCheckoutCompleted {
			continue
		}
		if by := applied[ev.ID]; len(by) != 1 {
			t.Errorf("event %s applied by replicas %v, want exactly one", ev.ID, by)
		}
	}
	for _, reg := range regs {
		if msgs := b.messagesTo(reg.ParentEmail); len(msgs) != 1 {
			t.Errorf("%s: %d confirmations, want 1", reg.ParentEmail, len(msgs))
		}
	}
}
