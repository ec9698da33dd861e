package jobs_test

import (
	"strings"
	"testing"

	"basketball"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// TestEmailShowsWhatWasPaid: a payment that was not what was due (the
// amount, the currency) is confirmed with what was actually paid, in its
// currency, never with the amount that was due.
func TestEmailShowsWhatWasPaid(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		for _, tc := range []struct {
			email, player string
			mutate        func(*stripe.SessionEventParams)
			want, notWant string
		}{
			{"cent@example.com", "Cent", func(p *stripe.SessionEventParams) { p.AmountTotal = 1 }, "$0.01", "$30.00"},
			{"euro@example.com", "Euro", func(p *stripe.SessionEventParams) { p.Currency = "eur" }, "€30.00", "$30.00"},
		} {
			reg := b.mustRegisterCard(t, tc.email, tc.player)
			b.mustPostEvent(t, sessionEvent(reg, stripe.EventCheckoutCompleted, tc.mutate), basketball.OutcomeAmountMismatch)
			b.waitConfirmed(t, reg.ID)
			msg := b.mustOneMessage(t, tc.email)
			for part, body := range map[string]string{"text": msg.Text, "html": msg.HTML} {
				if !strings.Contains(body, tc.want) || strings.Contains(body, tc.notWant) {
					t.Errorf("%s: %s part shows the wrong amount (want %s, not %s):\n%s", tc.email, part, tc.want, tc.notWant, body)
				}
			}
		}
	})
}
