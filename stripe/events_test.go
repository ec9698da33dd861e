package stripe

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// eventPages serves payloads, newest first, as Stripe's events list does:
// pages of limit events, continued with starting_after. failOn, when not
// empty, is a starting_after value answered with a 500.
func eventPages(t *testing.T, payloads [][]byte, failOn string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if after := q.Get("starting_after"); after != "" && after == failOn {
			answer(500, stripeError("api_error", "", "boom"))(w, r)
			return
		}
		limit := len(payloads)
		if l := q.Get("limit"); l != "" {
			fmt.Sscan(l, &limit)
		}
		start := 0
		if after := q.Get("starting_after"); after != "" {
			start = -1
			for i, p := range payloads {
				if strings.Contains(string(p), `"id":"`+after+`"`) {
					start = i + 1
				}
			}
			if start < 0 {
				answer(400, stripeError("invalid_request_error", "resource_missing", "No such event"))(w, r)
				return
			}
		}
		end := min(start+limit, len(payloads))
		var data []string
		for _, p := range payloads[start:end] {
			data = append(data, string(p))
		}
		answer(200, fmt.Sprintf(`{"object":"list","url":"/v1/events","has_more":%t,"data":[%s]}`,
			end < len(payloads), strings.Join(data, ",")))(w, r)
	}
}

func testEventPayloads() [][]byte {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return [][]byte{
		BuildDisputeEvent(DisputeEventParams{EventID: "evt_4", Type: EventChargeDisputeCreated, DisputeID: "du_1", ChargeID: "ch_1",
			PaymentIntentID: "pi_1", Amount: 4500, Currency: "eur", Created: at.Add(3 * time.Minute)}),
		BuildChargeRefundedEvent(ChargeEventParams{EventID: "evt_3", ChargeID: "ch_1", PaymentIntentID: "pi_1", Amount: 4500,
			AmountRefunded: 4500, Currency: "eur", Refunded: true, Created: at.Add(2 * time.Minute)}),
		BuildSessionEvent(SessionEventParams{EventID: "evt_2", SessionID: "cs_test_1", PaymentStatus: "paid", PaymentIntentID: "pi_1",
			AmountTotal: 4500, Currency: "eur", Metadata: testMetadata(), ClientReferenceID: "reg_42", Created: at.Add(time.Minute)}),
		BuildSessionEvent(SessionEventParams{EventID: "evt_1", Type: EventCheckoutExpired, SessionID: "cs_test_0", PaymentStatus: "unpaid",
			AmountTotal: 4500, Currency: "eur", Metadata: testMetadata(), Created: at}),
	}
}

func collect(t *testing.T, b *testBundle, p ListEventsParams) (events []Event, errs []error) {
	t.Helper()
	for ev, err := range b.client.ListEvents(t.Context(), p) {
		events = append(events, ev)
		errs = append(errs, err)
	}
	return events, errs
}

func TestListEventsPagesAndReadsLikeTheWebhook(t *testing.T) {
	t.Parallel()
	payloads := testEventPayloads()
	b := setup(t, time.Second, eventPages(t, payloads, ""))
	since := time.Date(2026, 11, 20, 9, 55, 0, 0, time.UTC)
	events, errs := collect(t, b, ListEventsParams{CreatedGTE: since, Types: HandledEventTypes, PageSize: 3})

	if len(events) != len(payloads) {
		t.Fatalf("%d events, want %d", len(events), len(payloads))
	}
	for i, ev := range events {
		if errs[i] != nil {
			t.Errorf("event %d: %v", i, errs[i])
		}
		assertEvent(t, ev, mustParse(t, payloads[i]))
	}
	if got := events[0]; got.DisputeID != "du_1" || got.PaymentIntent() != "pi_1" || got.DisputeStatus != DisputeStatusNeedsResponse {
		t.Errorf("dispute event = %+v", got)
	}

	reqs := b.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 pages", len(reqs))
	}
	q0, q1 := reqs[0].Query, reqs[1].Query
	if reqs[0].Method != http.MethodGet || reqs[0].Path != "/v1/events" {
		t.Errorf("request = %s %s", reqs[0].Method, reqs[0].Path)
	}
	if q0.Get("limit") != "3" || q0.Get("created[gte]") != fmt.Sprint(since.Unix()) || q0.Has("starting_after") {
		t.Errorf("first page query = %s", q0.Encode())
	}
	var types []string
	for k, v := range q0 {
		if strings.HasPrefix(k, "types[") {
			types = append(types, v...)
		}
	}
	slices.Sort(types)
	if want := slices.Sorted(slices.Values(HandledEventTypes)); !slices.Equal(types, want) {
		t.Errorf("types = %v, want %v", types, want)
	}
	if q1.Get("starting_after") != "evt_2" || q1.Get("created[gte]") != q0.Get("created[gte]") {
		t.Errorf("second page query = %s", q1.Encode())
	}
}

func TestListEventsOldestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, eventPages(t, testEventPayloads(), ""))
	events, _ := collect(t, b, ListEventsParams{PageSize: 2, OldestFirst: true})
	var ids []string
	for _, ev := range events {
		ids = append(ids, ev.ID)
	}
	if want := []string{"evt_1", "evt_2", "evt_3", "evt_4"}; !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	if q := b.requests()[0].Query; q.Has("created[gte]") || q.Has("types[0]") {
		t.Errorf("unbounded listing sent filters: %s", q.Encode())
	}
}

func TestListEventsMalformedEventDoesNotStopTheListing(t *testing.T) {
	t.Parallel()
	payloads := testEventPayloads()
	odd := []byte(`{"id":"evt_odd","object":"event","type":"checkout.session.completed","created":1,"data":{"object":{"id":"cs_test_9","object":"checkout.session","metadata":{"registration_id":7}}}}`)
	payloads = slices.Insert(payloads, 1, odd)
	b := setup(t, time.Second, eventPages(t, payloads, ""))
	events, errs := collect(t, b, ListEventsParams{PageSize: 2})
	if len(events) != len(payloads) {
		t.Fatalf("%d events, want %d", len(events), len(payloads))
	}
	if !errors.Is(errs[1], ErrMalformed) || events[1].ID != "evt_odd" || events[1].SessionID != "cs_test_9" {
		t.Errorf("odd event = %+v, err %v; want it read as far as possible, with ErrMalformed", events[1], errs[1])
	}
	for i, err := range errs {
		if i != 1 && err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
}

func TestListEventsFailureEndsTheListing(t *testing.T) {
	t.Parallel()
	t.Run("newest first: the first page, then the error", func(t *testing.T) {
		t.Parallel()
		b := setup(t, time.Second, eventPages(t, testEventPayloads(), "evt_3"))
		events, errs := collect(t, b, ListEventsParams{PageSize: 2})
		if len(events) != 3 || events[0].ID != "evt_4" || events[1].ID != "evt_3" {
			t.Fatalf("events = %+v", events)
		}
		assertKind(t, errs[2], ErrUnavailable)
		if _, ok := errors.AsType[*Error](errs[2]); !ok {
			t.Errorf("err %T is not *Error", errs[2])
		}
	})
	t.Run("oldest first: only the error", func(t *testing.T) {
		t.Parallel()
		b := setup(t, time.Second, eventPages(t, testEventPayloads(), "evt_3"))
		events, errs := collect(t, b, ListEventsParams{PageSize: 2, OldestFirst: true})
		if len(events) != 1 || events[0].ID != "" {
			t.Fatalf("events = %+v, want the error alone", events)
		}
		assertKind(t, errs[0], ErrUnavailable)
	})
	t.Run("stopping early makes no more requests", func(t *testing.T) {
		t.Parallel()
		b := setup(t, time.Second, eventPages(t, testEventPayloads(), ""))
		for range b.client.ListEvents(t.Context(), ListEventsParams{PageSize: 2}) {
			break
		}
		if n := len(b.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}

func TestListEventsRejectsBadParamsLocally(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Second, eventPages(t, nil, ""))
	tooMany := make([]string, MaxEventTypes+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("type.%d", i)
	}
	for name, p := range map[string]ListEventsParams{
		"too many types": {Types: tooMany},
		"empty type":     {Types: []string{EventChargeRefunded, ""}},
		"page too large": {PageSize: MaxPageSize + 1},
		"negative page":  {PageSize: -1},
	} {
		_, errs := collect(t, b, p)
		if len(errs) != 1 {
			t.Errorf("%s: %d values yielded, want the error alone", name, len(errs))
			continue
		}
		assertKind(t, errs[0], ErrInvalidRequest)
	}
	if n := len(b.requests()); n != 0 {
		t.Errorf("%d requests reached Stripe", n)
	}
}

func TestHandledEventTypes(t *testing.T) {
	t.Parallel()
	if len(HandledEventTypes) > MaxEventTypes {
		t.Errorf("%d types: one events list call takes at most %d", len(HandledEventTypes), MaxEventTypes)
	}
	for _, typ := range []string{
		EventCheckoutCompleted, EventCheckoutAsyncPaymentSucceeded, EventCheckoutAsyncPaymentFailed,
		EventCheckoutExpired, EventChargeRefunded, EventChargeDisputeCreated, EventChargeDisputeClosed,
	} {
		if !slices.Contains(HandledEventTypes, typ) {
			t.Errorf("HandledEventTypes lacks %s", typ)
		}
	}
}

func TestListEventsStopsWhenThePagesRepeat(t *testing.T) {
	t.Parallel()
	payloads := testEventPayloads()[:2]
	// A server that ignores starting_after: every page is the first.
	b := setup(t, time.Second, func(w http.ResponseWriter, r *http.Request) {
		answer(200, fmt.Sprintf(`{"object":"list","has_more":true,"data":[%s,%s]}`, payloads[0], payloads[1]))(w, r)
	})
	events, errs := collect(t, b, ListEventsParams{PageSize: 2})
	if len(events) != 3 {
		t.Fatalf("%d values yielded, want 2 events and an error", len(events))
	}
	assertKind(t, errs[2], ErrUnavailable)
}
