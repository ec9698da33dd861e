package stripetest_test

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"basketball/stripe"
	"basketball/stripe/stripetest"
)

func TestCreateSessionRecordsWhatWasSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.mustSession(t, "reg_1")

	got, ok := b.fake.Session(s.ID)
	if !ok {
		t.Fatalf("session %s not recorded", s.ID)
	}
	wantMeta := map[string]string{"type": stripe.MetadataType, "registration_id": "reg_1", "player_id": "ply_reg_1", "player_name": "Ana Lima", "club": "riverside"}
	if !reflect.DeepEqual(got.Metadata, wantMeta) || !reflect.DeepEqual(got.PaymentIntentMetadata, wantMeta) {
		t.Errorf("metadata = %v, payment intent metadata = %v, want %v on both", got.Metadata, got.PaymentIntentMetadata, wantMeta)
	}
	if got.IdempotencyKey != "checkout-reg_1-1" || got.AmountTotal != 4500 || got.Currency != "eur" || got.ClientReferenceID != "reg_1" ||
		got.CustomerEmail != "parent@example.com" || got.ProductName != "U14 – Ana Lima" || got.Status != stripe.SessionStatusOpen {
		t.Errorf("session = %+v", got)
	}
	if !got.ExpiresAt.Equal(s.ExpiresAt) || s.URL != got.URL {
		t.Errorf("answered %+v, recorded %+v", s, got)
	}

	r, err := b.client.RetrieveCheckoutSession(t.Context(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := stripe.CheckoutSession{ID: s.ID, Status: "open", PaymentStatus: "unpaid", AmountTotal: 4500, HasAmountTotal: true, Currency: "eur",
		Metadata: wantMeta, ClientReferenceID: "reg_1", ExpiresAt: s.ExpiresAt}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("retrieved %+v\nwant %+v", r, want)
	}
}

func TestCreateSessionIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := checkoutParams("reg_1", "checkout-reg_1-1")
	var wg sync.WaitGroup
	got := make([]stripe.Session, 4)
	for i := range got {
		wg.Go(func() {
			s, err := b.client.CreateCheckoutSession(t.Context(), p)
			if err != nil {
				t.Errorf("attempt %d: %v", i, err)
			}
			got[i] = s
		})
	}
	wg.Wait()
	for _, s := range got[1:] {
		if s.ID != got[0].ID {
			t.Fatalf("one key gave sessions %s and %s", got[0].ID, s.ID)
		}
	}
	if n := len(b.fake.Sessions()); n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
	replayed := 0
	for _, r := range b.fake.RequestsTo(stripetest.EndpointCreateSession) {
		if r.Replayed {
			replayed++
		}
	}
	if replayed != 3 {
		t.Errorf("%d replays, want 3", replayed)
	}

	// The same key with other parameters is Stripe's idempotency_error.
	p.AmountCents = 100
	_, err := b.client.CreateCheckoutSession(t.Context(), p)
	if !errors.Is(err, stripe.ErrInvalidRequest) {
		t.Errorf("same key, other amount: err = %v, want ErrInvalidRequest", err)
	}
}

func TestCreateSessionValidates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for name, expires := range map[string]time.Time{
		"expires in 10 minutes": time.Now().Add(10 * time.Minute),
		"expires in 2 days":     time.Now().Add(48 * time.Hour),
	} {
		p := checkoutParams("reg_1", "k-"+name)
		p.ExpiresAt = expires
		if _, err := b.client.CreateCheckoutSession(t.Context(), p); !errors.Is(err, stripe.ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := len(b.fake.Sessions()); n != 0 {
		t.Errorf("%d sessions made by refused requests", n)
	}
}

func TestCompleteSessionDeliversAndRetrieves(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.mustSession(t, "reg_1")
	ev, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.client.RetrieveCheckoutSession(t.Context(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != stripe.SessionStatusComplete || got.PaymentStatus != stripe.PaymentStatusPaid || got.PaymentIntentID == "" {
		t.Errorf("retrieved %+v, want complete and paid with a payment intent", got)
	}
	delivered := b.hook.received()
	if len(delivered) != 1 || delivered[0].ID != ev.ID {
		t.Fatalf("delivered %+v, want %s", delivered, ev.ID)
	}
	// Webhook, return and events list read the same thing.
	want := got.CompletedEvent()
	want.ID, want.Created = ev.ID, ev.Created
	if !reflect.DeepEqual(delivered[0], want) {
		t.Errorf("webhook event %+v\nwant (from the retrieved session) %+v", delivered[0], want)
	}
	listed := b.listAll(t, stripe.ListEventsParams{Types: stripe.HandledEventTypes})
	if len(listed) != 1 || !reflect.DeepEqual(listed[0], delivered[0]) {
		t.Errorf("listed %+v\nwant %+v", listed, delivered[0])
	}

	if _, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{}); !errors.Is(err, stripetest.ErrState) {
		t.Errorf("paying twice: err = %v, want ErrState", err)
	}
}

func TestLostWebhookStillListed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.SetWebhookDelivery(false)
	s := b.mustSession(t, "reg_1")
	ev, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(b.hook.received()); n != 0 {
		t.Fatalf("%d events delivered with delivery off", n)
	}
	if listed := b.listAll(t, stripe.ListEventsParams{}); len(listed) != 1 || listed[0].ID != ev.ID || listed[0].PaymentStatus != "paid" {
		t.Fatalf("listed %+v", listed)
	}
	// A late delivery (Stripe retrying) reaches the webhook.
	if _, err := b.fake.Deliver(ev.ID); err != nil {
		t.Fatal(err)
	}
	if got := b.hook.received(); len(got) != 1 || got[0].ID != ev.ID {
		t.Errorf("delivered %+v", got)
	}
}

func TestFailingWebhookReported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.hook.status.Store(500)
	s := b.mustSession(t, "reg_1")
	_, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{})
	if !errors.Is(err, stripetest.ErrDeliveryFailed) {
		t.Fatalf("err = %v, want ErrDeliveryFailed", err)
	}
	if got, _ := b.fake.Session(s.ID); got.PaymentStatus != "paid" {
		t.Errorf("payment undone by a failed delivery: %+v", got)
	}
	if d := b.fake.Deliveries(); len(d) != 1 || d[0].StatusCode != 500 {
		t.Errorf("deliveries = %+v", d)
	}
}

func TestAsyncPayment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.mustSession(t, "reg_1")
	if _, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{Async: true}); err != nil {
		t.Fatal(err)
	}
	got, _ := b.client.RetrieveCheckoutSession(t.Context(), s.ID)
	if got.Status != "complete" || got.PaymentStatus != "unpaid" {
		t.Fatalf("after async completion: %+v", got)
	}
	if _, err := b.client.RefundPaymentIntent(t.Context(), got.PaymentIntentID, "r1", nil); !errors.Is(err, stripe.ErrInvalidRequest) {
		t.Errorf("refund of a pending payment: err = %v", err)
	}
	if _, err := b.fake.AsyncPaymentSucceeded(s.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = b.client.RetrieveCheckoutSession(t.Context(), s.ID)
	if got.PaymentStatus != "paid" {
		t.Errorf("after success: %+v", got)
	}
	var types []string
	for _, ev := range b.hook.received() {
		types = append(types, ev.Type+"/"+ev.PaymentStatus)
	}
	if want := []string{"checkout.session.completed/unpaid", "checkout.session.async_payment_succeeded/paid"}; !reflect.DeepEqual(types, want) {
		t.Errorf("delivered %v, want %v", types, want)
	}
	if _, err := b.fake.AsyncPaymentFailed(s.ID); !errors.Is(err, stripetest.ErrState) {
		t.Errorf("failing a settled payment: err = %v", err)
	}
}

func TestMismatchedAmountReported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.mustSession(t, "reg_1")
	if _, err := b.fake.CompleteSession(s.ID, stripetest.CompleteOptions{AmountTotal: 100, Currency: "usd"}); err != nil {
		t.Fatal(err)
	}
	if ev := b.hook.received()[0]; ev.AmountTotal != 100 || ev.Currency != "usd" {
		t.Errorf("event reports %d %s, want 100 usd", ev.AmountTotal, ev.Currency)
	}
}

func TestExpireSession(t *testing.T) {
	t.Parallel()
	b := setup(t)
	open := b.mustSession(t, "reg_1")
	got, err := b.client.ExpireCheckoutSession(t.Context(), open.ID, "cancel-reg_1-1")
	if err != nil || got.Status != stripe.SessionStatusExpired {
		t.Fatalf("expire: %+v, %v", got, err)
	}
	b.fake.WaitDeliveries()
	if d := b.hook.received(); len(d) != 1 || d[0].Type != stripe.EventCheckoutExpired || d[0].SessionID != open.ID {
		t.Errorf("delivered %+v, want checkout.session.expired", d)
	}
	if _, err := b.fake.CompleteSession(open.ID, stripetest.CompleteOptions{}); !errors.Is(err, stripetest.ErrState) {
		t.Errorf("paying an expired session: err = %v", err)
	}

	// Again, with another key: not open, and it says it is expired.
	again, err := b.client.ExpireCheckoutSession(t.Context(), open.ID, "cancel-reg_1-2")
	if !errors.Is(err, stripe.ErrSessionNotOpen) || again.Status != stripe.SessionStatusExpired {
		t.Errorf("expire twice: %+v, %v; want ErrSessionNotOpen with status expired", again, err)
	}

	paid := b.mustPaid(t, "reg_2")
	now, err := b.client.ExpireCheckoutSession(t.Context(), paid.ID, "")
	if !errors.Is(err, stripe.ErrSessionNotOpen) || now.Status != stripe.SessionStatusComplete || now.PaymentIntentID != paid.PaymentIntentID {
		t.Errorf("expire a paid session: %+v, %v; want ErrSessionNotOpen with the paid session", now, err)
	}
	if _, err := b.client.ExpireCheckoutSession(t.Context(), "cs_test_nope", ""); !errors.Is(err, stripe.ErrNotFound) {
		t.Errorf("expire unknown: %v", err)
	}
	if _, err := b.client.RetrieveCheckoutSession(t.Context(), "cs_test_nope"); !errors.Is(err, stripe.ErrNotFound) {
		t.Errorf("retrieve unknown: %v", err)
	}
}

func TestSessionExpiresOnItsOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.SetWebhookDelivery(false)
	s := b.mustSession(t, "reg_1")
	later := s.ExpiresAt.Add(time.Second)
	b.fake.SetClock(func() time.Time { return later })
	got, err := b.client.RetrieveCheckoutSession(t.Context(), s.ID)
	if err != nil || got.Status != stripe.SessionStatusExpired {
		t.Fatalf("past expires_at: %+v, %v", got, err)
	}
	events := b.fake.Events()
	if len(events) != 1 || events[0].Type != stripe.EventCheckoutExpired || !events[0].Created.Equal(later.Truncate(time.Second)) {
		t.Errorf("events = %+v", events)
	}
}
