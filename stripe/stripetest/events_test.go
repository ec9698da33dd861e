package stripetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/stripe/stripetest"
)

// mustEvents records n events one second apart from base, alternating
// completed sessions and refunds, and returns their ids oldest first.
func mustEvents(t *testing.T, fake *stripetest.Server, base time.Time, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		at := base.Add(time.Duration(i) * time.Second)
		payload := stripe.BuildSessionEvent(stripe.SessionEventParams{EventID: fmt.Sprintf("evt_%02d", i), PaymentStatus: "paid", Created: at})
		if i%2 == 1 {
			payload = stripe.BuildChargeRefundedEvent(stripe.ChargeEventParams{EventID: fmt.Sprintf("evt_%02d", i), Refunded: true, Created: at})
		}
		ev, err := fake.AddEvent(payload)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev.ID)
	}
	return out
}

func TestListEventsThroughTheSDKIterator(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	all := mustEvents(t, b.fake, base, 7)
	newestFirst := slices.Clone(all)
	slices.Reverse(newestFirst)

	got := b.listAll(t, stripe.ListEventsParams{PageSize: 2})
	if !reflect.DeepEqual(ids(got), newestFirst) {
		t.Errorf("ids = %v, want %v", ids(got), newestFirst)
	}
	if pages := len(b.fake.RequestsTo(stripetest.EndpointListEvents)); pages != 4 {
		t.Errorf("%d pages fetched, want 4 (7 events by 2)", pages)
	}

	since := base.Add(3 * time.Second)
	got = b.listAll(t, stripe.ListEventsParams{CreatedGTE: since, Types: []string{stripe.EventChargeRefunded}, PageSize: 1, OldestFirst: true})
	if want := []string{"evt_03", "evt_05"}; !reflect.DeepEqual(ids(got), want) {
		t.Errorf("refunds since +3s, oldest first = %v, want %v", ids(got), want)
	}
	for _, ev := range got {
		if !ev.ChargeRefunded || ev.Type != stripe.EventChargeRefunded {
			t.Errorf("event not read: %+v", ev)
		}
	}
}

func TestEventsSameSecondKeepTheirOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.SetWebhookDelivery(false)
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	b.fake.SetClock(func() time.Time { return at })
	var made []string
	for i := range 3 {
		s, err := b.client.CreateCheckoutSession(t.Context(), withExpiry(checkoutParams(fmt.Sprint("reg_", i), fmt.Sprint("k", i)), at))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, ev.ID)
	}
	got := b.listAll(t, stripe.ListEventsParams{PageSize: 1, OldestFirst: true})
	if !reflect.DeepEqual(ids(got), made) {
		t.Errorf("listed %v, want %v", ids(got), made)
	}
}

func withExpiry(p stripe.CheckoutParams, now time.Time) stripe.CheckoutParams {
	p.ExpiresAt = now.Add(time.Hour)
	return p
}

// get calls the fake's API directly, for what the client never sends.
func get(t *testing.T, fake *stripetest.Server, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, fake.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer sk_test_x")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, body
}

func listedIDs(body map[string]any) []string {
	var out []string
	for _, ev := range body["data"].([]any) {
		out = append(out, ev.(map[string]any)["id"].(string))
	}
	return out
}

func TestListEventsQueryParameters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	mustEvents(t, b.fake, base, 12)
	ts := func(i int) int64 { return base.Add(time.Duration(i) * time.Second).Unix() }

	tests := []struct {
		query   string
		want    []string
		hasMore bool
	}{
		{"", []string{"evt_11", "evt_10", "evt_09", "evt_08", "evt_07", "evt_06", "evt_05", "evt_04", "evt_03", "evt_02"}, true},
		{"?limit=3&starting_after=evt_05", []string{"evt_04", "evt_03", "evt_02"}, true},
		{"?limit=3&ending_before=evt_05", []string{"evt_08", "evt_07", "evt_06"}, true},
		{"?limit=3&ending_before=evt_09", []string{"evt_11", "evt_10"}, false},
		{fmt.Sprintf("?created[gt]=%d&created[lte]=%d", ts(8), ts(10)), []string{"evt_10", "evt_09"}, false},
		{fmt.Sprintf("?created=%d", ts(4)), []string{"evt_04"}, false},
		{"?types[]=charge.refunded&limit=2", []string{"evt_11", "evt_09"}, true},
		{"?types[0]=charge.refunded&types[1]=checkout.session.completed&limit=2", []string{"evt_11", "evt_10"}, true},
		{"?type=charge.*&starting_after=evt_04", []string{"evt_03", "evt_01"}, false},
		{"?delivery_success=true", nil, false},
	}
	for _, tt := range tests {
		status, body := get(t, b.fake, "/v1/events"+tt.query)
		if status != 200 {
			t.Errorf("%s: status %d: %v", tt.query, status, body)
			continue
		}
		if got := listedIDs(body); !reflect.DeepEqual(got, tt.want) || body["has_more"] != tt.hasMore {
			t.Errorf("%s: %v has_more %v, want %v has_more %v", tt.query, got, body["has_more"], tt.want, tt.hasMore)
		}
	}

	for _, bad := range []string{"?limit=0", "?limit=101", "?starting_after=evt_nope", "?created[gte]=soon", "?created[between]=1", "?bogus=1",
		"?type=charge.refunded&types[]=charge.refunded", "?starting_after=evt_01&ending_before=evt_05"} {
		if status, body := get(t, b.fake, "/v1/events"+bad); status != 400 || body["error"] == nil {
			t.Errorf("%s: status %d, want 400 with an error", bad, status)
		}
	}
	if status, body := get(t, b.fake, "/v1/events/evt_03"); status != 200 || body["id"] != "evt_03" || body["type"] != "charge.refunded" {
		t.Errorf("retrieve event: %d %v", status, body)
	}
	if status, _ := get(t, b.fake, "/v1/events/evt_nope"); status != 404 {
		t.Errorf("retrieve unknown event: %d", status)
	}
}

func TestListEventsDeliverySuccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustPaid(t, "reg_1")
	b.fake.SetWebhookDelivery(false)
	lost := b.mustPaid(t, "reg_2")
	status, body := get(t, b.fake, "/v1/events?delivery_success=false")
	if status != 200 || len(body["data"].([]any)) != 1 {
		t.Fatalf("undelivered: %d %v", status, body)
	}
	obj := body["data"].([]any)[0].(map[string]any)["data"].(map[string]any)["object"].(map[string]any)
	if obj["id"] != lost.ID {
		t.Errorf("undelivered event is of %v, want %s", obj["id"], lost.ID)
	}
}
