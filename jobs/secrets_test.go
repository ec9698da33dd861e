package jobs_test

import (
	"basketball"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
)

// refusedEmail is the parent for whom the fake Stripe API below refuses
// the key.
const refusedEmail = "refused@example.com"

// newStripeAPI serves POST /v1/checkout/sessions like Stripe, except that
// for refusedEmail it refuses the API key and quotes it back, as a badly
// behaved proxy might: the client must scrub it from its errors.
func newStripeAPI(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost || r.URL.Path != "/v1/checkout/sessions" || r.ParseForm() != nil {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"type":"invalid_request_error","message":"Unrecognized request URL"}}`)
			return
		}
		if r.PostForm.Get("customer_email") == refusedEmail {
			key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: %s"}}`, key)
			return
		}
		id := "cs_test_" + r.PostForm.Get("client_reference_id")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "object": "checkout.session",
			"url": "https://checkout.stripe.test/c/pay/" + id, "expires_at": time.Now().Add(time.Hour).Unix()})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Every test audits its logs and tables when it ends (see audit). This one
// drives the paths where a secret is nearest to a log line: a Stripe error
// that quotes the API key, a password returned in a response, failed
// emails and Keycloak calls retried by the job; and a player name that is
// HTML.
func TestSecretsStayOutOfLogsAndHTMLIsEscaped(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine, withStripeAPI(newStripeAPI(t).URL))

		res := b.register(t, regBody{parentEmail: refusedEmail, playerFirst: "Cal"})
		if res.status != http.StatusBadGateway || strings.Contains(string(res.body), b.stripeKey) {
			t.Fatalf("card registration refused by Stripe: %d %s", res.status, res.body)
		}

		// A player whose name is markup; the password goes back in the answer.
		const xss = "<script>alert(1)</script>"
		const xssAddr = "xss@example.com"
		if v := b.mustRegisterFree(t, xssAddr, xss); v["account"] == nil {
			t.Fatalf("no account in %v", v)
		}
		msg := b.mustOneMessage(t, xssAddr)
		if strings.Contains(msg.HTML, "<script") || !strings.Contains(msg.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("the HTML part does not escape the player's name:\n%s", msg.HTML)
		}
		if !strings.Contains(msg.Text, xss+" Lee") {
			t.Errorf("the text part does not show the name as given")
		}

		// The inline step made the account but could not email it: no
		// password in the answer, since the job must replace it.
		b.smtp.SetDown(true)
		inline := b.mustRegisterFree(t, "smtp.inline@example.com", "Sue")
		if inline["account"] != nil {
			t.Errorf("account %v returned although its email failed", inline["account"])
		}
		inlineReg, _ := inline["registration_id"].(string)
		// Card payments (their jobs run at once) through an SMTP outage...
		smtpReg := b.mustRegisterCard(t, "smtp@example.com", "Sid")
		b.mustPostEvent(t, completed(smtpReg), basketball.OutcomePaid)
		b.waitJob(t, smtpReg.ID, "failed once", jobFailedOnce)
		b.smtp.SetDown(false)
		b.waitConfirmed(t, smtpReg.ID)
		b.mustValidLogin(t, smtpReg.ParentEmail)
		b.waitConfirmed(t, inlineReg)
		b.mustValidLogin(t, "smtp.inline@example.com")

		// ...and a Keycloak outage.
		kcReg := b.mustRegisterCard(t, "kc@example.com", "Kim")
		b.kc.SetDown(true)
		b.mustPostEvent(t, completed(kcReg), basketball.OutcomePaid)
		b.waitJob(t, kcReg.ID, "failed once", jobFailedOnce)
		b.kc.SetDown(false)
		b.waitConfirmed(t, kcReg.ID)
		b.mustValidLogin(t, kcReg.ParentEmail)

		// The paths above were taken and logged, so the audit means something.
		logs := b.logs.String()
		for _, want := range []string{"create checkout session for", "Invalid API Key provided", "inline post-payment step failed", "503"} {
			if !strings.Contains(logs, want) {
				t.Errorf("the logs lack %q", want)
			}
		}
		for _, id := range []string{smtpReg.ID, kcReg.ID} {
			if !slices.ContainsFunc(strings.Split(logs, "\n"), func(l string) bool {
				return strings.Contains(l, "job failed; it will be retried") && strings.Contains(l, id)
			}) {
				t.Errorf("the logs lack the failed job of %s", id)
			}
		}
		if n := len(b.pw.list()); n < 5 {
			t.Errorf("%d passwords made, want at least 5 (one per account, more per resend)", n)
		}
		b.audit(t)
	})
}
