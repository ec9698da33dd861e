package stripetest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Event is an event the fake recorded, as Stripe would list it.
type Event struct {
	ID      string
	Type    string
	Created time.Time
	JSON    []byte // the event as the events list and the webhook carry it
}

type event struct {
	Event
	seq       int  // order of recording, for events created in the same second
	delivered bool // a webhook delivery answered 2xx
}

// addEvent records a Stripe-format event; lock held. payload comes from
// the stripe package's builders, so its envelope is known to be readable.
func (s *Server) addEvent(payload []byte) *event {
	var env struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Created int64  `json:"created"`
	}
	_ = json.Unmarshal(payload, &env)
	ev := &event{Event: Event{ID: env.ID, Type: env.Type, Created: time.Unix(env.Created, 0).UTC(), JSON: payload}, seq: len(s.events)}
	s.events = append(s.events, ev)
	return ev
}

// AddEvent records any event in Stripe's JSON format (built with the
// stripe package's builders, or by hand: another metadata.type, an odd
// shape) as if Stripe had made it. It is listed, not delivered; use Deliver
// for that.
func (s *Server) AddEvent(payload []byte) (Event, error) {
	var env struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Created int64  `json:"created"`
	}
	if err := json.Unmarshal(payload, &env); err != nil || env.ID == "" || env.Type == "" || env.Created == 0 {
		return Event{}, errors.New("stripetest: AddEvent needs a JSON event with id, type and created")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findEvent(env.ID) != nil {
		return Event{}, fmt.Errorf("stripetest: event %s exists", env.ID)
	}
	return s.addEvent(payload).Event, nil
}

// Events returns every recorded event, oldest first.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, 0, len(s.events))
	for _, ev := range s.sorted() {
		out = append(out, ev.Event)
	}
	slices.Reverse(out)
	return out
}

func (s *Server) findEvent(id string) *event {
	for _, ev := range s.events {
		if ev.ID == id {
			return ev
		}
	}
	return nil
}

// sorted returns the events newest first, Stripe's list order; lock held.
func (s *Server) sorted() []*event {
	out := slices.Clone(s.events)
	slices.SortFunc(out, func(a, b *event) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.seq, a.seq))
	})
	return out
}

func (s *Server) retrieveEvent(r *apiRequest) response {
	ev := s.findEvent(r.r.PathValue("id"))
	if ev == nil {
		return noSuch("event", r.r.PathValue("id"), "")
	}
	return response{status: http.StatusOK, body: ev.JSON}
}

// listEvents serves GET /v1/events: filters, then a page newest first.
func (s *Server) listEvents(r *apiRequest) response {
	p := r.params
	limit := 10
	if v := p.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return invalidRequest(400, "parameter_invalid_integer", "limit", "This value must be between 1 and 100 (it currently is '"+v+"').")
		}
		limit = n
	}
	keep, res := eventFilter(p)
	if keep == nil {
		return res
	}
	all := s.sorted()
	// The cursors place the page relative to an event of the whole list,
	// which need not pass the filters.
	after, before := p.Get("starting_after"), p.Get("ending_before")
	if after != "" && before != "" {
		return invalidRequest(400, "", "starting_after", "You may only specify one of these parameters: ending_before, starting_after.")
	}
	lo, hi := 0, len(all) // the candidates are all[lo:hi]
	for _, c := range []struct{ param, id string }{{"starting_after", after}, {"ending_before", before}} {
		if c.id == "" {
			continue
		}
		i := slices.IndexFunc(all, func(ev *event) bool { return ev.ID == c.id })
		if i < 0 {
			return invalidRequest(400, "resource_missing", c.param, "No such event: '"+c.id+"'")
		}
		if c.param == "starting_after" {
			lo = i + 1
		} else {
			hi = i
		}
	}
	var matched []*event
	for _, ev := range all[lo:hi] {
		if keep(ev) {
			matched = append(matched, ev)
		}
	}
	page := matched
	if len(page) > limit {
		if before != "" {
			page = page[len(page)-limit:] // the ones just before the cursor
		} else {
			page = page[:limit]
		}
	}
	data := make([]json.RawMessage, len(page))
	for i, ev := range page {
		data[i] = ev.JSON
	}
	return ok(map[string]any{"object": "list", "url": "/v1/events", "has_more": len(matched) > limit, "data": data})
}

// eventFilter reads the list's filters: created (exact or [gt], [gte],
// [lt], [lte]), types[] or type (a trailing * matches a prefix),
// delivery_success. It returns nil and Stripe's refusal when one is bad.
func eventFilter(p map[string][]string) (func(*event) bool, response) {
	var preds []func(*event) bool
	for key, vals := range p {
		switch {
		case key == "created" || strings.HasPrefix(key, "created["):
			sec, err := strconv.ParseInt(vals[0], 10, 64)
			if err != nil {
				return nil, invalidRequest(400, "parameter_invalid_integer", key, "Invalid integer: "+vals[0])
			}
			op := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(key, "created"), "["), "]")
			cmpOK := map[string]func(int) bool{
				"": func(c int) bool { return c == 0 }, "gt": func(c int) bool { return c > 0 }, "gte": func(c int) bool { return c >= 0 },
				"lt": func(c int) bool { return c < 0 }, "lte": func(c int) bool { return c <= 0 },
			}[op]
			if cmpOK == nil {
				return nil, invalidRequest(400, "parameter_unknown", key, "Received unknown parameter: "+key)
			}
			preds = append(preds, func(ev *event) bool { return cmpOK(cmp.Compare(ev.Created.Unix(), sec)) })
		case key == "types" || key == "types[]" || strings.HasPrefix(key, "types["):
			// Collected below, all forms together.
		case key == "type":
			pattern := vals[0]
			preds = append(preds, func(ev *event) bool {
				prefix, wildcard := strings.CutSuffix(pattern, "*")
				return ev.Type == pattern || (wildcard && strings.HasPrefix(ev.Type, prefix))
			})
		case key == "delivery_success":
			want := vals[0] == "true"
			preds = append(preds, func(ev *event) bool { return ev.delivered == want })
		case key == "limit" || key == "starting_after" || key == "ending_before":
		default:
			return nil, invalidRequest(400, "parameter_unknown", key, "Received unknown parameter: "+key)
		}
	}
	var types []string
	for key, vals := range p {
		if key == "types" || strings.HasPrefix(key, "types[") {
			types = append(types, vals...)
		}
	}
	if len(types) > 20 {
		return nil, invalidRequest(400, "", "types", "You may pass at most 20 types.")
	}
	if len(types) > 0 {
		if _, both := p["type"]; both {
			return nil, invalidRequest(400, "", "types", "You may pass either type or types, but not both.")
		}
		preds = append(preds, func(ev *event) bool { return slices.Contains(types, ev.Type) })
	}
	return func(ev *event) bool {
		for _, keep := range preds {
			if !keep(ev) {
				return false
			}
		}
		return true
	}, response{}
}
