package basketball_test

import (
	"testing"

	"basketball"
)

// TestStateMachine walks every status × trigger pair against an expected
// table written out here independently of status.go: a changed rule shows
// up as a failing pair.
func TestStateMachine(t *testing.T) {
	const none = "-" // the pair changes nothing (ignored_status)
	// want[status][trigger] = "to outcome seat", where seat is + (takes a
	// seat and a promo use), - (frees them) or = (no change).
	want := map[string]map[string]string{
		basketball.StatusPending: {
			basketball.TriggerPaid:            "paid paid =",
			basketball.TriggerAwaitingPayment: "pending awaiting_async_payment =",
			basketball.TriggerPaymentFailed:   "payment_failed payment_failed -",
			basketball.TriggerExpired:         "expired expired -",
			basketball.TriggerHoldLapsed:      "expired hold_lapsed -",
			basketball.TriggerPayAgain:        none,
			basketball.TriggerRefunded:        none,
			basketball.TriggerDisputeLost:     none,
			basketball.TriggerCanceled:        "canceled canceled -",
			basketball.TriggerMarkedPaid:      "paid marked_paid =",
		},
		basketball.StatusPaid: {
			basketball.TriggerPaid:            "paid already_paid =",
			basketball.TriggerAwaitingPayment: none,
			basketball.TriggerPaymentFailed:   none,
			basketball.TriggerExpired:         none,
			basketball.TriggerHoldLapsed:      none,
			basketball.TriggerPayAgain:        none,
			basketball.TriggerRefunded:        "refunded refunded -",
			basketball.TriggerDisputeLost:     "refunded dispute_lost -",
			basketball.TriggerCanceled:        "canceled canceled -",
			basketball.TriggerMarkedPaid:      none,
		},
		basketball.StatusExpired: {
			basketball.TriggerPaid:            "paid paid_late +",
			basketball.TriggerAwaitingPayment: none,
			basketball.TriggerPaymentFailed:   none,
			basketball.TriggerExpired:         none,
			basketball.TriggerHoldLapsed:      none,
			basketball.TriggerPayAgain:        "pending revived +",
			basketball.TriggerRefunded:        none,
			basketball.TriggerDisputeLost:     none,
			basketball.TriggerCanceled:        none,
			basketball.TriggerMarkedPaid:      "paid marked_paid +",
		},
		basketball.StatusPaymentFailed: {
			basketball.TriggerPaid:            "paid paid_late +",
			basketball.TriggerAwaitingPayment: none,
			basketball.TriggerPaymentFailed:   none,
			basketball.TriggerExpired:         none,
			basketball.TriggerHoldLapsed:      none,
			basketball.TriggerPayAgain:        none,
			basketball.TriggerRefunded:        none,
			basketball.TriggerDisputeLost:     none,
			basketball.TriggerCanceled:        none,
			basketball.TriggerMarkedPaid:      none,
		},
		basketball.StatusRefunded: {},
		basketball.StatusCanceled: {
			basketball.TriggerPaid: "canceled paid_after_cancel =",
		},
	}
	if len(want) != len(basketball.Statuses) {
		t.Fatalf("the table covers %d statuses, the domain has %d", len(want), len(basketball.Statuses))
	}
	for _, status := range basketball.Statuses {
		for _, trigger := range basketball.Triggers {
			exp, ok := want[status][trigger]
			if !ok {
				exp = none
			}
			tr, listed := basketball.Next(status, trigger)
			got := none
			if listed {
				seat := "="
				switch {
				case tr.TakesSeat():
					seat = "+"
				case tr.FreesSeat():
					seat = "-"
				}
				got = tr.To + " " + tr.Outcome + " " + seat
			}
			if got != exp {
				t.Errorf("%s on %s: got %q, want %q", status, trigger, got, exp)
			}
		}
	}
}

func TestSeatHolding(t *testing.T) {
	for _, s := range basketball.Statuses {
		want := s == basketball.StatusPending || s == basketball.StatusPaid
		if basketball.HoldsSeat(s) != want {
			t.Errorf("HoldsSeat(%s) = %v", s, !want)
		}
	}
	if got := basketball.SeatHoldingStatuses(); len(got) != 2 || got[0] != "pending" || got[1] != "paid" {
		t.Errorf("SeatHoldingStatuses = %v", got)
	}
	// Only late payments may go over capacity: the money was taken.
	for _, tr := range basketball.Transitions() {
		if tr.OverCapacity != (tr.Outcome == basketball.OutcomePaidLate) {
			t.Errorf("%s on %s: OverCapacity = %v", tr.From, tr.Trigger, tr.OverCapacity)
		}
	}
}
