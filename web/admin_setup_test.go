package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/registration"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/staff"
	"basketball/staff/oidctest"
	"basketball/stripe"
	"basketball/stripe/stripetest"
	"basketball/web"
)

const (
	oidcClient = "basketball-admin"
	oidcSecret = "client-secret-for-tests"
)

// Staff of the tests, as the fake issuer signs them in.
var (
	tigersCoach = oidctest.User{Subject: "sub-tigers", Email: "coach@tigers.example", RealmRoles: []string{"club-admin:tigers"}}
	lionsCoach  = oidctest.User{Subject: "sub-lions", Email: "coach@lions.example", ClientRoles: []string{"club-admin:lions"}}
	operator    = oidctest.User{Subject: "sub-op", Email: "op@example.org", RealmRoles: []string{"club-admin:*"}}
	parentUser  = oidctest.User{Subject: "sub-parent", Email: "ann@example.com"}
)

// adminBundle is the whole server with the admin area on: two clubs
// (tigers and lions, each with a tryout, a promo code and registrations),
// the fake OIDC issuer and the stateful fake Stripe.
type adminBundle struct {
	ctx    context.Context
	db     *sqldb.DB
	clock  *sqldbtest.Clock
	issuer *oidctest.Server
	stripe *stripetest.Server
	srv    *httptest.Server
	svc    *registration.Service

	tigers, lions struct {
		tryout  basketball.Tryout
		promo   basketball.PromoCode
		pending basketball.Registration
		paid    basketball.Registration
	}
}

// setupAdmin builds the bundle. payments replaces the fake Stripe's client
// (stripe-mock tests); nil uses the fake.
func setupAdmin(t *testing.T, engine string, payments *stripe.Client) *adminBundle {
	t.Helper()
	clock := sqldbtest.NewClock(time.Now().UTC().Truncate(time.Second))
	b := &adminBundle{ctx: context.Background(), clock: clock, db: sqldbtest.Open(t, engine, clock.Now)}
	b.stripe = stripetest.NewServer(t)
	b.stripe.SetClock(clock.Now)
	if payments == nil {
		var err error
		if payments, err = stripe.New(stripe.Config{SecretKey: "sk_test_admin", APIURL: b.stripe.URL()}); err != nil {
			t.Fatal(err)
		}
	}
	b.issuer = oidctest.NewServer(t, oidctest.Options{ClientID: oidcClient, ClientSecret: oidcSecret})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	publicURL := "http://" + ln.Addr().String()
	b.issuer.AllowRedirectURI(publicURL + staff.CallbackPath)
	b.issuer.AllowPostLogoutRedirectURI(publicURL + "/")

	b.svc = registration.New(registration.Config{PublicURL: publicURL}, registration.Deps{Store: b.db, Payments: payments})
	admin := registration.NewAdmin(b.svc, registration.AdminConfig{BusyPoll: 10 * time.Millisecond}, registration.AdminDeps{Store: b.db, Payments: payments})
	var srv *web.Server
	auth, err := staff.New(staff.Config{IssuerURL: b.issuer.URL(), ClientID: oidcClient, ClientSecret: oidcSecret, PublicURL: publicURL,
		SessionStore: b.db.SessionStore(), WriteError: func(w http.ResponseWriter, r *http.Request, err error) { srv.WriteStaffError(w, r, err) }})
	if err != nil {
		t.Fatal(err)
	}
	srv = web.NewServer(web.Config{WebhookSecret: webhookSecret, StaffIssuer: b.issuer.URL()},
		web.Deps{Service: b.svc, Staff: auth, Admin: admin})
	b.srv = httptest.NewUnstartedServer(srv)
	b.srv.Listener.Close()
	b.srv.Listener = ln
	b.srv.Start()
	t.Cleanup(b.srv.Close)

	for i, c := range []*struct {
		tryout  basketball.Tryout
		promo   basketball.PromoCode
		pending basketball.Registration
		paid    basketball.Registration
	}{&b.tigers, &b.lions} {
		slug := []string{"tigers", "lions"}[i]
		sqldbtest.MustClub(t, b.db, slug)
		c.tryout = sqldbtest.MustTryout(t, b.db, slug, 3000, 10)
		pct := 50
		if c.promo, err = b.db.CreatePromo(b.ctx, slug, basketball.PromoInput{Code: "HALF", PercentOff: &pct}); err != nil {
			t.Fatal(err)
		}
		c.pending = b.mustRegister(t, slug, c.tryout.ID, 10*i+1)
		c.paid = b.mustPay(t, b.mustRegister(t, slug, c.tryout.ID, 10*i+2))
	}
	return b
}

func (b *adminBundle) mustRegister(t *testing.T, club, tryoutID string, n int) basketball.Registration {
	t.Helper()
	res, err := b.svc.Register(b.ctx, club, sqldbtest.Request(tryoutID, n))
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return mustReg(t, b.db, res.Registration.ID)
}

// mustPay pays a registration's session at the fake and applies the event.
func (b *adminBundle) mustPay(t *testing.T, reg basketball.Registration) basketball.Registration {
	t.Helper()
	var payload []byte
	if ev, err := b.stripe.CompleteSession(reg.StripeCheckoutSessionID, stripetest.CompleteOptions{}); err == nil {
		payload = ev.JSON
	} else {
		// The session is stripe-mock's, which keeps none: the event is
		// built as Stripe would send it.
		payload = stripe.BuildSessionEvent(stripe.SessionEventParams{Type: stripe.EventCheckoutCompleted, SessionID: reg.StripeCheckoutSessionID,
			PaymentStatus: "paid", PaymentIntentID: "pi_" + strings.TrimPrefix(reg.ID, "reg_"), AmountTotal: reg.AmountCents, Currency: reg.Currency,
			Metadata: map[string]string{"type": "tryout_registration", "registration_id": reg.ID}})
	}
	parsed, perr := stripe.ParseEvent(payload)
	if _, _, err := b.svc.ApplyPaymentEvent(b.ctx, stripe.PaymentEvent(parsed, perr), basketball.PathWebhook); err != nil {
		t.Fatal(err)
	}
	return mustReg(t, b.db, reg.ID)
}

// api calls the admin API with a bearer token for u (nil: no token).
func (b *adminBundle) api(t *testing.T, u *oidctest.User, method, path string, body any) response {
	t.Helper()
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	default:
		data, _ := json.Marshal(v)
		r = bytes.NewReader(data)
	}
	h := map[string]string{"Content-Type": "application/json"}
	if u != nil {
		h["Authorization"] = "Bearer " + b.issuer.AccessToken(*u)
	}
	return b.doAdmin(t, http.DefaultClient, method, path, r, h)
}

func (b *adminBundle) doAdmin(t *testing.T, c *http.Client, method, path string, body io.Reader, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// browser signs u in through the fake issuer (the whole redirect chain, as
// a browser follows it) and returns a client holding the session cookie
// that does not follow redirects, so tests see the 303s.
func (b *adminBundle) browser(t *testing.T, u oidctest.User) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b.issuer.SetUser(&u)
	follow := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := follow.Get(b.srv.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/admin") {
		t.Fatalf("sign-in as %s ended at %s with %d", u.Subject, res.Request.URL, res.StatusCode)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (b *adminBundle) page(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	return b.doAdmin(t, c, http.MethodGet, path, nil, nil)
}

func (b *adminBundle) post(t *testing.T, c *http.Client, path string, form url.Values) response {
	t.Helper()
	return b.doAdmin(t, c, http.MethodPost, path, strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// snapshot is what the tests check stays the same when an action is
// refused: every registration's status, the tryouts, the promo codes, the
// audit log, the notifications and what was asked of Stripe.
func (b *adminBundle) snapshot(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	q := func(query string) {
		rows, err := b.db.SQL().Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				sb.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(v), "\n", " "), "\t", " ")) + "|")
			}
			sb.WriteString("\n")
		}
	}
	q(`SELECT id, status, method, amount_refunded_cents, stripe_refund_id FROM registrations ORDER BY id`)
	q(`SELECT id, name, starts_at, ends_at, location, fee_cents, capacity, open, seats_held FROM tryouts ORDER BY id`)
	q(`SELECT id, code, active, uses FROM promo_codes ORDER BY id`)
	q(`SELECT id FROM audit_log ORDER BY id`)
	q(`SELECT id, kind, dedupe_key FROM notifications ORDER BY id`)
	for _, r := range b.stripe.Requests() {
		sb.WriteString(string(r.Endpoint) + "\n")
	}
	return sb.String()
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(jsonish(v), "\r", ""), "\x00", ""))
}

func jsonish(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

// mustCountersAgree recounts seats and promo uses from the registrations.
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
