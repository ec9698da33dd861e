package main

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"basketball"
	"basketball/email"
	"basketball/jobs"
)

// mailPreview renders the confirmation email so a club can check it before
// tryouts: for a sample registration, or for a real one from the database.
// Nothing is sent and no account is touched.
func (m *Main) mailPreview(ctx context.Context, args []string) error {
	fs := m.newFlags("mail preview", "mail preview [--registration ID] [--account new|existing|none] [--format text|html|both]")
	regID := fs.String("registration", "", "registration to render (default: a sample)")
	account := fs.String("account", "new", "show the login block of a new account, the existing-account note, or neither")
	format := fs.String("format", "both", "text, html or both")
	dbURL := fs.String("database-url", "", "database for --registration (default: $DATABASE_URL)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *account != "new" && *account != "existing" && *account != "none" {
		return usagef("--account: want new, existing or none")
	}
	if *format != "text" && *format != "html" && *format != "both" {
		return usagef("--format: want text, html or both")
	}
	loginURL := "https://login.example.org/realms/club/account"
	if u, realm := m.Getenv("KEYCLOAK_URL"), m.Getenv("KEYCLOAK_REALM"); u != "" && realm != "" {
		loginURL = strings.TrimRight(u, "/") + "/realms/" + realm + "/account"
	}
	publicURL := m.Getenv("PUBLIC_URL")
	if publicURL == "" {
		publicURL = "http://localhost:8080"
	}
	mailFrom := m.Getenv("MAIL_FROM")
	if mailFrom == "" {
		mailFrom = "noreply@localhost"
	}

	var msg email.Message
	unpaid := ""
	if *regID == "" {
		c := sampleConfirmation(publicURL)
		switch *account {
		case "new":
			c.Account = &email.Account{Email: c.To, Password: "Sample-Pa55word-x7", LoginURL: loginURL}
		case "existing":
			c.ExistingAccount, c.LoginURL, c.ResetURL = true, loginURL, resetURL(loginURL)
		}
		var err error
		if msg, err = email.RenderConfirmation(c); err != nil {
			return err
		}
	} else {
		db, err := m.openStore(ctx, *dbURL, false)
		if err != nil {
			return err
		}
		defer db.Close()
		reg, err := db.Registration(ctx, *regID)
		if err != nil {
			return err
		}
		step := &jobs.PostPayment{Store: db, MailFrom: mailFrom, PublicURL: publicURL}
		var acct *basketball.Account
		if *account == "new" {
			acct = &basketball.Account{Email: reg.ParentEmail, Password: "(generated-when-sent)", LoginURL: loginURL}
		}
		if *account == "existing" {
			step.Accounts = previewAccounts{url: loginURL}
		}
		if msg, err = step.Confirmation(ctx, reg, acct, *account == "existing"); err != nil {
			return err
		}
		if reg.Status != basketball.StatusPaid {
			// The confirmation is only ever sent for a paid registration;
			// its "amount paid" would be false here.
			unpaid = fmt.Sprintf("PREVIEW OF AN UNPAID REGISTRATION: %s is %s, no payment has been received, "+
				"and this email is only sent once it is paid", reg.ID, reg.Status)
			fmt.Fprintf(m.Stderr, "basketball-api: note: registration %s is %s, not paid: this is a preview of an unpaid registration\n", reg.ID, reg.Status)
		}
	}
	if unpaid != "" {
		fmt.Fprintf(m.Stdout, "*** %s ***\n\n", unpaid)
	}
	fmt.Fprintf(m.Stdout, "From: %s\nTo: %s\nSubject: %s\n\n", msg.From, msg.To, msg.Subject)
	if *format != "html" {
		fmt.Fprintln(m.Stdout, msg.Text)
	}
	if *format == "both" {
		fmt.Fprintln(m.Stdout, "----- HTML part -----")
	}
	if *format != "text" {
		fmt.Fprintln(m.Stdout, withBanner(msg.HTML, unpaid))
	}
	return nil
}

// withBanner puts a warning at the top of an HTML email's body, so a
// preview saved and opened in a browser carries it too.
func withBanner(html, banner string) string {
	if banner == "" {
		return html
	}
	div := `<div style="background:#b42318;color:#fff;font-weight:700;padding:8px;text-align:center">` + template.HTMLEscapeString(banner) + `</div>`
	if i := strings.Index(strings.ToLower(html), "<body"); i >= 0 {
		if j := strings.Index(html[i:], ">"); j >= 0 {
			return html[:i+j+1] + div + html[i+j+1:]
		}
	}
	return div + html
}

// sampleConfirmation is a plausible registration for previews.
func sampleConfirmation(publicURL string) email.Confirmation {
	loc, _ := time.LoadLocation("America/Chicago")
	d := time.Now().In(loc).AddDate(0, 0, 21)
	start := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
	return email.Confirmation{
		From: "tryouts@demo-club.example", To: "ann.lee@example.com", ParentFirstName: "Ann",
		ClubName: "Demo Basketball Club", PlayerFirstName: "Max", PlayerLastName: "Lee",
		TryoutName: "U14 Winter Tryout", StartsAt: start, EndsAt: start.Add(2 * time.Hour), TimeZone: "America/Chicago",
		Location: "Lincoln Middle School Gym, 1200 Oak St", AmountCents: 3000, Currency: "usd", Method: basketball.MethodCard,
		RegistrationURL: strings.TrimRight(publicURL, "/") + "/registrations/reg_sample",
	}
}

// previewAccounts gives the existing-account note its login URL; preview
// never calls Keycloak.
type previewAccounts struct {
	jobs.Accounts // nil: only LoginURL is ever called
	url           string
}

func (p previewAccounts) LoginURL() string { return p.url }

func (p previewAccounts) ResetPasswordURL() string { return resetURL(p.url) }

// resetURL is the sample password-reset link beside a login URL.
func resetURL(loginURL string) string {
	return strings.TrimSuffix(loginURL, "/account") + "/login-actions/reset-credentials?client_id=account-console"
}
