package email

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Tryout is what every email about a registration says of it: who is
// registered for what, when and where. Callers fill it from the database.
type Tryout struct {
	// From is the club's sender address (or MAIL_FROM); To the parent's.
	From, To string

	ParentFirstName                 string
	ClubName                        string
	PlayerFirstName, PlayerLastName string
	TryoutName                      string

	// StartsAt and EndsAt are shown in TimeZone (an IANA name).
	StartsAt, EndsAt time.Time
	TimeZone         string
	Location         string

	// RegistrationURL links to the registration's page, CalendarURL to
	// its calendar event (/registrations/{id}/calendar.ics).
	RegistrationURL string
	CalendarURL     string
}

// tryoutView is the formatted Tryout both parts of an email show.
type tryoutView struct {
	ParentFirstName string
	ClubName        string
	PlayerName      string
	TryoutName      string
	When            string
	Location        string
	RegistrationURL string
	CalendarURL     string
}

func (t Tryout) view() (tryoutView, *time.Location, error) {
	if err := t.validate(); err != nil {
		return tryoutView{}, nil, err
	}
	loc, err := time.LoadLocation(t.TimeZone)
	if err != nil {
		return tryoutView{}, nil, fmt.Errorf("email: tryout time zone %q: %w", t.TimeZone, err)
	}
	return tryoutView{
		ParentFirstName: t.ParentFirstName,
		ClubName:        t.ClubName,
		PlayerName:      strings.TrimSpace(t.PlayerFirstName + " " + t.PlayerLastName),
		TryoutName:      t.TryoutName,
		When:            formatWhen(t.StartsAt, t.EndsAt, loc),
		Location:        t.Location,
		RegistrationURL: t.RegistrationURL,
		CalendarURL:     t.CalendarURL,
	}, loc, nil
}

func (t Tryout) validate() error {
	var errs []error
	for _, f := range []struct{ name, value string }{{"From", t.From}, {"To", t.To}, {"ClubName", t.ClubName},
		{"PlayerFirstName", t.PlayerFirstName}, {"TryoutName", t.TryoutName}, {"TimeZone", t.TimeZone}} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	// Addresses are not echoed: they are personal data and errors get logged.
	if _, err := mail.ParseAddress(t.From); t.From != "" && err != nil {
		errs = append(errs, errors.New("the From address is not a valid email address"))
	}
	if _, err := mail.ParseAddress(t.To); t.To != "" && err != nil {
		errs = append(errs, errors.New("the To address is not a valid email address"))
	}
	if t.StartsAt.IsZero() || t.EndsAt.IsZero() {
		errs = append(errs, errors.New("the start and end times are required"))
	} else if t.EndsAt.Before(t.StartsAt) {
		errs = append(errs, errors.New("EndsAt is before StartsAt"))
	}
	return errors.Join(errs...)
}

// Reminder is the email sent REMINDER_BEFORE ahead of the tryout.
type Reminder struct {
	Tryout
}

// RenderReminder renders the reminder: when and where, in the tryout's
// zone, with links to the registration and its calendar event.
func RenderReminder(r Reminder) (Message, error) {
	v, loc, err := r.view()
	if err != nil {
		return Message{}, fmt.Errorf("email: invalid reminder: %w", err)
	}
	day := r.StartsAt.In(loc).Format("Monday, January 2 at 3:04 PM")
	return render(KindReminder, r.From, r.To, "Reminder: "+v.PlayerName+" – "+r.TryoutName+" on "+day, v)
}
