package stripe

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"
)

const testWebhookSecret = "whsec_test_secret"

// signedAt is when test events are signed; the injected clock reads it too.
var signedAt = time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)

func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

func testMetadata() map[string]string {
	return map[string]string{
		MetaType: MetadataType, MetaRegistrationID: "reg_42", MetaPlayerID: "ply_7",
		MetaPlayerName: "Ana Lima", MetaClub: "Riverside Hoops",
	}
}

// mustParse signs payload at signedAt and parses it with the clock there.
func mustParse(t *testing.T, payload []byte) Event {
	t.Helper()
	ev, err := ParseWebhook(payload, SignPayload(payload, testWebhookSecret, signedAt), testWebhookSecret, clockAt(signedAt))
	if err != nil {
		t.Fatalf("ParseWebhook: %v", err)
	}
	return ev
}

func TestParseWebhookSessionEvents(t *testing.T) {
	t.Parallel()
	created := signedAt.Add(-time.Minute)
	tests := []struct {
		name    string
		payload []byte
		want    Event
	}{{
		name: "completed with the builder's old api_version",
		payload: BuildSessionEvent(SessionEventParams{
			EventID: "evt_1", SessionID: "cs_test_1", PaymentStatus: "paid", PaymentIntentID: "pi_1",
			AmountTotal: 4500, Currency: "eur", Metadata: testMetadata(), ClientReferenceID: "reg_42", Created: created,
		}),
		want: Event{
			ID: "evt_1", Type: EventCheckoutCompleted, Created: created,
			SessionID: "cs_test_1", PaymentStatus: "paid", PaymentIntentID: "pi_1", ClientReferenceID: "reg_42",
			Currency: "eur", AmountTotal: 4500, HasAmountTotal: true, Metadata: testMetadata(),
		},
	}, {
		name: "expired from another release train",
		payload: BuildSessionEvent(SessionEventParams{
			EventID: "evt_2", Type: EventCheckoutExpired, APIVersion: "2024-09-30.acacia", SessionID: "cs_test_2",
			PaymentStatus: "unpaid", AmountTotal: 4500, Currency: "eur", Metadata: testMetadata(), Created: created,
		}),
		want: Event{
			ID: "evt_2", Type: EventCheckoutExpired, Created: created, SessionID: "cs_test_2",
			PaymentStatus: "unpaid", Currency: "eur", AmountTotal: 4500, HasAmountTotal: true, Metadata: testMetadata(),
		},
	}, {
		name:    "metadata null",
		payload: BuildSessionEvent(SessionEventParams{EventID: "evt_3", SessionID: "cs_test_3", PaymentStatus: "paid", Created: created}),
		want:    Event{ID: "evt_3", Type: EventCheckoutCompleted, Created: created, SessionID: "cs_test_3", PaymentStatus: "paid", HasAmountTotal: true},
	}, {
		name:    "metadata and most fields absent",
		payload: []byte(`{"id":"evt_4","object":"event","type":"checkout.session.completed","created":1,"data":{"object":{"id":"cs_test_4","object":"checkout.session"}}}`),
		want:    Event{ID: "evt_4", Type: EventCheckoutCompleted, Created: time.Unix(1, 0).UTC(), SessionID: "cs_test_4"},
	}, {
		name: "payment_intent expanded to an object",
		payload: []byte(`{"id":"evt_5","object":"event","api_version":"2019-02-19","type":"checkout.session.async_payment_succeeded","created":1,
			"data":{"object":{"id":"cs_test_5","object":"checkout.session","payment_status":"paid",
			"payment_intent":{"id":"pi_5","object":"payment_intent","metadata":{"registration_id":"reg_42"}},
			"amount_total":0,"currency":"usd","metadata":{"type":"tryout_registration","registration_id":"reg_42"}}}}`),
		want: Event{
			ID: "evt_5", Type: EventCheckoutAsyncPaymentSucceeded, Created: time.Unix(1, 0).UTC(), SessionID: "cs_test_5",
			PaymentStatus: "paid", PaymentIntentID: "pi_5", Currency: "usd", HasAmountTotal: true,
			Metadata: map[string]string{"type": "tryout_registration", "registration_id": "reg_42"},
		},
	}, {
		name:    "an event type we do not act on, data not read",
		payload: []byte(`{"id":"evt_6","object":"event","type":"customer.created","created":1,"data":{"object":{"id":"cus_1","metadata":"odd"}}}`),
		want:    Event{ID: "evt_6", Type: "customer.created", Created: time.Unix(1, 0).UTC()},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assertEvent(t, mustParse(t, tt.payload), tt.want)
		})
	}
}

func TestParseWebhookChargeRefunded(t *testing.T) {
	t.Parallel()
	created := signedAt.Add(-time.Hour)
	t.Run("built", func(t *testing.T) {
		t.Parallel()
		payload := BuildChargeRefundedEvent(ChargeEventParams{
			EventID: "evt_r1", ChargeID: "ch_1", PaymentIntentID: "pi_1", Amount: 4500, AmountRefunded: 4500, Refunded: true, Created: created,
		})
		assertEvent(t, mustParse(t, payload), Event{
			ID: "evt_r1", Type: EventChargeRefunded, Created: created,
			ChargeID: "ch_1", ChargePaymentIntentID: "pi_1", ChargeAmount: 4500, ChargeAmountRefunded: 4500, ChargeRefunded: true,
		})
	})
	t.Run("partial refund, payment_intent expanded", func(t *testing.T) {
		t.Parallel()
		payload := []byte(`{"id":"evt_r2","object":"event","type":"charge.refunded","created":1,
			"data":{"object":{"id":"ch_2","object":"charge","payment_intent":{"id":"pi_2"},"amount":4500,"amount_refunded":1000,"refunded":false}}}`)
		assertEvent(t, mustParse(t, payload), Event{
			ID: "evt_r2", Type: EventChargeRefunded, Created: time.Unix(1, 0).UTC(),
			ChargeID: "ch_2", ChargePaymentIntentID: "pi_2", ChargeAmount: 4500, ChargeAmountRefunded: 1000,
		})
	})
}

func TestParseWebhookMalformedButSigned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		want    Event  // what could still be read
		errHas  string // names the bad field
	}{{
		name:    "data.object is a string",
		payload: `{"id":"evt_m1","object":"event","type":"checkout.session.completed","created":1,"data":{"object":"cs_test_1"}}`,
		want:    Event{ID: "evt_m1", Type: EventCheckoutCompleted, Created: time.Unix(1, 0).UTC()},
		errHas:  "data.object",
	}, {
		name:    "data missing",
		payload: `{"id":"evt_m2","object":"event","type":"checkout.session.expired","created":1}`,
		want:    Event{ID: "evt_m2", Type: EventCheckoutExpired, Created: time.Unix(1, 0).UTC()},
		errHas:  "data",
	}, {
		name: "metadata is not a map of strings",
		payload: `{"id":"evt_m3","object":"event","type":"checkout.session.completed","created":1,
			"data":{"object":{"id":"cs_test_3","payment_status":"paid","amount_total":4500,"metadata":{"registration_id":42}}}}`,
		want:   Event{ID: "evt_m3", Type: EventCheckoutCompleted, Created: time.Unix(1, 0).UTC(), SessionID: "cs_test_3", PaymentStatus: "paid", AmountTotal: 4500, HasAmountTotal: true},
		errHas: "data.object.metadata",
	}, {
		name: "amount_total is a string, metadata still read",
		payload: `{"id":"evt_m4","object":"event","type":"checkout.session.completed","created":1,
			"data":{"object":{"id":"cs_test_4","amount_total":"4500","payment_intent":42,"metadata":{"registration_id":"reg_42"}}}}`,
		want:   Event{ID: "evt_m4", Type: EventCheckoutCompleted, Created: time.Unix(1, 0).UTC(), SessionID: "cs_test_4", Metadata: map[string]string{"registration_id": "reg_42"}},
		errHas: "data.object.amount_total",
	}, {
		name:    "data.object of another kind",
		payload: `{"id":"evt_m6","object":"event","type":"charge.refunded","created":1,"data":{"object":{"id":"cs_test_6","object":"checkout.session"}}}`,
		want:    Event{ID: "evt_m6", Type: EventChargeRefunded, Created: time.Unix(1, 0).UTC()},
		errHas:  "data.object.object",
	}, {
		name:    "no event id",
		payload: `{"object":"event","type":"customer.created","created":1,"data":{"object":{}}}`,
		want:    Event{Type: "customer.created", Created: time.Unix(1, 0).UTC()},
		errHas:  "id: missing",
	}, {
		name:    "created is not a number",
		payload: `{"id":"evt_m8","object":"event","type":"customer.created","created":"yesterday","data":{"object":{}}}`,
		want:    Event{ID: "evt_m8", Type: "customer.created"},
		errHas:  "created",
	}, {
		name:    "a thin event notification",
		payload: `{"id":"evt_m9","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered","created":"2026-01-01T00:00:00Z"}`,
		want:    Event{ID: "evt_m9", Type: "v1.billing.meter.error_report_triggered"},
		errHas:  "object",
	}, {
		name:    "not JSON at all",
		payload: `this is not json`,
		errHas:  "body",
	}, {
		name:    "JSON null",
		payload: `null`,
		errHas:  "body",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			payload := []byte(tt.payload)
			ev, err := ParseWebhook(payload, SignPayload(payload, testWebhookSecret, signedAt), testWebhookSecret, clockAt(signedAt))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if errors.Is(err, ErrBadSignature) {
				t.Errorf("a validly signed body must not be ErrBadSignature: %v", err)
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("err = %v, want it to mention %q", err, tt.errHas)
			}
			assertEvent(t, ev, tt.want)
		})
	}
}

func TestParseWebhookBadSignature(t *testing.T) {
	t.Parallel()
	payload := BuildSessionEvent(SessionEventParams{EventID: "evt_s", PaymentStatus: "paid", Metadata: testMetadata(), Created: signedAt})
	good := SignPayload(payload, testWebhookSecret, signedAt)
	tampered := []byte(strings.Replace(string(payload), `"paid"`, `"unpaid"`, 1))
	if string(tampered) == string(payload) {
		t.Fatal("tampering changed nothing")
	}

	tests := []struct {
		name    string
		payload []byte
		header  string
		secret  string
		now     time.Time
	}{
		{"wrong secret", payload, SignPayload(payload, "whsec_other", signedAt), testWebhookSecret, signedAt},
		{"tampered body", tampered, good, testWebhookSecret, signedAt},
		{"missing header", payload, "", testWebhookSecret, signedAt},
		{"garbage header", payload, "garbage", testWebhookSecret, signedAt},
		{"no v1 signature", payload, "t=" + strings.Split(strings.TrimPrefix(good, "t="), ",")[0], testWebhookSecret, signedAt},
		{"timestamp swapped after signing", payload, strings.Replace(good, "t=", "t=1", 1), testWebhookSecret, signedAt},
		{"stale: signed 301s ago", payload, good, testWebhookSecret, signedAt.Add(301 * time.Second)},
		{"from the future: 301s ahead", payload, good, testWebhookSecret, signedAt.Add(-301 * time.Second)},
		{"no secret configured", payload, SignPayload(payload, "", signedAt), "", signedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ParseWebhook(tt.payload, tt.header, tt.secret, clockAt(tt.now))
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("err = %v, want ErrBadSignature", err)
			}
			if errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v also matches ErrMalformed", err)
			}
			if ev.ID != "" || ev.Metadata != nil {
				t.Errorf("an unverified body was read: %+v", ev)
			}
		})
	}

	t.Run("within tolerance either way", func(t *testing.T) {
		t.Parallel()
		for _, now := range []time.Time{signedAt.Add(299 * time.Second), signedAt.Add(-299 * time.Second)} {
			if _, err := ParseWebhook(payload, good, testWebhookSecret, clockAt(now)); err != nil {
				t.Errorf("now = signed %+v: %v", now.Sub(signedAt), err)
			}
		}
	})
}

func assertEvent(t *testing.T, got, want Event) {
	t.Helper()
	if !maps.Equal(got.Metadata, want.Metadata) || (got.Metadata == nil) != (want.Metadata == nil) {
		t.Errorf("Metadata = %#v, want %#v", got.Metadata, want.Metadata)
	}
	got.Metadata, want.Metadata = nil, nil
	if !got.Created.Equal(want.Created) {
		t.Errorf("Created = %v, want %v", got.Created, want.Created)
	}
	got.Created, want.Created = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("event =\n %s\nwant\n %s", g, w)
	}
}
