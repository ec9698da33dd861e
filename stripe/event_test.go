package stripe

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseWebhookDisputes(t *testing.T) {
	t.Parallel()
	created := signedAt.Add(-time.Hour)
	tests := []struct {
		name    string
		payload []byte
		want    Event
	}{{
		name: "created",
		payload: BuildDisputeEvent(DisputeEventParams{EventID: "evt_d1", DisputeID: "du_1", ChargeID: "ch_1", PaymentIntentID: "pi_1",
			Amount: 4500, Currency: "eur", Reason: "product_not_received", Created: created}),
		want: Event{ID: "evt_d1", Type: EventChargeDisputeCreated, Created: created, DisputeID: "du_1", DisputeChargeID: "ch_1",
			DisputePaymentIntentID: "pi_1", DisputeAmount: 4500, DisputeCurrency: "eur", DisputeStatus: DisputeStatusNeedsResponse,
			DisputeReason: "product_not_received"},
	}, {
		name: "closed and lost, from an API version without payment_intent",
		payload: BuildDisputeEvent(DisputeEventParams{EventID: "evt_d2", Type: EventChargeDisputeClosed, APIVersion: "2017-08-15",
			DisputeID: "du_2", ChargeID: "ch_2", Amount: 3000, Currency: "usd", Created: created}),
		want: Event{ID: "evt_d2", Type: EventChargeDisputeClosed, Created: created, DisputeID: "du_2", DisputeChargeID: "ch_2",
			DisputeAmount: 3000, DisputeCurrency: "usd", DisputeStatus: DisputeStatusLost, DisputeReason: "fraudulent"},
	}, {
		name: "charge and payment_intent expanded",
		payload: []byte(`{"id":"evt_d3","object":"event","type":"charge.dispute.closed","created":1,"data":{"object":{"id":"du_3","object":"dispute",
			"charge":{"id":"ch_3","object":"charge"},"payment_intent":{"id":"pi_3"},"amount":100,"currency":"eur","status":"won","reason":"duplicate"}}}`),
		want: Event{ID: "evt_d3", Type: EventChargeDisputeClosed, Created: time.Unix(1, 0).UTC(), DisputeID: "du_3", DisputeChargeID: "ch_3",
			DisputePaymentIntentID: "pi_3", DisputeAmount: 100, DisputeCurrency: "eur", DisputeStatus: DisputeStatusWon, DisputeReason: "duplicate"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := mustParse(t, tt.payload)
			assertEvent(t, ev, tt.want)
			// The events list reads it the same way, without a signature.
			listed, err := ParseEvent(tt.payload)
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			assertEvent(t, listed, ev)
		})
	}
}

func TestParseEventMalformed(t *testing.T) {
	t.Parallel()
	payload := []byte(`{"id":"evt_m","object":"event","type":"charge.dispute.created","created":1,"data":{"object":{"id":"ch_1","object":"charge"}}}`)
	ev, err := ParseEvent(payload)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "data.object.object") {
		t.Fatalf("err = %v, want ErrMalformed naming data.object.object", err)
	}
	assertEvent(t, ev, Event{ID: "evt_m", Type: EventChargeDisputeCreated, Created: time.Unix(1, 0).UTC()})
}

func TestChargeRefundedReadsCurrency(t *testing.T) {
	t.Parallel()
	ev := mustParse(t, BuildChargeRefundedEvent(ChargeEventParams{PaymentIntentID: "pi_1", Amount: 4500, AmountRefunded: 4500, Currency: "eur", Refunded: true}))
	if ev.ChargeCurrency != "eur" || ev.PaymentIntent() != "pi_1" {
		t.Errorf("event = %+v", ev)
	}
}

func TestEventPaymentIntent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ev   Event
		want string
	}{
		{Event{PaymentIntentID: "pi_s"}, "pi_s"},
		{Event{ChargePaymentIntentID: "pi_c"}, "pi_c"},
		{Event{DisputePaymentIntentID: "pi_d"}, "pi_d"},
		{Event{}, ""},
	} {
		if got := tt.ev.PaymentIntent(); got != tt.want {
			t.Errorf("%+v.PaymentIntent() = %q, want %q", tt.ev, got, tt.want)
		}
	}
}
