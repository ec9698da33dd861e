package registration_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripetest"
)

// TestMarkPaid: a pending registration paid in cash becomes paid with
// method offline; its open session is expired first so the parent cannot
// pay twice; the confirmation (with the post-payment job) follows as for a
// card; the audit log says how.
func TestMarkPaid(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegister(t, 1)
		_, err := b.admin.MarkPaid(b.ctx, coach, "tigers", reg.ID, basketball.MarkPaidRequest{Method: "bitcoin"})
		wantCode(t, err, basketball.EInvalid)
		got, err := b.admin.MarkPaid(b.ctx, coach, "tigers", reg.ID, basketball.MarkPaidRequest{Method: basketball.OfflineCheck, Note: "check #1042"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != basketball.StatusPaid || got.Method != basketball.MethodOffline || got.PaidAt == nil ||
			got.AmountPaidCents == nil || *got.AmountPaidCents != 3000 {
			t.Fatalf("marked paid: %s paid %v at %v", describe(got), got.AmountPaidCents, got.PaidAt)
		}
		if s, _ := b.stripe.Session(reg.StripeCheckoutSessionID); s.Status != stripe.SessionStatusExpired {
			t.Fatalf("session at Stripe is %s", s.Status)
		}
		if n := len(b.notifications(t, reg.ID, basketball.NotifyConfirmation)); n != 1 {
			t.Fatalf("%d confirmations", n)
		}
		a := b.audit(t, "tigers")
		if len(a) != 1 || a[0].Action != basketball.ActionMarkPaid || !strings.Contains(a[0].Detail, "check #1042") ||
			!strings.Contains(a[0].Detail, "by check") {
			t.Fatalf("audit %+v", a)
		}
		if left := b.seatsLeft(t); left != 4 {
			t.Fatalf("seats left %d", left)
		}
		_, err = b.admin.MarkPaid(b.ctx, coach, "tigers", reg.ID, basketball.MarkPaidRequest{Method: basketball.OfflineCash})
		wantCode(t, err, basketball.EInvalidState)
		mustCountersAgree(t, b.db)
	})
}

// TestMarkPaidExpired: an expired registration is marked paid only while
// a seat is free (it takes the seat back).
func TestMarkPaidExpired(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		first := b.mustRegister(t, 0)
		ev, err := b.stripe.ExpireSession(first.StripeCheckoutSessionID)
		if err != nil {
			t.Fatal(err)
		}
		if outcome := b.apply(t, ev); outcome != basketball.OutcomeExpired {
			t.Fatalf("expiry: %s", outcome)
		}
		for n := 1; n <= 5; n++ { // the tryout fills up
			b.mustRegister(t, n)
		}
		_, err = b.admin.MarkPaid(b.ctx, coach, "tigers", first.ID, basketball.MarkPaidRequest{Method: basketball.OfflineCash})
		wantCode(t, err, basketball.ETryoutFull)
		if r := b.mustReg(t, first.ID); r.Status != basketball.StatusExpired {
			t.Fatalf("refused mark-paid changed it: %s", describe(r))
		}
		if n := len(b.audit(t, "tigers")); n != 0 {
			t.Fatalf("%d audit entries after a refusal", n)
		}
		if _, err := b.admin.Cancel(b.ctx, coach, "tigers", b.mustRegisterID(t, 5), basketball.CancelRequest{}); err != nil {
			t.Fatal(err)
		}
		got, err := b.admin.MarkPaid(b.ctx, coach, "tigers", first.ID, basketball.MarkPaidRequest{Method: basketball.OfflineCash})
		if err != nil || got.Status != basketball.StatusPaid {
			t.Fatalf("with a seat free: %v, %s", err, describe(got))
		}
		if left := b.seatsLeft(t); left != 0 {
			t.Fatalf("seats left %d", left)
		}
		mustCountersAgree(t, b.db)
	})
}

// mustRegisterID finds the registration of player n (registered before).
func (b testBundle) mustRegisterID(t *testing.T, n int) string {
	t.Helper()
	regs, err := b.db.ListRegistrations(b.ctx, "tigers", basketball.StatusPending)
	if err != nil {
		t.Fatal(err)
	}
	want := sqldbtest.Request(b.tryout.ID, n).Player.FirstName
	for _, r := range regs {
		if r.PlayerFirstName == want {
			return r.ID
		}
	}
	t.Fatalf("no pending registration of %s", want)
	return ""
}

// TestMarkPaidFindsACardPayment: the parent paid by card just before
// staff recorded cash; the card payment is applied and nothing is marked.
func TestMarkPaidFindsACardPayment(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegister(t, 1)
		if _, err := b.stripe.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := b.admin.MarkPaid(b.ctx, coach, "tigers", reg.ID, basketball.MarkPaidRequest{Method: basketball.OfflineCash})
		wantCode(t, err, basketball.EInvalidState)
		if r := b.mustReg(t, reg.ID); r.Status != basketball.StatusPaid || r.Method != basketball.MethodCard {
			t.Fatalf("%s", describe(r))
		}
		if n := len(b.audit(t, "tigers")); n != 0 {
			t.Fatalf("%d audit entries", n)
		}
	})
}

// TestResendConfirmation queues the confirmation again, once per click,
// only for a paid registration.
func TestResendConfirmation(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegister(t, 1)
		_, err := b.admin.ResendConfirmation(b.ctx, coach, "tigers", reg.ID)
		wantCode(t, err, basketball.EInvalidState)
		b.mustPay(t, reg)
		for range 2 {
			if _, err := b.admin.ResendConfirmation(b.ctx, coach, "tigers", reg.ID); err != nil {
				t.Fatal(err)
			}
		}
		var keys []string
		for _, n := range b.notifications(t, reg.ID, basketball.NotifyConfirmation) {
			keys = append(keys, n.DedupeKey)
		}
		slices.Sort(keys)
		if strings.Join(keys, ",") != ",resend-1,resend-2" {
			t.Fatalf("confirmation keys %q", keys)
		}
		_, err = b.admin.ResendConfirmation(b.ctx, coach, "lions", reg.ID)
		wantCode(t, err, basketball.ERegistrationNotFound)
		if a := b.audit(t, "tigers"); len(a) != 2 || a[0].Action != basketball.ActionResend {
			t.Fatalf("audit %+v", a)
		}
	})
}

// TestStaffLeaseLapses: a staff action whose process died leaves a lease
// that lapses by itself.
func TestStaffLeaseLapses(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustPay(t, b.mustRegister(t, 1))
		if _, _, err := b.db.BeginStaffAction(b.ctx, "tigers", reg.ID, true); err != nil { // and never ends
			t.Fatal(err)
		}
		if _, _, err := b.db.BeginStaffAction(b.ctx, "tigers", reg.ID, true); err != basketball.ErrStaffBusy {
			t.Fatalf("second action while the first holds the lease: %v", err)
		}
		b.clock.Advance(61 * time.Second)
		got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true})
		if err != nil || got.Status != basketball.StatusRefunded {
			t.Fatalf("after the lease lapsed: %v, %s", err, describe(got))
		}
		if r := b.stripe.Refunds(); len(r) != 1 || r[0].IdempotencyKey != reg.ID+"-refund-2" {
			t.Fatalf("refunds %+v", r)
		}
	})
}
