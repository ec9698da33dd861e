package email_test

import (
	"strings"
	"testing"
	"time"

	"basketball/email"
)

// TestRenderCancellation: the email says what was canceled, whether and
// how much was refunded, in both parts; the HTML part escapes every value.
func TestRenderCancellation(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC)
	base := email.Cancellation{From: "coach@tigers.example", To: "ann@example.com", ParentFirstName: "Ann", ClubName: "Tigers <BC>",
		PlayerFirstName: "Max", PlayerLastName: "Lee", TryoutName: "Winter", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		TimeZone: "America/Chicago", RegistrationURL: "https://tryouts.example.org/registrations/reg_1"}
	for _, tc := range []struct {
		name   string
		change func(*email.Cancellation)
		want   []string
		absent []string
	}{
		{"refunded", func(c *email.Cancellation) {
			c.WasPaid, c.Refunded, c.RefundCents, c.Currency = true, true, 3000, "usd"
		},
			[]string{"$30.00 has been refunded in full", "Saturday, January 9, 2027, 9:00 AM – 11:00 AM CST"}, []string{"No refund"}},
		{"kept", func(c *email.Cancellation) { c.WasPaid = true }, []string{"No refund was made"}, []string{"refunded in full"}},
		{"never paid", func(*email.Cancellation) {}, []string{"No payment was taken"}, []string{"refund"}},
	} {
		c := base
		tc.change(&c)
		m, err := email.RenderCancellation(c)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.Subject != "Tryout registration canceled: Max Lee – Winter" || m.To != "ann@example.com" {
			t.Errorf("%s: subject %q to %q", tc.name, m.Subject, m.To)
		}
		for _, w := range tc.want {
			if !strings.Contains(m.Text, w) || !strings.Contains(m.HTML, w) {
				t.Errorf("%s: a part lacks %q:\n%s\n%s", tc.name, w, m.Text, m.HTML)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(m.Text, a) {
				t.Errorf("%s: the text says %q:\n%s", tc.name, a, m.Text)
			}
		}
		if strings.Contains(m.HTML, "Tigers <BC>") || !strings.Contains(m.HTML, "Tigers &lt;BC&gt;") {
			t.Errorf("%s: the HTML part does not escape the club's name", tc.name)
		}
	}
	if _, err := email.RenderCancellation(email.Cancellation{To: "ann@example.com"}); err == nil {
		t.Fatal("an empty cancellation rendered")
	}
}
