// Package calendar writes a registration's tryout as an iCalendar object
// (RFC 5545), the .ics that the confirmation and change emails carry and
// that /registrations/{id}/calendar.ics serves.
//
// Objects are written with github.com/arran4/golang-ical, which folds
// lines at 75 octets and escapes text values; this package adds what that
// library leaves to its callers: times in the tryout's own zone (DTSTART
// and DTEND with TZID) and the VTIMEZONE that defines that zone, built
// from Go's time zone database. Times are written in the tryout's zone
// rather than in UTC so that a calendar shows the event in the zone the
// club announced it in and keeps it at the same wall-clock time if the
// zone's rules change before the tryout; calendars that know the IANA
// name use their own rules, others use the VTIMEZONE.
//
// An event keeps its UID for ever (one per registration) and carries a
// SEQUENCE that grows with each change of the tryout, so a calendar
// replaces the event it imported earlier instead of adding a second one.
package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ContentType is the media type of what ICS returns; the method says the
// object publishes an event (no invitation to answer).
const ContentType = "text/calendar; charset=utf-8; method=PUBLISH"

// FileName is the name the .ics goes by in emails and downloads.
const FileName = "tryout.ics"

// productID identifies the writer in PRODID.
const productID = "-//basketball-api//Tryout registration//EN"

// Event is one tryout as a parent's calendar should show it.
type Event struct {
	// UID identifies the event for ever, e.g. "reg_…@tryouts.example.org".
	UID string
	// Sequence grows with each change, so calendars take the newer copy.
	Sequence int
	Summary  string
	// Description is plain text; URL is the registration's page.
	Description string
	URL         string
	Location    string
	// Start and End are instants, written as wall-clock times of TimeZone
	// (an IANA name such as "America/Chicago").
	Start, End time.Time
	TimeZone   string
	// Stamp is when this copy was made (DTSTAMP); zero is now.
	Stamp time.Time
	// Status is StatusConfirmed (the default), StatusTentative or
	// StatusCanceled.
	Status string
}

// Event statuses (RFC 5545 STATUS of a VEVENT).
const (
	StatusConfirmed = string(ics.ObjectStatusConfirmed)
	StatusTentative = string(ics.ObjectStatusTentative)
	StatusCanceled  = string(ics.ObjectStatusCancelled)
)

// ICS returns the event as an iCalendar object with CRLF line ends.
func ICS(e Event) ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("calendar: time zone %q: %w", e.TimeZone, err)
	}
	stamp := e.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}

	cal := ics.NewCalendarFor("basketball-api")
	cal.SetProductId(productID)
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.AddVTimezone(vtimezone(e.TimeZone, loc, e.Start, e.End))

	ev := cal.AddEvent(e.UID)
	ev.SetDtStampTime(stamp)
	ev.SetSequence(e.Sequence)
	ev.SetProperty(ics.ComponentPropertyDtStart, localTime(e.Start, loc), ics.WithTZID(e.TimeZone))
	ev.SetProperty(ics.ComponentPropertyDtEnd, localTime(e.End, loc), ics.WithTZID(e.TimeZone))
	ev.SetSummary(e.Summary)
	if e.Location != "" {
		ev.SetLocation(e.Location)
	}
	if e.Description != "" {
		ev.SetDescription(e.Description)
	}
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	status := e.Status
	if status == "" {
		status = StatusConfirmed
	}
	ev.SetStatus(ics.ObjectStatus(status))
	ev.SetTimeTransparency(ics.TransparencyOpaque)

	var b strings.Builder
	// RFC 5545 lines end in CRLF; the library writes LF unless told.
	if err := cal.SerializeTo(&b, ics.WithNewLine("\r\n")); err != nil {
		return nil, fmt.Errorf("calendar: write: %w", err)
	}
	return []byte(b.String()), nil
}

func (e Event) validate() error {
	var errs []error
	if strings.TrimSpace(e.UID) == "" {
		errs = append(errs, errors.New("a UID is required"))
	}
	if strings.TrimSpace(e.Summary) == "" {
		errs = append(errs, errors.New("a summary is required"))
	}
	if e.TimeZone == "" {
		errs = append(errs, errors.New("a time zone is required"))
	}
	if e.Start.IsZero() || e.End.IsZero() {
		errs = append(errs, errors.New("the start and end times are required"))
	} else if !e.End.After(e.Start) {
		errs = append(errs, errors.New("the end must be after the start"))
	}
	switch e.Status {
	case "", StatusConfirmed, StatusTentative, StatusCanceled:
	default:
		errs = append(errs, fmt.Errorf("status %q is not an event status", e.Status))
	}
	if e.Sequence < 0 {
		errs = append(errs, errors.New("the sequence must not be negative"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("calendar: invalid event: %w", errors.Join(errs...))
	}
	return nil
}

// localTime is a DATE-TIME "with local time and time zone reference"
// (RFC 5545 3.3.5, form 3): the wall clock of loc, without a Z.
func localTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("20060102T150405")
}
