package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"basketball"
	"basketball/email/emailtest"
	"basketball/keycloak/keycloaktest"
	"basketball/sqldb"
)

// Helpers that read the outcome of the flow: the store, River's jobs, the
// fake Keycloak and the SMTP server.

func (b *testBundle) mustReg(t *testing.T, id string) basketball.Registration {
	t.Helper()
	r, err := b.db.Registration(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFor polls cond until it holds, failing the test at waitLimit with
// what cond last reported.
func waitFor(t *testing.T, what string, cond func() (ok bool, detail string)) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s: %s", what, detail)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitConfirmed waits until the registration's confirmation is recorded as
// sent and returns it.
func (b *testBundle) waitConfirmed(t *testing.T, id string) basketball.Registration {
	t.Helper()
	var reg basketball.Registration
	waitFor(t, "confirmation_sent_at of "+id, func() (bool, string) {
		reg = b.mustReg(t, id)
		return reg.ConfirmationSentAt != nil, "status " + reg.Status
	})
	return reg
}

// jobRow is a River job as stored.
type jobRow struct {
	ID      int64
	Kind    string
	State   string
	Attempt int
	Args    string
	Errors  string
}

func (b *testBundle) jobs(t testing.TB) []jobRow {
	t.Helper()
	q := `SELECT id, kind, state, attempt, json(args), COALESCE(json(errors), '') FROM river_job ORDER BY id`
	if b.engine == sqldb.Postgres {
		q = `SELECT id, kind, state::text, attempt, args::text, COALESCE(errors::text, '') FROM river_job ORDER BY id`
	}
	rows, err := b.db.SQL().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("read river_job: %v", err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.Attempt, &j.Args, &j.Errors); err != nil {
			t.Fatalf("scan river_job: %v", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// jobsFor returns the post-payment jobs of a registration.
func (b *testBundle) jobsFor(t *testing.T, regID string) []jobRow {
	t.Helper()
	var out []jobRow
	for _, j := range b.jobs(t) {
		var args basketball.PostPaymentJob
		if j.Kind == args.Kind() && json.Unmarshal([]byte(j.Args), &args) == nil && args.RegistrationID == regID {
			out = append(out, j)
		}
	}
	return out
}

// waitJob waits until the registration has exactly one post-payment job
// and cond holds for it.
func (b *testBundle) waitJob(t *testing.T, regID, what string, cond func(jobRow) bool) jobRow {
	t.Helper()
	var job jobRow
	waitFor(t, "job of "+regID+" "+what, func() (bool, string) {
		js := b.jobsFor(t, regID)
		if len(js) != 1 {
			return false, fmt.Sprintf("%d jobs", len(js))
		}
		job = js[0]
		return cond(job), fmt.Sprintf("state %s attempt %d", job.State, job.Attempt)
	})
	return job
}

func jobCompleted(j jobRow) bool { return j.State == string(rivertype.JobStateCompleted) }

// jobFailedOnce holds once an attempt has failed: River counts attempts
// when it starts them, so a second attempt means the first failed.
func jobFailedOnce(j jobRow) bool { return j.Attempt >= 2 && j.Errors != "" }

// usersWithEmail returns the fake Keycloak's users with that email.
func (b *testBundle) usersWithEmail(addr string) []keycloaktest.User {
	var out []keycloaktest.User
	for _, u := range b.kc.Users() {
		if strings.EqualFold(u.Email, addr) {
			out = append(out, u)
		}
	}
	return out
}

// mustOneUser wants exactly one Keycloak user with that email.
func (b *testBundle) mustOneUser(t *testing.T, addr string) keycloaktest.User {
	t.Helper()
	us := b.usersWithEmail(addr)
	if len(us) != 1 {
		t.Fatalf("%d Keycloak users with email %s, want 1: %+v", len(us), addr, us)
	}
	return us[0]
}

// messagesTo returns the emails received for addr (compared in any case).
func (b *testBundle) messagesTo(addr string) []emailtest.Received {
	var out []emailtest.Received
	for _, m := range b.smtp.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// waitMessages waits until addr has received n emails and returns them.
func (b *testBundle) waitMessages(t *testing.T, addr string, n int) []emailtest.Received {
	t.Helper()
	var got []emailtest.Received
	waitFor(t, fmt.Sprintf("%d emails to %s", n, addr), func() (bool, string) {
		got = b.messagesTo(addr)
		return len(got) >= n, fmt.Sprintf("%d so far", len(got))
	})
	return got
}

// mustOneMessage waits for the one email addr should get and checks that
// no other has come.
func (b *testBundle) mustOneMessage(t *testing.T, addr string) emailtest.Received {
	t.Helper()
	got := b.waitMessages(t, addr, 1)
	if len(got) != 1 {
		t.Fatalf("%d emails to %s, want 1", len(got), addr)
	}
	return got[0]
}

// seatsLeft reads the tryout's seats_left through the public API.
func (b *testBundle) seatsLeft(t *testing.T) int {
	t.Helper()
	res := b.do(t, http.MethodGet, "/api/v1/clubs/"+clubSlug+"/tryouts", nil, nil)
	var list []struct {
		ID        string `json:"id"`
		SeatsLeft *int   `json:"seats_left"`
	}
	if err := json.Unmarshal(res.body, &list); err != nil {
		t.Fatalf("tryouts: %d %s", res.status, res.body)
	}
	for _, tr := range list {
		if tr.ID == b.tryout.ID && tr.SeatsLeft != nil {
			return *tr.SeatsLeft
		}
	}
	t.Fatalf("tryout %s without seats_left in %s", b.tryout.ID, res.body)
	return 0
}
