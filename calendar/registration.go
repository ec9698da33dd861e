package calendar

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"basketball"
)

// ForRegistration is the event of a registration's tryout t, run by the
// club named clubName; publicURL is the service's PUBLIC_URL and sequence
// comes from Sequence.
func ForRegistration(reg basketball.Registration, t basketball.Tryout, clubName, publicURL string, sequence int, now time.Time) Event {
	page := RegistrationURL(publicURL, reg.ID)
	player := strings.TrimSpace(reg.PlayerFirstName + " " + reg.PlayerLastName)
	return Event{
		UID:         UID(reg.ID, publicURL),
		Sequence:    sequence,
		Summary:     t.Name + " – " + player,
		Description: player + " is registered for " + t.Name + " with " + clubName + ".\nYour registration: " + page,
		URL:         page,
		Location:    t.Location,
		Start:       t.StartsAt,
		End:         t.EndsAt,
		TimeZone:    t.TimeZone,
		Stamp:       now,
		Status:      eventStatus(reg.Status),
	}
}

// eventStatus: a paid registration's event is confirmed, a pending one's
// tentative (the seat is only held), any other's canceled.
func eventStatus(status string) string {
	switch {
	case status == basketball.StatusPaid:
		return StatusConfirmed
	case basketball.HoldsSeat(status):
		return StatusTentative
	}
	return StatusCanceled
}

// RegistrationURL is the registration's page under publicURL.
func RegistrationURL(publicURL, regID string) string {
	return strings.TrimRight(publicURL, "/") + "/registrations/" + url.PathEscape(regID)
}

// UID is the registration's event UID: its id at the service's host, the
// same in every email and download, so a calendar keeps one event.
func UID(regID, publicURL string) string {
	host := "basketball-api"
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return regID + "@" + host
}

// Sequence is the SEQUENCE of a registration's event, from its
// notifications: the highest change counter (the dedupe key) of its
// tryout_changed notifications, or 0 before any change. The counter grows
// with each change of the tryout, so each change email's event, and the
// download after it, supersedes every earlier copy.
func Sequence(ns []basketball.Notification) int {
	seq := 0
	for _, n := range ns {
		if n.Kind != basketball.NotifyTryoutChanged {
			continue
		}
		if c, err := strconv.Atoi(n.DedupeKey); err == nil && c > seq {
			seq = c
		}
	}
	return seq
}
