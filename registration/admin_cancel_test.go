package registration_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripetest"
)

// TestCancelPending: a pending registration's Checkout Session is expired
// at Stripe (it can no longer be paid), the registration is canceled, its
// seat freed, the parent gets a cancellation email saying nothing was
// taken, and the action is in the audit log with who did it.
func TestCancelPending(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegister(t, 1)
		if left := b.seatsLeft(t); left != 4 {
			t.Fatalf("seats left %d before", left)
		}
		got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Reason: "asked by phone"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != basketball.StatusCanceled {
			t.Fatalf("status %s", got.Status)
		}
		if s, _ := b.stripe.Session(reg.StripeCheckoutSessionID); s.Status != stripe.SessionStatusExpired {
			t.Fatalf("session at Stripe is %s, want expired", s.Status)
		}
		if left := b.seatsLeft(t); left != 5 {
			t.Fatalf("seats left %d after, want the seat back", left)
		}
		mustCountersAgree(t, b.db)
		notes := b.notifications(t, reg.ID, basketball.NotifyCancellation)
		if len(notes) != 1 {
			t.Fatalf("%d cancellation notifications", len(notes))
		}
		if d := cancellationData(t, notes[0]); d.StatusBefore != basketball.StatusPending || d.Refunded {
			t.Fatalf("cancellation data %+v", d)
		}
		audit := b.audit(t, "tigers")
		if len(audit) != 1 || audit[0].Action != basketball.ActionCancel || audit[0].Target != reg.ID || audit[0].Actor != coach ||
			!strings.Contains(audit[0].Detail, "asked by phone") || !strings.Contains(audit[0].Detail, "expired at Stripe") {
			t.Fatalf("audit %+v", audit)
		}
		// The session's expiry event arrives later and changes nothing.
		if outcome := b.apply(t, b.lastEvent(t, stripe.EventCheckoutExpired)); outcome != basketball.OutcomeIgnoredStatus {
			t.Fatalf("expired event after the cancel: %s", outcome)
		}
	})
}

// TestCancelPaidWithRefund: a paid card registration is refunded in full
// at Stripe with an idempotency key naming the registration and attempt,
// and is refunded at once; the later charge.refunded changes nothing.
func TestCancelPaidWithRefund(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustPay(t, b.mustRegister(t, 1))
		got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != basketball.StatusRefunded {
			t.Fatalf("status %s, want refunded at once", got.Status)
		}
		refunds := b.stripe.Refunds()
		if len(refunds) != 1 || refunds[0].PaymentIntentID != reg.StripePaymentIntentID || refunds[0].Amount != 3000 ||
			refunds[0].IdempotencyKey != reg.ID+"-refund-1" || refunds[0].Metadata["registration_id"] != reg.ID {
			t.Fatalf("refunds at Stripe: %+v", refunds)
		}
		if outcome := b.apply(t, b.lastEvent(t, stripe.EventChargeRefunded)); outcome != basketball.OutcomeIgnoredStatus {
			t.Fatalf("charge.refunded after the refund: outcome %s, want %s", outcome, basketball.OutcomeIgnoredStatus)
		}
		if r := b.mustReg(t, reg.ID); r.Status != basketball.StatusRefunded {
			t.Fatalf("after the webhook: %s", describe(r))
		}
		if left := b.seatsLeft(t); left != 5 {
			t.Fatalf("seats left %d", left)
		}
		mustCountersAgree(t, b.db)
		notes := b.notifications(t, reg.ID, basketball.NotifyCancellation)
		if len(notes) != 1 {
			t.Fatalf("%d cancellation notifications", len(notes))
		}
		if d := cancellationData(t, notes[0]); !d.Refunded || d.RefundCents != 3000 || d.Currency != "usd" || d.StatusBefore != basketball.StatusPaid {
			t.Fatalf("cancellation data %+v", d)
		}
		if a := b.audit(t, "tigers"); len(a) != 1 || a[0].Action != basketball.ActionRefund || !strings.Contains(a[0].Detail, refunds[0].ID) {
			t.Fatalf("audit %+v", a)
		}
	})
}

// TestCancelPaidWithoutRefund keeps the money: no call to Stripe.
func TestCancelPaidWithoutRefund(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustPay(t, b.mustRegister(t, 1))
		got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{})
		if err != nil || got.Status != basketball.StatusCanceled {
			t.Fatalf("cancel: %v, %s", err, describe(got))
		}
		if n := len(b.stripe.RequestsTo(stripetest.EndpointCreateRefund)); n != 0 {
			t.Fatalf("%d refund requests", n)
		}
		if d := cancellationData(t, b.notifications(t, reg.ID, basketball.NotifyCancellation)[0]); d.Refunded || d.StatusBefore != basketball.StatusPaid {
			t.Fatalf("cancellation data %+v", d)
		}
		mustCountersAgree(t, b.db)
	})
}

// TestDoubleClickMakesOneRefund: two cancel-with-refund requests at the
// same moment call Stripe once; both answer the refunded registration.
func TestDoubleClickMakesOneRefund(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustPay(t, b.mustRegister(t, 1))
		// Stripe takes a while: the second click arrives mid-refund.
		b.stripe.SetLatency(stripetest.EndpointCreateRefund, 300*time.Millisecond)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true})
				if err == nil && got.Status != basketball.StatusRefunded {
					t.Errorf("click %d answered %s", i, describe(got))
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("click %d: %v", i, err)
			}
		}
		if calls := b.stripe.RequestsTo(stripetest.EndpointCreateRefund); len(calls) != 1 {
			t.Fatalf("%d refund calls to Stripe, want 1: %+v", len(calls), calls)
		}
		if n := len(b.stripe.Refunds()); n != 1 {
			t.Fatalf("%d refunds", n)
		}
		if n := len(b.notifications(t, reg.ID, basketball.NotifyCancellation)); n != 1 {
			t.Fatalf("%d cancellation emails", n)
		}
		if n := len(b.audit(t, "tigers")); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
		mustCountersAgree(t, b.db)
	})
}

// TestRefundFailureChangesNothing: Stripe failing is 502
// payment_provider_unavailable with the registration, its seat, its
// emails and the audit log as they were; trying again works, under a new
// idempotency key (Stripe replays a failed answer for the old one).
func TestRefundFailureChangesNothing(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustPay(t, b.mustRegister(t, 1))
		b.stripe.FailNext(stripetest.EndpointCreateRefund, 1, 500) // its retry gets the saved 500
		_, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true})
		wantCode(t, err, basketball.EPaymentUnavailable)
		if r := b.mustReg(t, reg.ID); r.Status != basketball.StatusPaid {
			t.Fatalf("after the failure: %s", describe(r))
		}
		if left := b.seatsLeft(t); left != 4 {
			t.Fatalf("seats left %d", left)
		}
		if n := len(b.notifications(t, reg.ID, basketball.NotifyCancellation)); n != 0 {
			t.Fatalf("%d cancellation emails after a failure", n)
		}
		if n := len(b.audit(t, "tigers")); n != 0 {
			t.Fatalf("%d audit entries after a failure", n)
		}
		if len(b.stripe.Refunds()) != 0 {
			t.Fatal("a refund was made")
		}
		got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true})
		if err != nil || got.Status != basketball.StatusRefunded {
			t.Fatalf("second try: %v, %s", err, describe(got))
		}
		if refunds := b.stripe.Refunds(); len(refunds) != 1 || refunds[0].IdempotencyKey != reg.ID+"-refund-2" {
			t.Fatalf("refunds %+v", refunds)
		}
		mustCountersAgree(t, b.db)
	})
}

// TestCancelFindsTheParentJustPaid: the parent paid in the moments before
// staff canceled, and the webhook has not come yet. Expiring the session
// tells; the payment is applied first, then refunded (or kept).
func TestCancelFindsTheParentJustPaid(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		for _, refund := range []bool{true, false} {
			reg := b.mustRegister(t, map[bool]int{true: 1, false: 2}[refund])
			if _, err := b.stripe.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{}); err != nil {
				t.Fatal(err) // paid at Stripe; the event is not applied
			}
			got, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: refund})
			if err != nil {
				t.Fatalf("refund %v: %v", refund, err)
			}
			want := map[bool]string{true: basketball.StatusRefunded, false: basketball.StatusCanceled}[refund]
			if got.Status != want || got.AmountPaidCents == nil || *got.AmountPaidCents != 3000 || got.StripePaymentIntentID == "" {
				t.Fatalf("refund %v: %s paid %v", refund, describe(got), got.AmountPaidCents)
			}
			outcome, err := b.db.PaymentEventOutcome(b.ctx, "session_completed:"+reg.StripeCheckoutSessionID)
			if err != nil || outcome != basketball.OutcomePaid {
				t.Fatalf("the payment found by the cancel: %q, %v", outcome, err)
			}
		}
		if n := len(b.stripe.Refunds()); n != 1 {
			t.Fatalf("%d refunds, want 1", n)
		}
		mustCountersAgree(t, b.db)
	})
}

// TestCancelRefusals: only pending and paid registrations are canceled;
// only card payments are refunded through Stripe; another club's
// registration is not found. Each refusal changes nothing.
func TestCancelRefusals(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegister(t, 1)
		if _, err := b.admin.Cancel(b.ctx, coach, "lions", reg.ID, basketball.CancelRequest{Refund: true}); basketball.ErrorCode(err) != basketball.ERegistrationNotFound {
			t.Fatalf("another club's staff: %v", err)
		}
		if s, _ := b.stripe.Session(reg.StripeCheckoutSessionID); s.Status != stripe.SessionStatusOpen {
			t.Fatalf("another club's staff expired the session: %s", s.Status)
		}
		if _, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{}); err != nil {
			t.Fatal(err)
		}
		_, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true})
		wantCode(t, err, basketball.EInvalidState)

		free, err := b.svc.Register(b.ctx, "tigers", func() basketball.RegistrationRequest {
			r := sqldbtest.Request(b.tryout.ID, 2)
			pct := 100
			if _, err := b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "FREE", PercentOff: &pct}); err != nil {
				t.Fatal(err)
			}
			r.PromoCode = "FREE"
			return r
		}())
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.admin.Cancel(b.ctx, coach, "tigers", free.Registration.ID, basketball.CancelRequest{Refund: true})
		wantCode(t, err, basketball.EInvalidState)
		if r := b.mustReg(t, free.Registration.ID); r.Status != basketball.StatusPaid {
			t.Fatalf("refused refund changed it: %s", describe(r))
		}
		if n := len(b.audit(t, "tigers")); n != 1 {
			t.Fatalf("%d audit entries, want the one cancel", n)
		}
		if n := len(b.audit(t, "lions")); n != 0 {
			t.Fatalf("%d audit entries in lions", n)
		}
		mustCountersAgree(t, b.db)
	})
}
