package calendar_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	goical "github.com/emersion/go-ical"

	"basketball"
	"basketball/calendar"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustICS(t *testing.T, e calendar.Event) []byte {
	t.Helper()
	b, err := calendar.ICS(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustParse reads the object back with a second library (emersion's
// go-ical), so the writer is checked against an independent reader.
func mustParse(t *testing.T, b []byte) (*goical.Calendar, *goical.Event) {
	t.Helper()
	cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the object: %v\n%s", err, b)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	return cal, &events[0]
}

// TestEventAcrossDaylightSavingChange: booked in January (CST), the
// tryout is in April (CDT); both readers get the tryout's instants back,
// and so does the VTIMEZONE read on its own (for calendars that do not
// know the IANA name).
func TestEventAcrossDaylightSavingChange(t *testing.T) {
	t.Parallel()
	chicago := mustLoc(t, "America/Chicago")
	booked := time.Date(2027, 1, 10, 15, 4, 5, 0, chicago)
	start := time.Date(2027, 4, 10, 9, 0, 0, 0, chicago)
	end := start.Add(2 * time.Hour)
	if z1, _ := booked.Zone(); z1 != "CST" {
		t.Fatalf("booking zone %s", z1)
	}
	if z2, _ := start.Zone(); z2 != "CDT" {
		t.Fatalf("tryout zone %s", z2)
	}
	b := mustICS(t, calendar.Event{UID: "reg_1@tryouts.example.org", Sequence: 3, Summary: "U14 tryout – Max Lee",
		Description: "Your registration: https://tryouts.example.org/registrations/reg_1", URL: "https://tryouts.example.org/registrations/reg_1",
		Location: "Main Gym", Start: start.UTC(), End: end.UTC(), TimeZone: "America/Chicago", Stamp: booked})

	cal, ev := mustParse(t, b)
	gotStart, err := ev.DateTimeStart(nil)
	if err != nil {
		t.Fatal(err)
	}
	gotEnd, err := ev.DateTimeEnd(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !gotStart.Equal(start) || !gotEnd.Equal(end) {
		t.Errorf("go-ical reads %s – %s, want %s – %s", gotStart, gotEnd, start, end)
	}
	if p := ev.Props.Get(goical.PropDateTimeStart); p.Params.Get(goical.PropTimezoneID) != "America/Chicago" || p.Value != "20270410T090000" {
		t.Errorf("DTSTART = %+v, want 09:00 with TZID America/Chicago", p)
	}
	for prop, want := range map[string]string{goical.PropUID: "reg_1@tryouts.example.org", goical.PropSequence: "3",
		goical.PropLocation: "Main Gym", goical.PropSummary: "U14 tryout – Max Lee", goical.PropStatus: "CONFIRMED",
		goical.PropURL: "https://tryouts.example.org/registrations/reg_1"} {
		var got string
		var err error
		if p := ev.Props.Get(prop); p == nil {
			err = fmt.Errorf("missing")
		} else if p.ValueType() == goical.ValueText {
			got, err = p.Text()
		} else {
			got = p.Value
		}
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", prop, got, err, want)
		}
	}
	if d, _ := ev.Props.Text(goical.PropDescription); !strings.Contains(d, "https://tryouts.example.org/registrations/reg_1") {
		t.Errorf("DESCRIPTION %q lacks the registration link", d)
	}
	if m, _ := cal.Props.Text(goical.PropMethod); m != "PUBLISH" {
		t.Errorf("METHOD %q", m)
	}

	for name, want := range map[string]time.Time{goical.PropDateTimeStart: start, goical.PropDateTimeEnd: end} {
		if got := viaVTimezone(t, cal, ev.Props.Get(name)); !got.Equal(want) {
			t.Errorf("%s read through the VTIMEZONE alone is %s, want %s", name, got, want)
		}
	}

	// The first library reads it back too.
	c2, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c2.Events()[0].GetStartAt()
	if err != nil || !s2.Equal(start) {
		t.Errorf("golang-ical reads the start as %s (%v)", s2, err)
	}
}

// TestEventSpanningTheChange: a tryout from 1 AM to 4 AM on the night
// clocks go forward lasts two hours, and its end needs the transition in
// the VTIMEZONE.
func TestEventSpanningTheChange(t *testing.T) {
	t.Parallel()
	chicago := mustLoc(t, "America/Chicago")
	start := time.Date(2027, 3, 14, 1, 0, 0, 0, chicago)
	end := time.Date(2027, 3, 14, 4, 0, 0, 0, chicago)
	if end.Sub(start) != 2*time.Hour {
		t.Fatalf("span %s", end.Sub(start))
	}
	b := mustICS(t, calendar.Event{UID: "u@x", Summary: "Night", Start: start, End: end, TimeZone: "America/Chicago"})
	cal, ev := mustParse(t, b)
	if got := viaVTimezone(t, cal, ev.Props.Get(goical.PropDateTimeEnd)); !got.Equal(end) {
		t.Errorf("end through the VTIMEZONE: %s, want %s\n%s", got, end, b)
	}
	if got := viaVTimezone(t, cal, ev.Props.Get(goical.PropDateTimeStart)); !got.Equal(start) {
		t.Errorf("start through the VTIMEZONE: %s, want %s", got, start)
	}
	if !bytes.Contains(b, []byte("BEGIN:DAYLIGHT")) || !bytes.Contains(b, []byte("BEGIN:STANDARD")) {
		t.Errorf("VTIMEZONE lacks an observance:\n%s", b)
	}
}

// TestZones: zones east and west, south, half-hour offsets and UTC.
func TestZones(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"UTC", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Pacific/Auckland", "America/Phoenix"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc := mustLoc(t, zone)
			for _, month := range []time.Month{1, 4, 7, 10} {
				start := time.Date(2027, month, 20, 18, 30, 0, 0, loc)
				end := start.Add(90 * time.Minute)
				b := mustICS(t, calendar.Event{UID: "u@x", Summary: "S", Start: start, End: end, TimeZone: zone, Stamp: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
				cal, ev := mustParse(t, b)
				s, _ := ev.DateTimeStart(nil)
				e, _ := ev.DateTimeEnd(nil)
				if !s.Equal(start) || !e.Equal(end) {
					t.Errorf("%s: read %s – %s", start, s, e)
				}
				if got := viaVTimezone(t, cal, ev.Props.Get(goical.PropDateTimeStart)); !got.Equal(start) {
					t.Errorf("%s through the VTIMEZONE: %s\n%s", start, got, b)
				}
			}
		})
	}
}

// TestTextIsEscapedAndFolded: commas, semicolons, backslashes and line
// breaks in values survive; no line is longer than 75 octets; lines end
// in CRLF.
func TestTextIsEscapedAndFolded(t *testing.T) {
	t.Parallel()
	loc := "Gym B; door 3, 1200 Oak St \\ back entrance\nPark in lot C – ünïcödé " + strings.Repeat("long ", 30)
	desc := strings.Repeat("Bring water, shoes; and a ball. ", 10)
	start := time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC)
	b := mustICS(t, calendar.Event{UID: "u@x", Summary: "A, B; C", Description: desc, Location: loc, Start: start, End: start.Add(time.Hour), TimeZone: "Europe/Paris"})
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("line %d has a bare LF", i+1)
		}
	}
	_, ev := mustParse(t, b)
	for prop, want := range map[string]string{goical.PropLocation: loc, goical.PropDescription: desc, goical.PropSummary: "A, B; C"} {
		if got, _ := ev.Props.Text(prop); got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
}

func TestInvalidEvents(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC)
	ok := calendar.Event{UID: "u@x", Summary: "S", Start: start, End: start.Add(time.Hour), TimeZone: "UTC"}
	for name, mut := range map[string]func(e *calendar.Event){
		"no UID":        func(e *calendar.Event) { e.UID = " " },
		"no summary":    func(e *calendar.Event) { e.Summary = "" },
		"end first":     func(e *calendar.Event) { e.End = start.Add(-time.Minute) },
		"unknown zone":  func(e *calendar.Event) { e.TimeZone = "Mars/Olympus" },
		"bad status":    func(e *calendar.Event) { e.Status = "MAYBE" },
		"negative seq":  func(e *calendar.Event) { e.Sequence = -1 },
		"no start time": func(e *calendar.Event) { e.Start = time.Time{} },
	} {
		e := ok
		mut(&e)
		if _, err := calendar.ICS(e); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := calendar.ICS(ok); err != nil {
		t.Errorf("valid event: %v", err)
	}
}

func TestForRegistration(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC)
	tr := basketball.Tryout{Name: "U12", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "America/Denver", Location: "Gym"}
	reg := basketball.Registration{ID: "reg_abc", Status: basketball.StatusPaid, PlayerFirstName: "Max", PlayerLastName: "Lee"}
	e := calendar.ForRegistration(reg, tr, "Tigers", "https://tryouts.example.org:8443/base/", 2, start)
	if e.UID != "reg_abc@tryouts.example.org" || e.Sequence != 2 || e.URL != "https://tryouts.example.org:8443/base/registrations/reg_abc" ||
		e.Status != calendar.StatusConfirmed || !strings.Contains(e.Description, e.URL) || e.Summary != "U12 – Max Lee" {
		t.Errorf("event = %+v", e)
	}
	for status, want := range map[string]string{basketball.StatusPending: calendar.StatusTentative, basketball.StatusRefunded: calendar.StatusCanceled,
		basketball.StatusCanceled: calendar.StatusCanceled, basketball.StatusExpired: calendar.StatusCanceled} {
		reg.Status = status
		if got := calendar.ForRegistration(reg, tr, "T", "http://x", 0, start).Status; got != want {
			t.Errorf("%s registration: event status %s, want %s", status, got, want)
		}
	}
}

func TestSequenceGrowsWithChanges(t *testing.T) {
	t.Parallel()
	n := func(kind, key string) basketball.Notification {
		return basketball.Notification{Kind: kind, DedupeKey: key}
	}
	if got := calendar.Sequence(nil); got != 0 {
		t.Errorf("no changes: %d", got)
	}
	got := calendar.Sequence([]basketball.Notification{n(basketball.NotifyConfirmation, ""), n(basketball.NotifyTryoutChanged, "2"),
		n(basketball.NotifyTryoutChanged, "10"), n(basketball.NotifyTryoutChanged, "9"), n(basketball.NotifyReminder, "")})
	if got != 10 {
		t.Errorf("sequence %d, want 10 (the highest change counter)", got)
	}
}

// viaVTimezone converts a DATE-TIME with TZID to an instant using only the
// VTIMEZONE of the object (RFC 5545 3.6.5): the offset is that of the
// observance with the latest onset at or before the time.
func viaVTimezone(t *testing.T, cal *goical.Calendar, p *goical.Prop) time.Time {
	t.Helper()
	tzid := p.Params.Get(goical.PropTimezoneID)
	local, err := time.Parse("20060102T150405", p.Value)
	if err != nil {
		t.Fatalf("%s value %q: %v", p.Name, p.Value, err)
	}
	type onset struct {
		at time.Time // UTC
		to int
	}
	var onsets []onset
	for _, c := range cal.Children {
		if c.Name != goical.CompTimezone {
			continue
		}
		if id, _ := c.Props.Text(goical.PropTimezoneID); id != tzid {
			continue
		}
		for _, o := range c.Children {
			from := mustOffset(t, o.Props.Get(goical.PropTimezoneOffsetFrom).Value)
			to := mustOffset(t, o.Props.Get(goical.PropTimezoneOffsetTo).Value)
			if o.Props.Get(goical.PropRecurrenceRule) != nil || o.Props.Get(goical.PropRecurrenceDates) != nil {
				t.Fatalf("observance with a recurrence: this reader handles single onsets only")
			}
			at, err := time.Parse("20060102T150405", o.Props.Get(goical.PropDateTimeStart).Value)
			if err != nil {
				t.Fatal(err)
			}
			onsets = append(onsets, onset{at.Add(-time.Duration(from) * time.Second), to})
		}
	}
	if len(onsets) == 0 {
		t.Fatalf("no VTIMEZONE for TZID %q", tzid)
	}
	var best *onset
	for i := range onsets {
		o := &onsets[i]
		instant := local.Add(-time.Duration(o.to) * time.Second)
		if !o.at.After(instant) && (best == nil || o.at.After(best.at)) {
			best = o
		}
	}
	if best == nil {
		t.Fatalf("no observance covers %s", p.Value)
	}
	return local.Add(-time.Duration(best.to) * time.Second)
}

func mustOffset(t *testing.T, v string) int {
	t.Helper()
	if len(v) != 5 && len(v) != 7 {
		t.Fatalf("UTC offset %q", v)
	}
	sign := 1
	if v[0] == '-' {
		sign = -1
	} else if v[0] != '+' {
		t.Fatalf("UTC offset %q", v)
	}
	h, _ := strconv.Atoi(v[1:3])
	m, _ := strconv.Atoi(v[3:5])
	s := 0
	if len(v) == 7 {
		s, _ = strconv.Atoi(v[5:7])
	}
	return sign * (h*3600 + m*60 + s)
}

// Example output, for a reader of this package.
func ExampleICS() {
	chicago, _ := time.LoadLocation("America/Chicago")
	start := time.Date(2027, 4, 10, 9, 0, 0, 0, chicago)
	b, _ := calendar.ICS(calendar.Event{UID: "reg_1@tryouts.example.org", Summary: "U14 tryout", Location: "Main Gym",
		Start: start, End: start.Add(2 * time.Hour), TimeZone: "America/Chicago", Stamp: time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)})
	for _, line := range strings.Split(string(b), "\r\n") {
		if strings.HasPrefix(line, "DTSTART;") || strings.HasPrefix(line, "DTEND;") {
			fmt.Println(line)
		}
	}
	// Output:
	// DTSTART;TZID=America/Chicago:20270410T090000
	// DTEND;TZID=America/Chicago:20270410T110000
}
