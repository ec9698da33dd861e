package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball"
	"basketball/email"
	"basketball/jobs"
	"basketball/sqldb/sqldbtest"
)

// withInvite sets ACCOUNT_DELIVERY=invite.
func withInvite(t *testing.T, b *testBundle) { b.step.Delivery = jobs.DeliverInvite }

// TestInviteDelivery: with ACCOUNT_DELIVERY=invite the account is made
// without a password, Keycloak is asked once for its set-password email
// (UPDATE_PASSWORD, 72 h), and our email carries no password but says to
// look for Keycloak's; a retry after an SMTP failure does not ask again.
func TestInviteDelivery(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine, withInvite)
		const addr = "invite@example.com"
		reg := b.mustRegisterCard(t, addr, "Ivy")
		b.smtp.SetDown(true)
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitJob(t, reg.ID, "failed once", jobFailedOnce)
		u := b.mustOneUser(t, addr)
		if _, _, ok := b.kc.Password(u.ID); ok {
			t.Error("the invited account holds a password")
		}
		calls := b.kc.ActionsEmails()
		if len(calls) != 1 || calls[0].UserID != u.ID || len(calls[0].Actions) != 1 || calls[0].Actions[0] != "UPDATE_PASSWORD" ||
			calls[0].Lifespan != 72*time.Hour || calls[0].ClientID != "account-console" {
			t.Fatalf("execute-actions-email calls: %+v", calls)
		}
		// More failed attempts, then the email goes out.
		waitFor(t, "another failed attempt", func() (bool, string) {
			js := b.jobsFor(t, reg.ID)
			return len(js) == 1 && js[0].Attempt >= 3, "attempts so far"
		})
		b.smtp.SetDown(false)
		b.waitConfirmed(t, reg.ID)
		if n := len(b.kc.ActionsEmails()); n != 1 {
			t.Errorf("execute-actions-email called %d times, want once", n)
		}
		msg := b.mustOneMessage(t, addr)
		if _, ok := passwordInText(msg.Text); ok || strings.Contains(msg.Text, "Password:") {
			t.Errorf("the email carries a password:\n%s", msg.Text)
		}
		for _, part := range []string{msg.Text, msg.HTML} {
			if !strings.Contains(part, "look for a separate email") || !strings.Contains(part, "72 hours") ||
				!strings.Contains(part, "login-actions/reset-credentials") {
				t.Errorf("a part does not tell to look for Keycloak's email:\n%s", part)
			}
		}
		if len(b.pw.list()) != 0 {
			t.Errorf("%d passwords generated in invite mode", len(b.pw.list()))
		}

		// The free path's answer has an account without a password.
		v := b.mustRegisterFree(t, "free.invite@example.com", "Fin")
		acct, ok := v["account"].(map[string]any)
		if !ok || acct["email"] != "free.invite@example.com" {
			t.Fatalf("account = %v", v["account"])
		}
		if pw, present := acct["password"]; !present || pw != nil {
			t.Errorf(`account.password = %v (present %v), want null`, pw, present)
		}
		if n := len(b.kc.ActionsEmails()); n != 2 {
			t.Errorf("%d execute-actions-email calls after the free registration, want 2", n)
		}
	})
}

// TestInviteRetriedWhenKeycloakCannotSend: Keycloak answering 500 (its
// SMTP failed) sent nothing, so the job asks again, once it can.
func TestInviteRetriedWhenKeycloakCannotSend(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine, withInvite)
		const addr = "kcmail@example.com"
		reg := b.mustRegisterCard(t, addr, "Kit")
		b.kc.SetActionsEmailFailing(true)
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitJob(t, reg.ID, "failed once", jobFailedOnce)
		if len(b.smtp.Messages()) != 0 || len(b.kc.ActionsEmails()) != 0 {
			t.Fatal("went on although Keycloak could not send its email")
		}
		b.kc.SetActionsEmailFailing(false)
		b.waitConfirmed(t, reg.ID)
		if n := len(b.kc.ActionsEmails()); n != 1 {
			t.Errorf("%d execute-actions-email calls, want 1", n)
		}
		b.mustOneMessage(t, addr)
	})
}

// deliverThenFail delivers the first message of each recipient and then
// reports failure, as a process that dies after the SMTP server accepted
// the email but before it was recorded.
type deliverThenFail struct {
	email.Sender
	mu   sync.Mutex
	seen map[string]bool
}

func (d *deliverThenFail) Send(ctx context.Context, m email.Message) error {
	if err := d.Sender.Send(ctx, m); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[m.To] {
		return nil
	}
	d.seen[m.To] = true
	return errors.New("test: the process died after the mail server accepted the email")
}

// TestResentConfirmationAfterACrash (issue 9, item 10): the first email
// reached the parent but was not recorded; the retry sets a fresh
// password and sends again, saying it replaces the first, whose password
// no longer works. Both have Message-IDs of the same notification.
func TestResentConfirmationAfterACrash(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine, func(t *testing.T, b *testBundle) {
			b.step.Mailer = &deliverThenFail{Sender: b.step.Mailer, seen: map[string]bool{}}
		})
		const addr = "crash@example.com"
		reg := b.mustRegisterCard(t, addr, "Cy")
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitConfirmed(t, reg.ID)
		msgs := b.waitMessages(t, addr, 2)
		if len(msgs) != 2 {
			t.Fatalf("%d emails, want 2", len(msgs))
		}
		first, second := msgs[0], msgs[1]
		pw1, ok1 := passwordInText(first.Text)
		pw2, ok2 := passwordInText(second.Text)
		if !ok1 || !ok2 || pw1 == pw2 {
			t.Fatalf("passwords: %v %v, equal %v", ok1, ok2, pw1 == pw2)
		}
		if b.kc.CheckPassword(addr, pw1) || !b.kc.CheckPassword(addr, pw2) {
			t.Errorf("first password valid: %v, second valid: %v; want only the second", b.kc.CheckPassword(addr, pw1), b.kc.CheckPassword(addr, pw2))
		}
		for name, part := range map[string]string{"text": second.Text, "HTML": second.HTML} {
			if !strings.Contains(part, "replaces an earlier one") || !strings.Contains(part, "no longer works") {
				t.Errorf("the re-sent %s part does not say it replaces the first", name)
			}
		}
		if strings.Contains(first.Text, "replaces an earlier") || !strings.Contains(second.Subject, "replaces an earlier email") {
			t.Errorf("subjects %q / %q", first.Subject, second.Subject)
		}
		n, err := b.db.NotificationFor(context.Background(), reg.ID, basketball.NotifyConfirmation, "")
		if err != nil {
			t.Fatal(err)
		}
		id1, id2 := first.MessageID, second.MessageID
		if id1 == id2 || !strings.HasPrefix(id1, "<"+n.ID+".") || !strings.HasPrefix(id2, "<"+n.ID+".") {
			t.Errorf("Message-IDs %s and %s: want two of notification %s", id1, id2, n.ID)
		}
	})
}

// TestFirstAttemptFailingBeforeSendingIsNotAReplacement: when the earlier
// attempt never reached the mail server (Keycloak was down), the email is
// the first the parent gets and does not claim to replace one.
func TestFirstAttemptFailingBeforeSendingIsNotAReplacement(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		const addr = "first@example.com"
		reg := b.mustRegisterCard(t, addr, "Flo")
		b.kc.SetDown(true)
		b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
		b.waitJob(t, reg.ID, "failed once", jobFailedOnce)
		b.kc.SetDown(false)
		b.waitConfirmed(t, reg.ID)
		if msg := b.mustOneMessage(t, addr); strings.Contains(msg.Text, "replaces an earlier") {
			t.Errorf("the only email says it replaces an earlier one")
		}
	})
}
