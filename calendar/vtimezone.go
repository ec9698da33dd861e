package calendar

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"
)

// vtimezoneLookback is how far before the event the VTIMEZONE starts: a
// year, so that a zone with daylight saving time shows both its standard
// and its daylight observance, which some calendars expect.
const vtimezoneLookback = -1 // years

// vtimezone describes loc from a year before start until end, as RFC 5545
// wants (3.6.5): one observance (STANDARD or DAYLIGHT) per change of
// offset, each with its onset as a single DTSTART in the local time before
// the change, TZOFFSETFROM and TZOFFSETTO. Explicit onsets rather than
// recurrence rules: Go's zone database gives the transitions, not the
// rules, and a short list of onsets describes those dates exactly.
func vtimezone(tzid string, loc *time.Location, start, end time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(tzid)
	t := start.AddDate(vtimezoneLookback, 0, 0).In(loc)
	onset, next := t.ZoneBounds()
	if onset.IsZero() {
		// No transition before t (UTC, or before the zone's first
		// rule): the offset applies from the epoch of most calendars.
		onset = time.Date(1970, 1, 1, 0, 0, 0, 0, loc)
	}
	tz.Components = append(tz.Components, observance(onset.In(loc)))
	for !next.IsZero() && !next.After(end) {
		tz.Components = append(tz.Components, observance(next.In(loc)))
		_, next = next.In(loc).ZoneBounds()
	}
	return tz
}

// observance is the STANDARD or DAYLIGHT component whose offset starts at
// onset.
func observance(onset time.Time) ics.Component {
	name, to := onset.Zone()
	_, from := onset.Add(-time.Second).Zone()
	base := ics.ComponentBase{}
	// The onset is written in the local time in force before it.
	base.SetProperty(ics.ComponentPropertyDtStart, onset.In(time.FixedZone("", from)).Format("20060102T150405"))
	base.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(from))
	base.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(to))
	if name != "" {
		base.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	}
	if onset.IsDST() {
		return &ics.Daylight{ComponentBase: base}
	}
	return &ics.Standard{ComponentBase: base}
}

// utcOffset writes seconds east of UTC as RFC 5545's UTC-OFFSET: +HHMM, or
// +HHMMSS when seconds are needed.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	h, m, s := seconds/3600, seconds/60%60, seconds%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
