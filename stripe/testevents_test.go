package stripe

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func mustDecode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return m
}

func TestBuildSessionEventShape(t *testing.T) {
	t.Parallel()
	created := time.Unix(1_800_000_000, 0)
	ev := mustDecode(t, BuildSessionEvent(SessionEventParams{PaymentStatus: "unpaid", Created: created}))

	for key, want := range map[string]any{
		"object": "event", "api_version": TestEventAPIVersion, "type": EventCheckoutCompleted,
		"livemode": false, "created": float64(created.Unix()),
	} {
		if ev[key] != want {
			t.Errorf("%s = %#v, want %#v", key, ev[key], want)
		}
	}
	if id, _ := ev["id"].(string); !strings.HasPrefix(id, "evt_") {
		t.Errorf("id = %q, want evt_…", id)
	}
	obj := ev["data"].(map[string]any)["object"].(map[string]any)
	if obj["object"] != "checkout.session" {
		t.Errorf("data.object.object = %#v", obj["object"])
	}
	if id, _ := obj["id"].(string); !strings.HasPrefix(id, "cs_test_") {
		t.Errorf("session id = %q, want cs_test_…", id)
	}
	// An unpaid session has no PaymentIntent yet; Stripe sends null.
	for _, key := range []string{"payment_intent", "metadata", "client_reference_id"} {
		if v, ok := obj[key]; !ok || v != nil {
			t.Errorf("%s = %#v (present %v), want null", key, v, ok)
		}
	}
}

func TestBuildEventsGetDistinctIDs(t *testing.T) {
	t.Parallel()
	a := mustDecode(t, BuildChargeRefundedEvent(ChargeEventParams{}))
	b := mustDecode(t, BuildChargeRefundedEvent(ChargeEventParams{}))
	if a["id"] == b["id"] {
		t.Errorf("two events share id %v", a["id"])
	}
	if a["api_version"] != TestEventAPIVersion || a["type"] != EventChargeRefunded {
		t.Errorf("api_version, type = %v, %v", a["api_version"], a["type"])
	}
}

func TestSignPayloadFormat(t *testing.T) {
	t.Parallel()
	at := time.Unix(1_800_000_000, 0)
	got := SignPayload([]byte(`{}`), "whsec_x", at)
	if !regexp.MustCompile(`^t=1800000000,v1=[0-9a-f]{64}$`).MatchString(got) {
		t.Errorf("header = %q", got)
	}
	if other := SignPayload([]byte(`{}`), "whsec_y", at); other == got {
		t.Error("the signature does not depend on the secret")
	}
}

func TestNewWebhookSecret(t *testing.T) {
	t.Parallel()
	a, b := NewWebhookSecret(), NewWebhookSecret()
	if !regexp.MustCompile(`^whsec_[A-Z2-7]{26}$`).MatchString(a) {
		t.Errorf("secret = %q", a)
	}
	if a == b {
		t.Error("two secrets are equal")
	}
}
