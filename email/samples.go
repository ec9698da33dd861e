package email

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// SampleOptions shape a sample email: the links it shows, and for the
// confirmation which login block it carries.
type SampleOptions struct {
	// PublicURL is the service's base URL; LoginURL and ResetURL the
	// login page and its password reset.
	PublicURL, LoginURL, ResetURL string
	// Account is "new" (a temporary password), "existing" (the note for a
	// parent who has a login), "invite" (Keycloak's set-password email) or
	// "none"; only the confirmation uses it.
	Account string
	// Now dates the sample tryout three weeks ahead; zero is time.Now.
	Now time.Time
}

// samples render each kind for a plausible registration, for `mail
// preview` and tests; every kind has one (a test checks). Adding a kind
// adds its sample here.
var samples = map[string]func(o SampleOptions) (Message, error){
	KindConfirmation: sampleConfirmation,
	KindReminder: func(o SampleOptions) (Message, error) {
		return RenderReminder(Reminder{Tryout: SampleTryout(o)})
	},
	KindCancellation: func(o SampleOptions) (Message, error) {
		t := SampleTryout(o)
		return RenderCancellation(Cancellation{
			From: t.From, To: t.To, ParentFirstName: t.ParentFirstName, ClubName: t.ClubName,
			PlayerFirstName: t.PlayerFirstName, PlayerLastName: t.PlayerLastName, TryoutName: t.TryoutName,
			StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone,
			WasPaid: true, Refunded: true, RefundCents: 3000, Currency: "usd", RegistrationURL: t.RegistrationURL,
		})
	},
	KindTryoutChanged: func(o SampleOptions) (Message, error) {
		t := SampleTryout(o)
		c := TryoutChanged{Tryout: t, OldStartsAt: t.StartsAt.Add(-24 * time.Hour), OldEndsAt: t.EndsAt.Add(-24 * time.Hour),
			OldLocation: "Roosevelt High School, Gym B"}
		return RenderTryoutChanged(c)
	},
}

// Sample renders a sample email of kind.
func Sample(kind string, o SampleOptions) (Message, error) {
	f, ok := samples[kind]
	if !ok {
		return Message{}, fmt.Errorf("email: no sample for kind %q (kinds: %s)", kind, strings.Join(Kinds(), ", "))
	}
	if o.PublicURL == "" {
		o.PublicURL = "http://localhost:8080"
	}
	if o.LoginURL == "" {
		o.LoginURL = "https://login.example.org/realms/club/account"
	}
	if o.ResetURL == "" {
		o.ResetURL = strings.TrimSuffix(o.LoginURL, "/account") + "/login-actions/reset-credentials?client_id=account-console"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return f(o)
}

// SampleKinds lists the kinds that have a sample, sorted.
func SampleKinds() []string {
	out := make([]string, 0, len(samples))
	for k := range samples {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SampleTryout is the sample registration's tryout: 9 to 11 AM in
// Chicago, three weeks after o.Now.
func SampleTryout(o SampleOptions) Tryout {
	loc, _ := time.LoadLocation("America/Chicago")
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	d := now.In(loc).AddDate(0, 0, 21)
	start := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
	page := strings.TrimRight(o.PublicURL, "/") + "/registrations/reg_sample"
	return Tryout{
		From: "tryouts@demo-club.example", To: "ann.lee@example.com", ParentFirstName: "Ann",
		ClubName: "Demo Basketball Club", PlayerFirstName: "Max", PlayerLastName: "Lee",
		TryoutName: "U14 Winter Tryout", StartsAt: start, EndsAt: start.Add(2 * time.Hour), TimeZone: "America/Chicago",
		Location: "Lincoln Middle School Gym, 1200 Oak St", RegistrationURL: page, CalendarURL: page + "/calendar.ics",
	}
}

func sampleConfirmation(o SampleOptions) (Message, error) {
	t := SampleTryout(o)
	c := Confirmation{
		From: t.From, To: t.To, ParentFirstName: t.ParentFirstName, ClubName: t.ClubName,
		PlayerFirstName: t.PlayerFirstName, PlayerLastName: t.PlayerLastName, TryoutName: t.TryoutName,
		StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone, Location: t.Location,
		AmountCents: 3000, Currency: "usd", Method: MethodCard,
		RegistrationURL: t.RegistrationURL, CalendarURL: t.CalendarURL,
	}
	switch o.Account {
	case "", "new":
		c.Account = &Account{Email: c.To, Password: "kfmr-7q2x-hb4n-w9pe-ta3c-v8jd", LoginURL: o.LoginURL}
	case "existing":
		c.ExistingAccount, c.LoginURL, c.ResetURL = true, o.LoginURL, o.ResetURL
	case "invite":
		c.Invite = &Invite{Email: c.To, LoginURL: o.LoginURL, ResetURL: o.ResetURL, ValidFor: 72 * time.Hour}
	case "none":
	default:
		return Message{}, fmt.Errorf("email: sample account %q: want new, existing, invite or none", o.Account)
	}
	return RenderConfirmation(c)
}
