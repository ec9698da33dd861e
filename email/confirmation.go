package email

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"basketball"
)

// Confirmation is everything the confirmation email shows. Callers fill it
// from the database; RenderConfirmation only formats it.
type Confirmation struct {
	// From is the club's sender address, or MAIL_FROM when the club has
	// none (the caller decides). To is the parent's address.
	From, To string

	ParentFirstName                 string
	ClubName                        string
	PlayerFirstName, PlayerLastName string
	TryoutName                      string

	// StartsAt and EndsAt are shown in TimeZone, an IANA name such as
	// "America/Chicago".
	StartsAt, EndsAt time.Time
	TimeZone         string
	Location         string

	// AmountCents is in the currency's smallest unit, as Stripe counts it;
	// Currency is an ISO 4217 code ("usd").
	AmountCents int64
	Currency    string
	// Method is "card" or "promo"; PromoCode is optional.
	Method    string
	PromoCode string

	// RegistrationURL links to the registration's status page.
	RegistrationURL string

	// CalendarURL links to the registration's calendar event; the caller
	// attaches the event itself.
	CalendarURL string

	// Account is non-nil when this registration created the parent's
	// login; the email then carries the login and its temporary password.
	Account *Account
	// VerifyEmail says the new account must confirm its email address at
	// first login (an account whose password also went back in an HTTP
	// answer); the email says Keycloak will ask for it.
	VerifyEmail bool
	// Resent says this email replaces an earlier one for the same
	// registration that may have reached the parent: its password was
	// replaced by Account's, and the email says so.
	Resent bool
	// Invite is set when the account was made without a password and
	// Keycloak emails its own link to choose one (ACCOUNT_DELIVERY=invite):
	// the email names the login, says to look for that email, and gives
	// ResetURL in case the link does not arrive or expires.
	Invite *Invite
	// ExistingAccount is set when the parent already had a login; the
	// email then carries no password and points at ResetURL, the login
	// page's "forgot password" step, in case the parent never chose one.
	ExistingAccount bool
	LoginURL        string
	ResetURL        string
}

// Account is a login created for the parent; its password is temporary.
type Account = basketball.Account

// Invite is a login created without a password, whose owner gets
// Keycloak's own set-password email.
type Invite struct {
	Email    string
	LoginURL string
	ResetURL string
	// ValidFor is the lifespan of Keycloak's link.
	ValidFor time.Duration
}

// LogValue logs what identifies the email, not its contents.
func (c Confirmation) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("club", c.ClubName),
		slog.String("tryout", c.TryoutName),
		slog.String("method", c.Method),
		slog.Bool("new_account", c.Account != nil),
	)
}

// Methods of payment a confirmation can show.
const (
	MethodCard    = basketball.MethodCard
	MethodPromo   = basketball.MethodPromo
	MethodOffline = basketball.MethodOffline
)

// confirmationView is what the templates see: values already formatted, so
// both parts say exactly the same thing.
type confirmationView struct {
	ParentFirstName string
	ClubName        string
	PlayerName      string
	TryoutName      string
	When            string
	Location        string
	Amount          string
	PromoCode       string
	RegistrationURL string
	CalendarURL     string
	Account         *Account
	VerifyEmail     bool
	Resent          bool
	Invite          *Invite
	InviteValidFor  string
	ExistingAccount bool
	LoginURL        string
	ResetURL        string
}

// RenderConfirmation renders the confirmation email: a plain-text part with
// text/template and an HTML part with html/template, which escapes every
// value. It fails when a field the email needs is missing or invalid.
func RenderConfirmation(c Confirmation) (Message, error) {
	if err := c.validate(); err != nil {
		return Message{}, err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return Message{}, fmt.Errorf("email: tryout time zone %q: %w", c.TimeZone, err)
	}
	amount, err := formatAmount(c.AmountCents, c.Currency)
	if err != nil {
		return Message{}, err
	}
	if c.Method == MethodPromo && c.AmountCents == 0 {
		amount += " (promo code)"
	}

	player := strings.TrimSpace(c.PlayerFirstName + " " + c.PlayerLastName)
	v := confirmationView{
		ParentFirstName: c.ParentFirstName,
		ClubName:        c.ClubName,
		PlayerName:      player,
		TryoutName:      c.TryoutName,
		When:            formatWhen(c.StartsAt, c.EndsAt, loc),
		Location:        c.Location,
		Amount:          amount,
		PromoCode:       c.PromoCode,
		RegistrationURL: c.RegistrationURL,
		CalendarURL:     c.CalendarURL,
		Account:         c.Account,
		VerifyEmail:     c.VerifyEmail,
		Resent:          c.Resent,
		Invite:          c.Invite,
		ExistingAccount: c.ExistingAccount,
		LoginURL:        c.LoginURL,
		ResetURL:        c.ResetURL,
	}

	if c.Invite != nil {
		v.InviteValidFor = formatLifespan(c.Invite.ValidFor)
	}
	subject := "Tryout registration confirmed: " + player + " – " + c.TryoutName
	if c.Resent {
		subject += " (new password, replaces an earlier email)"
	}
	return render(KindConfirmation, c.From, c.To, subject, v)
}

func (c Confirmation) validate() error {
	var errs []error
	required := []struct{ name, value string }{
		{"From", c.From}, {"To", c.To}, {"ClubName", c.ClubName},
		{"PlayerFirstName", c.PlayerFirstName}, {"TryoutName", c.TryoutName},
		{"TimeZone", c.TimeZone}, {"Currency", c.Currency},
	}
	for _, f := range required {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	// Addresses are not echoed: they are personal data and errors get logged.
	if c.From != "" {
		if _, err := mail.ParseAddress(c.From); err != nil {
			errs = append(errs, errors.New("the From address is not a valid email address"))
		}
	}
	if c.To != "" {
		if _, err := mail.ParseAddress(c.To); err != nil {
			errs = append(errs, errors.New("the To address is not a valid email address"))
		}
	}
	if c.StartsAt.IsZero() || c.EndsAt.IsZero() {
		errs = append(errs, errors.New("the start and end times are required"))
	} else if c.EndsAt.Before(c.StartsAt) {
		errs = append(errs, errors.New("EndsAt is before StartsAt"))
	}
	if c.Method != MethodCard && c.Method != MethodPromo && c.Method != MethodOffline {
		errs = append(errs, fmt.Errorf("the method must be %q, %q or %q", MethodCard, MethodPromo, MethodOffline))
	}
	if c.Account != nil {
		if c.ExistingAccount {
			errs = append(errs, errors.New("Account and ExistingAccount are mutually exclusive"))
		}
		if c.Account.Email == "" || c.Account.Password == "" || c.Account.LoginURL == "" {
			errs = append(errs, errors.New("Account needs Email, Password and LoginURL"))
		}
	}
	if c.Invite != nil {
		if c.Account != nil || c.ExistingAccount {
			errs = append(errs, errors.New("an Invite excludes Account and ExistingAccount"))
		}
		if c.Invite.Email == "" || c.Invite.LoginURL == "" || c.Invite.ResetURL == "" || c.Invite.ValidFor <= 0 {
			errs = append(errs, errors.New("an Invite needs Email, LoginURL, ResetURL and ValidFor"))
		}
	}
	if (c.Resent || c.VerifyEmail) && c.Account == nil {
		errs = append(errs, errors.New("a Resent or VerifyEmail confirmation needs an Account"))
	}
	if c.ExistingAccount && (c.LoginURL == "" || c.ResetURL == "") {
		errs = append(errs, errors.New("ExistingAccount needs LoginURL and ResetURL"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("email: invalid confirmation: %w", errors.Join(errs...))
	}
	return nil
}

// oneLine turns control characters and line separators into spaces: a
// header value with a line break in it could otherwise smuggle in headers
// of its own. Invisible formatting characters (a U+202E that reverses the
// rest of the subject in the parent's inbox) are dropped.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return ' '
		case basketball.UnsafeRune(r):
			return -1
		}
		return r
	}, s)
}
