package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"

	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

// TestCalendarDownload: /registrations/{id}/calendar.ics serves the
// tryout as text/calendar (the registration page links it once paid), a
// canceled event once the registration is refunded, and 404 for an
// unknown registration.
func TestCalendarDownload(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		id := b.register(t, 1, "").json(t)["registration_id"].(string)
		ics := "/registrations/" + id + "/calendar.ics"
		if strings.Contains(b.page(t, "/registrations/"+id), ics) {
			t.Error("an unpaid registration's page offers the calendar event")
		}
		if res := b.postEvent(t, b.completed(id, nil)); res.status != http.StatusOK {
			t.Fatalf("webhook: %d", res.status)
		}
		mustSay(t, "paid page", b.page(t, "/registrations/"+id), []string{`href="` + ics + `"`}, nil)

		event := func(wantStatus string) {
			t.Helper()
			res := b.do(t, http.MethodGet, ics, nil, nil)
			if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("GET %s: %d %s", ics, res.status, res.header.Get("Content-Type"))
			}
			cal, err := goical.NewDecoder(bytes.NewReader(res.body)).Decode()
			if err != nil || len(cal.Events()) != 1 {
				t.Fatalf("calendar.ics: %v\n%s", err, res.body)
			}
			ev := cal.Events()[0]
			start, err := ev.DateTimeStart(nil)
			if err != nil || !start.Equal(b.tryout.StartsAt) {
				t.Errorf("event starts %s (%v), tryout %s", start, err, b.tryout.StartsAt)
			}
			if uid := ev.Props.Get(goical.PropUID).Value; uid != id+"@tryouts.example.org" {
				t.Errorf("UID %q", uid)
			}
			if st := ev.Props.Get(goical.PropStatus).Value; st != wantStatus {
				t.Errorf("STATUS %q, want %q", st, wantStatus)
			}
		}
		event("CONFIRMED")
		if res := b.postEvent(t, stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{PaymentIntentID: "pi_" + id, Amount: 3000, AmountRefunded: 3000, Currency: "usd", Refunded: true})); res.status != http.StatusOK {
			t.Fatalf("refund: %d %s", res.status, res.body)
		}
		event("CANCELLED")

		if res := b.do(t, http.MethodGet, "/registrations/reg_nope/calendar.ics", nil, nil); res.status != http.StatusNotFound ||
			!strings.Contains(res.header.Get("Content-Type"), "text/html") {
			t.Errorf("unknown registration: %d %s", res.status, res.header.Get("Content-Type"))
		}
	})
}
