package sqldb_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

// recordingJobs is an Enqueuer that stores each job as a row of a table
// of the test's own, in the caller's transaction like the real one: a job
// of a rolled-back transaction is not kept.
type recordingJobs struct{}

func (recordingJobs) InsertJob(ctx context.Context, tx *sql.Tx, job basketball.Job, _ time.Time) error {
	args, err := json.Marshal(job)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO test_jobs (kind, args) VALUES ($1, $2)`, job.Kind(), string(args))
	return err
}

// setupRecording opens a store whose jobs are recorded in test_jobs.
func setupRecording(t *testing.T, engine string) testBundle {
	t.Helper()
	b := setupWith(t, engine, sqldb.Options{Jobs: recordingJobs{}})
	if _, err := b.db.SQL().Exec(`CREATE TABLE test_jobs (kind TEXT NOT NULL, args TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return b
}

// postPaymentJobs counts the committed post-payment jobs of a registration.
func postPaymentJobs(t *testing.T, db *sqldb.DB, regID string) int {
	t.Helper()
	args, _ := json.Marshal(basketball.PostPaymentJob{RegistrationID: regID})
	return count(t, db, "SELECT count(*) FROM test_jobs WHERE kind = 'post_payment' AND args = $1", string(args))
}

// The payment events a registration can meet, as the store sees them.
var events = []struct {
	name string
	make func(regID, pi string) basketball.PaymentEvent
}{
	{"completed paid", func(id, pi string) basketball.PaymentEvent {
		return sessionEvent(id, basketball.EventCheckoutCompleted, "paid", pi)
	}},
	{"completed unpaid", func(id, pi string) basketball.PaymentEvent {
		return sessionEvent(id, basketball.EventCheckoutCompleted, "unpaid", pi)
	}},
	{"async succeeded", func(id, pi string) basketball.PaymentEvent {
		return sessionEvent(id, basketball.EventAsyncPaymentSucceeded, "paid", pi)
	}},
	{"async failed", func(id, pi string) basketball.PaymentEvent {
		return sessionEvent(id, basketball.EventAsyncPaymentFailed, "unpaid", pi)
	}},
	{"expired", func(id, pi string) basketball.PaymentEvent {
		return sessionEvent(id, basketball.EventCheckoutExpired, "unpaid", "")
	}},
	{"refunded", func(_, pi string) basketball.PaymentEvent {
		return basketball.PaymentEvent{ID: basketball.NewID("evt"), Type: basketball.EventChargeRefunded, PaymentIntentID: pi, FullyRefunded: true}
	}},
}

func sessionEvent(regID, typ, paymentStatus, pi string) basketball.PaymentEvent {
	return basketball.PaymentEvent{
		ID: basketball.NewID("evt"), Type: typ, MetadataType: basketball.MetadataTypeRegistration, RegistrationRef: regID,
		PaymentStatus: paymentStatus, PaymentIntentID: pi, AmountTotal: 3000, Currency: "usd",
	}
}

// TestPaymentTransitions applies every payment event to a registration in
// every status, on both engines, and checks what a club would check: the
// outcome recorded, the status, the promo code's uses, the tryout's held
// seats, and whether a post-payment job was stored.
func TestPaymentTransitions(t *testing.T) {
	type result struct {
		outcome, status   string
		promoUses, seats  int
		postPaymentJobAdd int
	}
	// want[start][event]
	want := map[string]map[string]result{
		"pending": {
			"completed paid":   {"paid", "paid", 1, 1, 1},
			"completed unpaid": {"awaiting_async_payment", "pending", 1, 1, 0},
			"async succeeded":  {"paid", "paid", 1, 1, 1},
			"async failed":     {"payment_failed", "payment_failed", 0, 0, 0},
			"expired":          {"expired", "expired", 0, 0, 0},
			"refunded":         {"held_for_payment", "pending", 1, 1, 0},
		},
		"paid": {
			"completed paid":   {"already_confirmed", "paid", 1, 1, 0},
			"completed unpaid": {"ignored_status", "paid", 1, 1, 0},
			"async succeeded":  {"already_confirmed", "paid", 1, 1, 0},
			"async failed":     {"ignored_status", "paid", 1, 1, 0},
			"expired":          {"ignored_status", "paid", 1, 1, 0},
			"refunded":         {"refunded", "refunded", 0, 0, 0},
		},
		"expired": {
			"completed paid":   {"paid_late", "paid", 1, 1, 1},
			"completed unpaid": {"ignored_status", "expired", 0, 0, 0},
			"async succeeded":  {"paid_late", "paid", 1, 1, 1},
			"async failed":     {"ignored_status", "expired", 0, 0, 0},
			"expired":          {"ignored_status", "expired", 0, 0, 0},
			"refunded":         {"held_for_payment", "expired", 0, 0, 0},
		},
		"payment_failed": {
			"completed paid":   {"paid_late", "paid", 1, 1, 1},
			"completed unpaid": {"ignored_status", "payment_failed", 0, 0, 0},
			"async succeeded":  {"paid_late", "paid", 1, 1, 1},
			"async failed":     {"ignored_status", "payment_failed", 0, 0, 0},
			"expired":          {"ignored_status", "payment_failed", 0, 0, 0},
			"refunded":         {"ignored_status", "payment_failed", 0, 0, 0},
		},
		"refunded": {
			"completed paid":   {"ignored_status", "refunded", 0, 0, 0},
			"completed unpaid": {"ignored_status", "refunded", 0, 0, 0},
			"async succeeded":  {"ignored_status", "refunded", 0, 0, 0},
			"async failed":     {"ignored_status", "refunded", 0, 0, 0},
			"expired":          {"ignored_status", "refunded", 0, 0, 0},
			"refunded":         {"ignored_status", "refunded", 0, 0, 0},
		},
		"canceled": {
			"completed paid":   {"paid_after_cancel", "canceled", 0, 0, 0},
			"completed unpaid": {"ignored_status", "canceled", 0, 0, 0},
			"async succeeded":  {"paid_after_cancel", "canceled", 0, 0, 0},
			"async failed":     {"ignored_status", "canceled", 0, 0, 0},
			"expired":          {"ignored_status", "canceled", 0, 0, 0},
			"refunded":         {"held_for_payment", "canceled", 0, 0, 0},
		},
	}
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setupRecording(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		n := 0
		for _, start := range basketball.Statuses {
			for _, ev := range events {
				n++
				name := fmt.Sprintf("%s/%s", start, ev.name)
				exp, ok := want[start][ev.name]
				if !ok {
					t.Fatalf("%s: no expectation", name)
				}
				// Each case has a tryout with one seat and a promo code
				// with one use of its own: both counters are exact.
				tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 1)
				code := fmt.Sprintf("CASE%d", n)
				mustPromo(t, b, code, 10, 1)
				pi := fmt.Sprintf("pi_case_%d", n)
				req := sqldbtest.Request(tr.ID, n)
				req.PromoCode = code
				reg, err := b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{CardEnabled: true})
				if err != nil {
					t.Fatalf("%s: register: %v", name, err)
				}
				mustReach(t, b, reg.ID, start, pi)
				jobsBefore := postPaymentJobs(t, b.db, reg.ID)

				outcome, _, err := b.db.ApplyPaymentEvent(b.ctx, ev.make(reg.ID, pi))
				if err != nil {
					t.Fatalf("%s: apply: %v", name, err)
				}
				got := result{outcome: outcome}
				r, err := b.db.Registration(b.ctx, reg.ID)
				if err != nil {
					t.Fatal(err)
				}
				got.status = r.Status
				got.promoUses = count(t, b.db, "SELECT uses FROM promo_codes WHERE code = $1", code)
				got.seats = count(t, b.db, "SELECT seats_held FROM tryouts WHERE id = $1", tr.ID)
				got.postPaymentJobAdd = postPaymentJobs(t, b.db, reg.ID) - jobsBefore
				if got != exp {
					t.Errorf("%s: got %+v, want %+v", name, got, exp)
				}
			}
		}
		mustCountersAgree(t, b.db)
	})
}

// mustReach drives a fresh pending card registration to status through
// the events (or staff action) that lead there in real life.
func mustReach(t *testing.T, b testBundle, regID, status, pi string) {
	t.Helper()
	apply := func(ev basketball.PaymentEvent, want string) {
		t.Helper()
		if got, _, err := b.db.ApplyPaymentEvent(b.ctx, ev); err != nil || got != want {
			t.Fatalf("reach %s: %s gave %q, %v; want %q", status, ev.Type, got, err, want)
		}
	}
	switch status {
	case basketball.StatusPending:
	case basketball.StatusPaid:
		apply(sessionEvent(regID, basketball.EventCheckoutCompleted, "paid", pi), basketball.OutcomePaid)
	case basketball.StatusExpired:
		apply(sessionEvent(regID, basketball.EventCheckoutExpired, "unpaid", ""), basketball.OutcomeExpired)
	case basketball.StatusPaymentFailed:
		apply(sessionEvent(regID, basketball.EventCheckoutCompleted, "unpaid", pi), basketball.OutcomeAwaitingPayment)
		apply(sessionEvent(regID, basketball.EventAsyncPaymentFailed, "unpaid", pi), basketball.OutcomePaymentFailed)
	case basketball.StatusRefunded:
		apply(sessionEvent(regID, basketball.EventCheckoutCompleted, "paid", pi), basketball.OutcomePaid)
		apply(basketball.PaymentEvent{ID: basketball.NewID("evt"), Type: basketball.EventChargeRefunded, PaymentIntentID: pi, FullyRefunded: true},
			basketball.OutcomeRefunded)
	case basketball.StatusCanceled:
		if _, err := b.db.Cancel(b.ctx, regID); err != nil {
			t.Fatalf("cancel: %v", err)
		}
	default:
		t.Fatalf("no way to reach %s", status)
	}
	if r, err := b.db.Registration(b.ctx, regID); err != nil || r.Status != status {
		t.Fatalf("reached %q, %v; want %s", r.Status, err, status)
	}
}

func mustPromo(t *testing.T, b testBundle, code string, amountOff int64, maxUses int) basketball.PromoCode {
	t.Helper()
	p, err := b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: code, AmountOffCents: &amountOff, MaxUses: &maxUses})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mustCountersAgree recounts seats and promo uses from the registrations.
func mustCountersAgree(t *testing.T, db *sqldb.DB) {
	t.Helper()
	bad, err := db.CheckCounters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range bad {
		t.Errorf("%s %s: counter says %d, registrations hold %d", m.What, m.ID, m.Counted, m.Held)
	}
}

// TestLatePaymentOverCapacity: the money was taken, so a late payment is
// recorded as paid even when its seat went to someone else; the tryout is
// one over and its promo code one over its limit, as staff will see.
func TestLatePaymentOverCapacity(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 1)
		mustPromo(t, b, "ONE", 500, 1)
		card := basketball.CreateOptions{CardEnabled: true}
		first := sqldbtest.Request(tr.ID, 1)
		first.PromoCode = "ONE"
		late, err := b.db.CreateRegistration(b.ctx, "tigers", first, card)
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, b, sessionEvent(late.ID, basketball.EventCheckoutExpired, "unpaid", ""), basketball.OutcomeExpired)
		second := sqldbtest.Request(tr.ID, 2)
		second.PromoCode = "ONE"
		if _, err := b.db.CreateRegistration(b.ctx, "tigers", second, card); err != nil {
			t.Fatalf("the freed seat and promo use were not given back: %v", err)
		}
		mustApply(t, b, sessionEvent(late.ID, basketball.EventCheckoutCompleted, "paid", "pi_late"), basketball.OutcomePaidLate)
		if n := count(t, b.db, "SELECT seats_held FROM tryouts WHERE id = $1", tr.ID); n != 2 {
			t.Errorf("seats held = %d, want 2 (one over)", n)
		}
		if n := count(t, b.db, "SELECT uses FROM promo_codes WHERE code = 'ONE'"); n != 2 {
			t.Errorf("promo uses = %d, want 2 (the late payment took its use back)", n)
		}
		mustCountersAgree(t, b.db)
	})
}

// TestHoldSweep: a pending hold that lapses without word from Stripe is
// expired by the sweeper, freeing its seat and promo use; a registration
// whose delayed payment is on its way keeps its seat.
func TestHoldSweep(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 2)
		mustPromo(t, b, "HALF", 1500, 5)
		card := basketball.CreateOptions{CardEnabled: true}
		var ids []string
		for i := range 2 {
			req := sqldbtest.Request(tr.ID, i)
			req.PromoCode = "HALF"
			r, err := b.db.CreateRegistration(b.ctx, "tigers", req, card)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		// The second pays with a bank debit: Stripe has yet to settle it.
		mustApply(t, b, sessionEvent(ids[1], basketball.EventCheckoutCompleted, "unpaid", "pi_debit"), basketball.OutcomeAwaitingPayment)

		b.clock.Advance(sqldb.InitialHold + time.Minute)
		if got, err := b.db.Tryout(b.ctx, "tigers", tr.ID); err != nil || *got.SeatsLeft != 1 {
			t.Fatalf("seats left before the sweep = %v, %v; want 1 (a lapsed hold stops counting at once)", got.SeatsLeft, err)
		}
		n, err := b.db.SweepLapsedHolds(b.ctx)
		if err != nil || n != 1 {
			t.Fatalf("swept %d, %v; want 1", n, err)
		}
		for id, want := range map[string]string{ids[0]: "expired", ids[1]: "pending"} {
			if r, _ := b.db.Registration(b.ctx, id); r.Status != want {
				t.Errorf("%s is %s, want %s", id, r.Status, want)
			}
		}
		if n := count(t, b.db, "SELECT seats_held FROM tryouts WHERE id = $1", tr.ID); n != 1 {
			t.Errorf("seats held = %d, want 1", n)
		}
		if n := count(t, b.db, "SELECT uses FROM promo_codes WHERE code = 'HALF'"); n != 1 {
			t.Errorf("promo uses = %d, want 1", n)
		}
		if n, err := b.db.SweepLapsedHolds(b.ctx); err != nil || n != 0 {
			t.Errorf("second sweep = %d, %v; want nothing", n, err)
		}
		mustCountersAgree(t, b.db)
	})
}

func mustApply(t *testing.T, b testBundle, ev basketball.PaymentEvent, want string) {
	t.Helper()
	if got, _, err := b.db.ApplyPaymentEvent(b.ctx, ev); err != nil || got != want {
		t.Fatalf("%s: outcome %q, %v; want %q", ev.Type, got, err, want)
	}
}
