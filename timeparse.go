package basketball

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// wallLayouts are the wall-clock forms, read in a time zone.
var wallLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// ParseTime reads a time the way every command, form and API body does:
// RFC 3339 with an offset (seconds optional), a wall-clock time in loc, or
// a date (YYYY-MM-DD, dateOnly; the time is then the start of that day in
// loc). A wall-clock time the zone skips (a daylight-saving gap) or passes
// twice (an overlap) is refused with a message saying how to give it with
// an offset; Go's time package would silently pick an hour. zone names loc
// in messages and zoneField the field or flag that gives it; a nil loc
// takes only RFC 3339.
func ParseTime(s string, loc *time.Location, zone, zoneField string) (t time.Time, dateOnly bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, fmt.Errorf("is required")
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, false, nil
		}
	}
	wall, dateOnly, ok := parseWall(s)
	if !ok {
		return time.Time{}, false, fmt.Errorf("%q is not a time: give RFC 3339 with an offset (2027-01-09T09:00:00-06:00), "+
			"a wall-clock time (2027-01-09T09:00) or a date (2027-01-09)", s)
	}
	if loc == nil {
		return time.Time{}, false, fmt.Errorf("%q has no offset, and %s is not valid to read it in", s, zoneField)
	}
	instants, before, after := wallInstants(wall, loc)
	switch {
	case len(instants) == 1:
		return instants[0], dateOnly, nil
	case dateOnly && len(instants) == 0:
		// Midnight skipped: the day starts when the clocks change.
		return wall.Add(-time.Duration(before) * time.Second), true, nil
	case dateOnly:
		return instants[0], true, nil
	case len(instants) == 0:
		gap := time.Duration(after-before) * time.Second
		later := wall.Add(-time.Duration(before) * time.Second).In(loc) // the same clock reading, moved past the gap
		return time.Time{}, false, fmt.Errorf("%s does not exist in %s: the clocks skip ahead %s that night for daylight saving time; "+
			"give a time that exists, such as %s (%s later), or an explicit offset in RFC 3339, such as %s",
			s, zone, hours(gap), later.Format("2006-01-02T15:04"), hours(gap), later.Format(time.RFC3339))
	}
	return time.Time{}, false, fmt.Errorf("%s happens twice in %s: the clocks go back %s that night; give an explicit offset in RFC 3339: "+
		"%s for the first, %s for the second",
		s, zone, hours(time.Duration(before-after)*time.Second), instants[0].In(loc).Format(time.RFC3339), instants[1].In(loc).Format(time.RFC3339))
}

// parseWall reads a wall-clock time or a date as UTC fields.
func parseWall(s string) (wall time.Time, dateOnly, ok bool) {
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, false, true
		}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

// wallInstants returns every instant at which loc's clocks read wall
// (whose fields are taken as written, in UTC): none in a gap, two in an
// overlap. before and after are loc's UTC offsets, in seconds, a day
// before and after it.
func wallInstants(wall time.Time, loc *time.Location) (instants []time.Time, before, after int) {
	_, before = wall.Add(-26 * time.Hour).In(loc).Zone()
	_, after = wall.Add(26 * time.Hour).In(loc).Zone()
	seen := map[int64]bool{}
	for _, probe := range []time.Time{wall.Add(-26 * time.Hour), wall, wall.Add(26 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		t := wall.Add(-time.Duration(off) * time.Second)
		if seen[t.Unix()] || !sameWall(t.In(loc), wall) {
			continue
		}
		seen[t.Unix()] = true
		instants = append(instants, t)
	}
	sort.Slice(instants, func(i, j int) bool { return instants[i].Before(instants[j]) })
	return instants, before, after
}

func sameWall(local, wall time.Time) bool {
	y1, m1, d1 := local.Date()
	y2, m2, d2 := wall.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && local.Hour() == wall.Hour() && local.Minute() == wall.Minute() && local.Second() == wall.Second()
}

// hours says a clock change in words.
func hours(d time.Duration) string {
	switch d {
	case time.Hour:
		return "one hour"
	case 30 * time.Minute:
		return "30 minutes"
	}
	return d.String()
}

// LoadZone loads an IANA time zone a person gave, or says why it cannot
// ("Local", the server's own zone, is refused).
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, fmt.Errorf("is required (an IANA time zone such as America/Chicago)")
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("%q is not a known IANA time zone (such as America/Chicago or UTC)", name)
	}
	return loc, nil
}
