package jobs_test

import (
	"basketball"
	"slices"
	"strings"
	"testing"

	"basketball/keycloak/keycloaktest"

	"basketball/sqldb/sqldbtest"
)

// mustValidLogin checks that the one email to addr carries a password that
// logs in to the one Keycloak user, as a temporary password, and returns it.
// An account made by the free path's request must first confirm its
// address: the email says so, the password is refused until then, and
// logs in once the address is verified.
func (b *testBundle) mustValidLogin(t *testing.T, addr string) string {
	t.Helper()
	msg := b.mustOneMessage(t, addr)
	pw, ok := passwordInText(msg.Text)
	if !ok {
		t.Fatalf("the email has no password:\n%s", msg.Text)
	}
	u := b.mustOneUser(t, addr)
	held, temporary, _ := b.kc.Password(u.ID)
	if held != pw || !temporary {
		t.Fatalf("the emailed password is not the temporary password Keycloak holds (equal: %v, temporary: %v)", held == pw, temporary)
	}
	if slices.Contains(u.RequiredActions, "VERIFY_EMAIL") {
		if u.EmailVerified || b.kc.Login(addr, pw) != keycloaktest.LoginVerifyEmail {
			t.Fatalf("an account awaiting its address's confirmation lets the password in (verified: %v)", u.EmailVerified)
		}
		if !strings.Contains(msg.Text, "confirm your email address") || !strings.Contains(msg.HTML, "confirm your email address") {
			t.Errorf("the email does not say the address must be confirmed first")
		}
		b.kc.VerifyEmail(u.ID)
	}
	if !b.kc.CheckPassword(addr, pw) {
		t.Fatalf("the emailed password does not log in")
	}
	return pw
}

func TestOutages(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		t.Run("keycloak down then back", func(t *testing.T) {
			t.Parallel()
			b := setup(t, engine)
			const addr = "kc.down@example.com"
			reg := b.mustRegisterCard(t, addr, "Kai")
			b.kc.SetDown(true)
			b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
			b.waitJob(t, reg.ID, "failed once", jobFailedOnce)
			if len(b.kc.Users()) != 0 || len(b.smtp.Messages()) != 0 {
				t.Fatal("work done while Keycloak was down")
			}
			b.kc.SetDown(false)
			b.waitConfirmed(t, reg.ID)
			b.mustValidLogin(t, addr)
			b.waitJob(t, reg.ID, "completed", jobCompleted)
		})

		t.Run("smtp down then back", func(t *testing.T) {
			t.Parallel()
			b := setup(t, engine)
			const addr = "smtp.down@example.com"
			reg := b.mustRegisterCard(t, addr, "Sam")
			b.smtp.SetDown(true)
			b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
			b.waitJob(t, reg.ID, "failed once", jobFailedOnce)
			// The account exists before the email can go out.
			b.mustOneUser(t, addr)
			b.smtp.SetDown(false)
			b.waitConfirmed(t, reg.ID)
			b.waitJob(t, reg.ID, "completed", jobCompleted)
			pw := b.mustValidLogin(t, addr)
			// The first password was lost with the failed email: the job
			// must have set a new one before sending.
			made := b.pw.list()
			if len(made) < 2 || made[len(made)-1] != pw {
				t.Errorf("%d passwords made; the emailed one is the last: %v", len(made), len(made) > 0 && made[len(made)-1] == pw)
			}
			if b.kc.CheckPassword(addr, made[0]) {
				t.Errorf("the first, never delivered password still logs in")
			}
		})

		t.Run("queue restarted mid-retry", func(t *testing.T) {
			t.Parallel()
			b := setup(t, engine)
			const addr = "restart@example.com"
			reg := b.mustRegisterCard(t, addr, "Rue")
			b.kc.SetDown(true)
			b.mustPostEvent(t, completed(reg), basketball.OutcomePaid)
			failed := b.waitJob(t, reg.ID, "failed once", jobFailedOnce)
			// The store still enqueues through the first queue: stop its
			// workers, as a deploy or a crash would.
			b.stopQueue()
			b.kc.SetDown(false)
			if len(b.smtp.Messages()) != 0 || len(b.kc.Users()) != 0 {
				t.Fatal("work done while Keycloak was down")
			}
			b.stopQueue = b.startQueue(t)
			b.waitConfirmed(t, reg.ID)
			b.mustValidLogin(t, addr)
			done := b.waitJob(t, reg.ID, "completed", jobCompleted)
			if done.ID != failed.ID || done.Attempt <= failed.Attempt {
				t.Errorf("completed job %d attempt %d; failed one was %d attempt %d", done.ID, done.Attempt, failed.ID, failed.Attempt)
			}
			if slices.ContainsFunc(b.jobs(t), func(j jobRow) bool { return j.ID != failed.ID }) {
				t.Errorf("another job appeared: %+v", b.jobs(t))
			}
		})
	})
}
