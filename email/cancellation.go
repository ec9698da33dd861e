package email

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Cancellation is everything the cancellation email shows: staff canceled
// a registration, and whether and how much was refunded. Callers fill it
// from the registration and the notification's data.
type Cancellation struct {
	// From is the club's sender (or MAIL_FROM); To the parent's address.
	From, To string

	ParentFirstName                 string
	ClubName                        string
	PlayerFirstName, PlayerLastName string
	TryoutName                      string
	StartsAt, EndsAt                time.Time
	TimeZone                        string // IANA name the times are shown in

	// WasPaid says the registration had been paid; otherwise no money was
	// taken. Refunded says the payment went back, RefundCents how much,
	// in Currency (ISO 4217, lower or upper case).
	WasPaid     bool
	Refunded    bool
	RefundCents int64
	Currency    string

	// RegistrationURL links to the registration's status page.
	RegistrationURL string
}

// cancellationView is what the templates see, formatted once for both
// parts.
type cancellationView struct {
	ParentFirstName string
	ClubName        string
	PlayerName      string
	TryoutName      string
	When            string
	WasPaid         bool
	Refunded        bool
	Refund          string
	RegistrationURL string
}

// RenderCancellation renders the cancellation email (text and HTML, every
// value escaped in HTML). It fails when a field it needs is missing.
func RenderCancellation(c Cancellation) (Message, error) {
	var errs []error
	for _, f := range []struct{ name, value string }{{"From", c.From}, {"To", c.To}, {"ClubName", c.ClubName},
		{"PlayerFirstName", c.PlayerFirstName}, {"TryoutName", c.TryoutName}, {"TimeZone", c.TimeZone}} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if len(errs) > 0 {
		return Message{}, fmt.Errorf("email: invalid cancellation: %w", errors.Join(errs...))
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return Message{}, fmt.Errorf("email: tryout time zone %q: %w", c.TimeZone, err)
	}
	v := cancellationView{
		ParentFirstName: c.ParentFirstName, ClubName: c.ClubName,
		PlayerName: strings.TrimSpace(c.PlayerFirstName + " " + c.PlayerLastName), TryoutName: c.TryoutName,
		When: formatWhen(c.StartsAt, c.EndsAt, loc), WasPaid: c.WasPaid, Refunded: c.Refunded, RegistrationURL: c.RegistrationURL,
	}
	if c.Refunded {
		if v.Refund, err = formatAmount(c.RefundCents, c.Currency); err != nil {
			return Message{}, err
		}
	}
	return render(KindCancellation, c.From, c.To, "Tryout registration canceled: "+v.PlayerName+" – "+c.TryoutName, v)
}
