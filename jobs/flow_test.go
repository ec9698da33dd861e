package jobs_test

import (
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

func TestCardPaymentMakesAccountAndEmail(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		const addr = "ann.lee@example.com"
		reg := b.mustRegisterCard(t, "Ann.Lee@Example.com", "Max")
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)

		paid := b.waitConfirmed(t, reg.ID)
		switch {
		case paid.Status != basketball.StatusPaid,
			paid.StripeCheckoutSessionID != reg.StripeCheckoutSessionID,
			paid.StripePaymentIntentID != "pi_"+reg.ID,
			paid.AmountPaidCents == nil || *paid.AmountPaidCents != feeCents,
			paid.PaidAt == nil:
			t.Fatalf("paid registration = %+v", paid)
		}
		if job := b.waitJob(t, reg.ID, "completed", jobCompleted); job.Attempt != 1 {
			t.Errorf("job took %d attempts, want 1", job.Attempt)
		}

		if n := len(b.kc.Users()); n != 1 {
			t.Fatalf("%d Keycloak users, want 1", n)
		}
		u := b.mustOneUser(t, addr)
		if u.Username != addr || u.FirstName != "Ann" || u.LastName != "Lee" || !u.Enabled {
			t.Errorf("Keycloak user = %+v", u)
		}
		msg := b.mustOneMessage(t, addr)
		if len(b.smtp.Messages()) != 1 {
			t.Errorf("%d emails in all, want 1", len(b.smtp.Messages()))
		}
		if msg.HeaderFrom != "coach@"+clubSlug+".example" || !strings.Contains(msg.Subject, "Max Lee") {
			t.Errorf("email from %s, subject %q", msg.HeaderFrom, msg.Subject)
		}

		pw, ok := passwordInText(msg.Text)
		if !ok {
			t.Fatalf("no password in the text part:\n%s", msg.Text)
		}
		held, temporary, ok := b.kc.Password(u.ID)
		if !ok || held != pw || !temporary {
			t.Errorf("Keycloak holds a password equal to the emailed one: %v, temporary: %v", held == pw, temporary)
		}
		if !b.kc.CheckPassword(addr, pw) || len(pw) < 16 {
			t.Errorf("the emailed password (%d chars) does not log in", len(pw))
		}
		if hpw, ok := passwordInHTML(msg.HTML); !ok || hpw != pw {
			t.Errorf("the HTML part does not carry the same password")
		}

		loc, err := time.LoadLocation("America/Chicago")
		if err != nil {
			t.Fatal(err)
		}
		if b.tryout.TimeZone != "America/Chicago" {
			t.Fatalf("tryout zone %s", b.tryout.TimeZone)
		}
		start := b.tryout.StartsAt.In(loc)
		zone, _ := start.Zone()
		want := []string{clubName, "Max Lee", b.tryout.Name, b.tryout.Location, "$30.00",
			start.Format("Monday, January 2, 2006, 3:04 PM"), zone, b.kc.URL() + "/realms/" + realm + "/account"}
		for _, part := range []struct{ name, body string }{{"text", msg.Text}, {"HTML", msg.HTML}} {
			for _, w := range want {
				if !strings.Contains(part.body, html.EscapeString(w)) && !strings.Contains(part.body, w) {
					t.Errorf("%s part lacks %q", part.name, w)
				}
			}
			// The UTC reading of the start would mean the zone was ignored.
			if utc := b.tryout.StartsAt.UTC().Format("January 2, 2006, 3:04 PM"); strings.Contains(part.body, utc) {
				t.Errorf("%s part shows the start in UTC (%s)", part.name, utc)
			}
		}
	})
}

func TestDuplicateDeliveriesMakeOneAccountAndOneEmail(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)

		twice := b.mustRegisterCard(t, "twice@example.com", "Ava")
		ev := completed(twice)
		b.mustPostEvent(t, ev, basketball.OutcomePaid)
		b.mustPostEvent(t, ev, basketball.OutcomeDuplicate)

		five := b.mustRegisterCard(t, "five@example.com", "Cal")
		ev = completed(five)
		outcomes := b.deliverConcurrently(t, [][]byte{ev, ev, ev, ev, ev})
		if count(outcomes, basketball.OutcomePaid) != 1 || count(outcomes, basketball.OutcomeDuplicate) != 4 {
			t.Errorf("outcomes of 5 concurrent deliveries: %v", outcomes)
		}
		// Another event saying the same (a new id) changes nothing either.
		b.mustPostEvent(t, sessionEvent(five, "checkout.session.async_payment_succeeded", nil), basketball.OutcomeAlreadyConfirmed)

		// Distinct events that each say "paid", at once: one payment.
		three := b.mustRegisterCard(t, "three@example.com", "Dee")
		outcomes = b.deliverConcurrently(t, [][]byte{completed(three), completed(three),
			sessionEvent(three, "checkout.session.async_payment_succeeded", nil)})
		if count(outcomes, basketball.OutcomePaid) != 1 || count(outcomes, basketball.OutcomeAlreadyConfirmed) != 2 {
			t.Errorf("outcomes of 3 concurrent distinct events: %v", outcomes)
		}

		for _, r := range []basketball.Registration{twice, five, three} {
			b.waitConfirmed(t, r.ID)
			b.waitJob(t, r.ID, "completed", jobCompleted)
			b.mustOneUser(t, r.ParentEmail)
			b.mustOneMessage(t, r.ParentEmail)
		}
		if len(b.kc.Users()) != 3 || len(b.smtp.Messages()) != 3 {
			t.Errorf("%d users and %d emails, want 3 and 3", len(b.kc.Users()), len(b.smtp.Messages()))
		}
	})
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// deliverConcurrently posts the signed events at once and returns their
// outcomes; every delivery must answer 200.
func (b *testBundle) deliverConcurrently(t *testing.T, events [][]byte) []string {
	t.Helper()
	outcomes := make([]string, len(events))
	errs := make([]error, len(events))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, ev := range events {
		wg.Go(func() {
			<-start
			res, err := b.sendEvent(ev, b.webhookSecret, time.Now())
			switch {
			case err != nil:
				errs[i] = err
			case res.status != http.StatusOK:
				errs[i] = fmt.Errorf("status %d: %s", res.status, res.body)
			default:
				outcomes[i] = string(res.body)
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		var v struct{ Outcome string }
		if err := json.Unmarshal([]byte(outcomes[i]), &v); err != nil {
			t.Fatalf("delivery %d: %q", i, outcomes[i])
		}
		outcomes[i] = v.Outcome
	}
	return outcomes
}

func TestSiblingsShareOneAccount(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		const addr = "pat.rivera@example.com"
		// A family's worth of siblings (the most unpaid seats one email may
		// hold at a tryout), each registered with the email in other case.
		casings := []string{"Pat.Rivera@Example.com", "pat.rivera@example.com", "PAT.RIVERA@EXAMPLE.COM", "pat.Rivera@example.COM"}
		regs := make([]basketball.Registration, len(casings))
		for i, c := range casings {
			regs[i] = b.mustRegisterCard(t, c, fmt.Sprintf("Kid%c", 'A'+i))
		}
		var events [][]byte
		for _, i := range rand.Perm(len(regs)) {
			events = append(events, completed(regs[i]))
		}
		for i, o := range b.deliverConcurrently(t, events) {
			if o != basketball.OutcomePaid {
				t.Errorf("delivery %d: outcome %s", i, o)
			}
		}
		for _, r := range regs {
			if got := b.waitConfirmed(t, r.ID); got.Status != basketball.StatusPaid {
				t.Errorf("%s is %s", r.ID, got.Status)
			}
		}

		if n := len(b.kc.Users()); n != 1 {
			t.Fatalf("%d Keycloak users for one parent, want 1", n)
		}
		b.mustOneUser(t, addr)
		msgs := b.waitMessages(t, addr, len(regs))
		if len(msgs) != len(regs) {
			t.Fatalf("%d emails, want %d", len(msgs), len(regs))
		}
		players := map[string]bool{}
		var withPassword []string
		for _, m := range msgs {
			for i, r := range regs {
				if strings.Contains(m.Text, r.PlayerFirstName+" Lee") {
					players[r.PlayerFirstName] = true
					if pw, ok := passwordInText(m.Text); ok {
						withPassword = append(withPassword, pw)
						// Our database, not a Keycloak attribute, says which
						// registration made the account.
						if got := b.mustReg(t, regs[i].ID); got.AccountCreatedAt == nil {
							t.Errorf("%s carries the password but is not recorded as having made the account", regs[i].ID)
						}
					}
				}
			}
			_, hasPw := passwordInText(m.Text)
			existing := strings.Contains(m.Text, "log in with your existing account") && strings.Contains(m.HTML, "log in with your existing account")
			if hasPw == existing {
				t.Errorf("an email has a password: %v and says to use the existing account: %v", hasPw, existing)
			}
		}
		if len(players) != len(regs) {
			t.Errorf("emails name %d distinct players, want %d", len(players), len(regs))
		}
		if len(withPassword) != 1 {
			t.Fatalf("%d emails carry a password, want 1", len(withPassword))
		}
		made := 0
		for _, r := range regs {
			if b.mustReg(t, r.ID).AccountCreatedAt != nil {
				made++
			}
		}
		if made != 1 {
			t.Errorf("%d registrations recorded as having made the one account", made)
		}
		if !b.kc.CheckPassword(addr, withPassword[0]) {
			t.Errorf("the one emailed password does not log in")
		}
	})
}
