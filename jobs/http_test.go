package jobs_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"basketball"
	"basketball/stripe"
)

// HTTP helpers: the API, and Stripe events built and signed as Stripe does.

type response struct {
	status int
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return v
}

// send makes a request without failing the test, so goroutines may use it.
func (b *testBundle) send(method, path string, body []byte, header map[string]string) (response, error) {
	req, err := http.NewRequest(method, b.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: data}, err
}

func (b *testBundle) do(t *testing.T, method, path string, body []byte, header map[string]string) response {
	t.Helper()
	res, err := b.send(method, path, body, header)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// regBody is a registration request body.
type regBody struct {
	parentEmail, playerFirst, promo string
}

func (b *testBundle) register(t *testing.T, r regBody) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"tryout_id": b.tryout.ID,
		"parent":    map[string]any{"first_name": "Ann", "last_name": "Lee", "email": r.parentEmail, "phone": "+1 555 0100"},
		"player": map[string]any{"first_name": r.playerFirst, "last_name": "Lee",
			"birth_date": time.Now().AddDate(-12, 0, 0).Format(time.DateOnly), "grade": 7, "position": "guard", "height_inches": 60},
		"promo_code": r.promo,
	})
	return b.do(t, http.MethodPost, "/api/v1/clubs/"+clubSlug+"/registrations", body, map[string]string{"Content-Type": "application/json"})
}

// mustRegisterCard registers a player for card payment and returns the
// pending registration.
func (b *testBundle) mustRegisterCard(t *testing.T, parentEmail, playerFirst string) basketball.Registration {
	t.Helper()
	res := b.register(t, regBody{parentEmail: parentEmail, playerFirst: playerFirst})
	if res.status != http.StatusCreated {
		t.Fatalf("register %s: %d %s", playerFirst, res.status, res.body)
	}
	v := res.json(t)
	id, _ := v["registration_id"].(string)
	if v["status"] != basketball.StatusPending || id == "" {
		t.Fatalf("register %s: %s", playerFirst, res.body)
	}
	reg := b.mustReg(t, id)
	if reg.StripeCheckoutSessionID == "" {
		t.Fatalf("registration %s has no checkout session", id)
	}
	return reg
}

// sendEvent signs payload with the webhook secret at time at and posts it.
func (b *testBundle) sendEvent(payload []byte, secret string, at time.Time) (response, error) {
	sig := stripe.SignPayload(payload, secret, at)
	return b.send(http.MethodPost, "/webhooks/stripe", payload, map[string]string{"Stripe-Signature": sig, "Content-Type": "application/json"})
}

// mustPostEvent delivers a correctly signed event and wants 200 with the
// given outcome ("" accepts any).
func (b *testBundle) mustPostEvent(t *testing.T, payload []byte, wantOutcome string) {
	t.Helper()
	res, err := b.sendEvent(payload, b.webhookSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusOK {
		t.Fatalf("webhook: %d %s", res.status, res.body)
	}
	if got := res.json(t)["outcome"]; wantOutcome != "" && got != wantOutcome {
		t.Fatalf("webhook outcome %v, want %s", got, wantOutcome)
	}
}

// sessionEvent builds a checkout.session.* event for reg's current session,
// paid in full unless mutate says otherwise.
func sessionEvent(reg basketball.Registration, typ string, mutate func(*stripe.SessionEventParams)) []byte {
	p := stripe.SessionEventParams{
		Type: typ, SessionID: reg.StripeCheckoutSessionID, PaymentStatus: "paid", PaymentIntentID: "pi_" + reg.ID,
		AmountTotal: reg.AmountCents, Currency: reg.Currency, ClientReferenceID: reg.ID,
		Metadata: map[string]string{"type": stripe.MetadataType, "registration_id": reg.ID, "player_id": reg.PlayerID, "club": clubSlug},
	}
	if mutate != nil {
		mutate(&p)
	}
	return stripe.BuildSessionEvent(p)
}

func completed(reg basketball.Registration) []byte {
	return sessionEvent(reg, stripe.EventCheckoutCompleted, nil)
}
