package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	sgo "github.com/stripe/stripe-go/v85"
)

// Limits of Stripe's events list.
const (
	// MaxEventTypes is how many types one events list call may filter on.
	MaxEventTypes = 20
	// MaxPageSize is the largest page Stripe serves; ListEvents uses it
	// unless told otherwise.
	MaxPageSize = 100
	// EventRetention is how long Stripe keeps events: the list holds
	// nothing older.
	EventRetention = 30 * 24 * time.Hour
)

// ListEventsParams selects events from Stripe's events list.
type ListEventsParams struct {
	// CreatedGTE keeps events created at or after this time (whole
	// seconds); zero means no bound (Stripe keeps 30 days).
	CreatedGTE time.Time
	// Types keeps events of these types (at most MaxEventTypes); nil means
	// every type. Reconciliation passes HandledEventTypes.
	Types []string
	// PageSize is the number of events per request, 1 to MaxPageSize; zero
	// means MaxPageSize.
	PageSize int64
	// OldestFirst yields events in the order they were created. Stripe
	// lists newest first, so this reads the whole selection before the
	// first event is yielded.
	OldestFirst bool
}

// Validate reports what ListEvents would refuse before calling Stripe: an
// *Error matching ErrInvalidRequest, or nil.
func (p ListEventsParams) Validate() error {
	if detail := p.invalid(); detail != "" {
		return invalidParams(opListEvents, detail)
	}
	return nil
}

func (p ListEventsParams) invalid() string {
	switch {
	case len(p.Types) > MaxEventTypes:
		return fmt.Sprintf("at most %d event types per call, got %d", MaxEventTypes, len(p.Types))
	case slices.Contains(p.Types, ""):
		return "empty event type"
	case p.PageSize < 0 || p.PageSize > MaxPageSize:
		return fmt.Sprintf("PageSize %d must be between 1 and %d", p.PageSize, MaxPageSize)
	}
	return ""
}

func (p ListEventsParams) sdkParams() *sgo.EventListParams {
	lp := &sgo.EventListParams{}
	size := p.PageSize
	if size == 0 {
		size = MaxPageSize
	}
	lp.Limit = sgo.Int64(size)
	if !p.CreatedGTE.IsZero() {
		lp.CreatedRange = &sgo.RangeQueryParams{GreaterThanOrEqual: p.CreatedGTE.Unix()}
	}
	for _, t := range p.Types {
		lp.Types = append(lp.Types, sgo.String(t))
	}
	return lp
}

const opListEvents = "list events"

// ListEvents reads Stripe's events list (GET /v1/events) through
// stripe-go's list iterator, which pages with starting_after. Events come
// newest first, as Stripe lists them, unless p.OldestFirst.
//
// Each event is read by [ParseEvent], the webhook's own decoding. The
// iterator yields two kinds of error:
//   - ErrMalformed with the event as far as it could be read: that one
//     event is odd; record it as the webhook would, and keep iterating.
//   - an *Error (ErrUnavailable or ErrInvalidRequest): the listing failed;
//     it is the last value yielded.
//
// Each request is bounded by Config.Timeout; bound the whole listing with
// ctx.
func (c *Client) ListEvents(ctx context.Context, p ListEventsParams) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if err := p.Validate(); err != nil {
			yield(Event{}, err)
			return
		}
		events := c.listEvents(ctx, p)
		if !p.OldestFirst {
			events(yield)
			return
		}
		type item struct {
			ev  Event
			err error
		}
		var all []item
		for ev, err := range events {
			if _, failed := errors.AsType[*Error](err); failed {
				yield(Event{}, err) // yield nothing of a listing that failed
				return
			}
			all = append(all, item{ev, err})
		}
		for _, it := range slices.Backward(all) {
			if !yield(it.ev, it.err) {
				return
			}
		}
	}
}

// listEvents yields events newest first, as the SDK pages through them.
func (c *Client) listEvents(ctx context.Context, p ListEventsParams) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		// A server that ignored starting_after would make the SDK page
		// forever; a repeated id ends the listing instead.
		seen := map[string]bool{}
		for sev, err := range c.sc.V1Events.List(ctx, p.sdkParams()).All(ctx) {
			if err != nil {
				yield(Event{}, c.wrapErr(opListEvents, err))
				return
			}
			if seen[sev.ID] {
				yield(Event{}, &Error{Op: opListEvents, Kind: ErrUnavailable, Detail: "the list repeats event " + sev.ID})
				return
			}
			seen[sev.ID] = true
			ev, err := ParseEvent(rawEvent(sev))
			if ev.ID == "" {
				// Every listed event has an id; without one the caller
				// could neither dedupe nor tell it from a failed listing.
				ev.ID = sev.ID
			}
			if !yield(ev, err) {
				return
			}
		}
	}
}

// rawEvent returns the event's JSON as Stripe sent it: the SDK keeps each
// listed item's own JSON in its LastResponse.
func rawEvent(sev *sgo.Event) []byte {
	if sev.LastResponse != nil && len(sev.LastResponse.RawJSON) > 0 {
		return sev.LastResponse.RawJSON
	}
	// Not expected; the SDK's own encoding keeps data.object raw.
	b, _ := json.Marshal(sev)
	return b
}
