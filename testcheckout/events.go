package testcheckout

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"basketball/stripe"
)

// event is one event the test checkout made, as Stripe keeps it.
type event struct {
	id, typ   string
	created   time.Time
	payload   []byte
	sessionID string
	seq       int    // order of making, for events of the same second
	delivery  string // what became of its delivery, shown on the page
}

// Delivery outcomes shown on the checkout page.
const (
	deliveryPending   = "being delivered"
	deliveryDone      = "delivered"
	deliverySkipped   = "not sent (webhooks are off)"
	deliveryFailedFmt = "not delivered: %v"
)

// record keeps a Stripe-format event built by the stripe package; lock
// held.
func (c *Checkout) record(sessionID string, payload []byte) *event {
	ev, _ := stripe.ParseEvent(payload) // our own builders: always readable
	e := &event{id: ev.ID, typ: ev.Type, created: ev.Created, payload: payload, sessionID: sessionID, seq: len(c.events)}
	c.events = append(c.events, e)
	return e
}

// newestFirst is Stripe's list order; lock held.
func (c *Checkout) newestFirst() []*event {
	out := slices.Clone(c.events)
	slices.SortFunc(out, func(a, b *event) int {
		return cmp.Or(b.created.Compare(a.created), cmp.Compare(b.seq, a.seq))
	})
	return out
}

// deliverLater delivers ev in the background, as Stripe does after an API
// call: the service may be inside a transaction while it awaits our
// answer. Lock held.
func (c *Checkout) deliverLater(ev *event) {
	if c.NoWebhooks {
		ev.delivery = deliverySkipped
		return
	}
	ev.delivery = deliveryPending
	c.deliveries.Add(1)
	go func() {
		defer c.deliveries.Done()
		c.deliver(context.Background(), ev)
	}()
}

// deliver posts ev to the webhook now, unless webhooks are off, and notes
// the outcome. Lock not held.
func (c *Checkout) deliver(ctx context.Context, ev *event) {
	outcome := deliverySkipped
	if !c.NoWebhooks {
		outcome = deliveryDone
		if err := c.send(ctx, ev.payload); err != nil {
			outcome = fmt.Sprintf(deliveryFailedFmt, err)
		}
	}
	c.mu.Lock()
	ev.delivery = outcome
	c.mu.Unlock()
}

// send posts a signed event to the webhook, as Stripe would.
func (c *Checkout) send(ctx context.Context, payload []byte) error {
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.WebhookURL, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", stripe.SignPayload(payload, c.WebhookSecret, c.now()))
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %d: %s", res.StatusCode, bytes.TrimSpace(body))
	}
	return nil
}
