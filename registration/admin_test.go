package registration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"basketball"
	"basketball/registration"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/stripe/stripetest"
)

// coach is the staff member acting in these tests.
var coach = basketball.Actor{Subject: "sub-coach", Email: "coach@tigers.example"}

// testBundle is a registration service and its staff flows over a real
// store and the stateful fake Stripe (whose webhooks are not delivered:
// tests apply the events they need, as the webhook would).
type testBundle struct {
	ctx    context.Context
	db     *sqldb.DB
	clock  *sqldbtest.Clock
	stripe *stripetest.Server
	svc    *registration.Service
	admin  *registration.Admin
	tryout basketball.Tryout
	other  basketball.Tryout // of the club "lions"
}

// setup serves a club "tigers" with an open tryout (fee 3000, capacity
// 5) and a club "lions" with one of its own.
func setup(t *testing.T, engine string) testBundle {
	t.Helper()
	clock := sqldbtest.NewClock(time.Now().UTC().Truncate(time.Second))
	db := sqldbtest.Open(t, engine, clock.Now)
	fake := stripetest.NewServer(t)
	fake.SetClock(clock.Now)
	sc, err := stripe.New(stripe.Config{SecretKey: "sk_test_admin", APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	svc := registration.New(registration.Config{PublicURL: "https://tryouts.example.org"}, registration.Deps{Store: db, Payments: sc})
	b := testBundle{ctx: context.Background(), db: db, clock: clock, stripe: fake, svc: svc,
		admin: registration.NewAdmin(svc, registration.AdminConfig{BusyPoll: 10 * time.Millisecond}, registration.AdminDeps{Store: db, Payments: sc})}
	sqldbtest.MustClub(t, db, "tigers")
	sqldbtest.MustClub(t, db, "lions")
	b.tryout = sqldbtest.MustTryout(t, db, "tigers", 3000, 5)
	b.other = sqldbtest.MustTryout(t, db, "lions", 2000, 5)
	return b
}

// mustRegister registers player n for the tigers' tryout: pending, with a
// Checkout Session at the fake.
func (b testBundle) mustRegister(t *testing.T, n int) basketball.Registration {
	t.Helper()
	res, err := b.svc.Register(b.ctx, "tigers", sqldbtest.Request(b.tryout.ID, n))
	if err != nil {
		t.Fatalf("register %d: %v", n, err)
	}
	return b.mustReg(t, res.Registration.ID)
}

// mustPay completes the registration's session at the fake and applies
// its event, as the webhook would.
func (b testBundle) mustPay(t *testing.T, reg basketball.Registration) basketball.Registration {
	t.Helper()
	ev, err := b.stripe.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if outcome := b.apply(t, ev); outcome != basketball.OutcomePaid {
		t.Fatalf("payment outcome %q", outcome)
	}
	return b.mustReg(t, reg.ID)
}

// apply applies a fake Stripe event as the webhook would.
func (b testBundle) apply(t *testing.T, ev stripetest.Event) string {
	t.Helper()
	parsed, err := stripe.ParseEvent(ev.JSON)
	outcome, _, aerr := b.svc.ApplyPaymentEvent(b.ctx, stripe.PaymentEvent(parsed, err), basketball.PathWebhook)
	if aerr != nil {
		t.Fatal(aerr)
	}
	return outcome
}

// lastEvent is the fake's newest event of a type.
func (b testBundle) lastEvent(t *testing.T, typ string) stripetest.Event {
	t.Helper()
	evs := b.stripe.Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return evs[i]
		}
	}
	t.Fatalf("no %s event at the fake", typ)
	return stripetest.Event{}
}

func (b testBundle) mustReg(t *testing.T, id string) basketball.Registration {
	t.Helper()
	r, err := b.db.Registration(b.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (b testBundle) seatsLeft(t *testing.T) int {
	t.Helper()
	tr, err := b.db.Tryout(b.ctx, "tigers", b.tryout.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *tr.SeatsLeft
}

// audit returns the club's audit log, newest first.
func (b testBundle) audit(t *testing.T, club string) []basketball.AuditEntry {
	t.Helper()
	page, err := b.db.ListAudit(b.ctx, club, 200, "")
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// notifications returns a registration's notifications of a kind.
func (b testBundle) notifications(t *testing.T, regID, kind string) []basketball.Notification {
	t.Helper()
	all, err := b.db.Notifications(b.ctx, regID)
	if err != nil {
		t.Fatal(err)
	}
	var out []basketball.Notification
	for _, n := range all {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func cancellationData(t *testing.T, n basketball.Notification) basketball.CancellationData {
	t.Helper()
	var d basketball.CancellationData
	if err := json.Unmarshal([]byte(n.Data), &d); err != nil {
		t.Fatalf("cancellation data %q: %v", n.Data, err)
	}
	return d
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := basketball.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

func mustCountersAgree(t *testing.T, db *sqldb.DB) {
	t.Helper()
	bad, err := db.CheckCounters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range bad {
		t.Errorf("%s %s: counter %d, registrations holding %d", m.What, m.ID, m.Counted, m.Held)
	}
}

func ptr[T any](v T) *T { return &v }

func describe(r basketball.Registration) string {
	return fmt.Sprintf("%s %s (%s)", r.ID, r.Status, r.Method)
}
