package main

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"basketball"
	"basketball/calendar"
	"basketball/email"
	"basketball/jobs"
	"basketball/sqldb"
)

// mailPreview renders an email of any kind so a club can check it before
// tryouts: for a sample registration, or for a real one from the
// database. Nothing is sent and no account is touched.
func (m *Main) mailPreview(ctx context.Context, args []string) error {
	fs := m.newFlags("mail preview", "mail preview [--kind K] [--registration ID] [--account new|existing|invite|none] [--format text|html|both|ics]")
	kind := fs.String("kind", email.KindConfirmation, "kind of email: "+strings.Join(email.Kinds(), ", "))
	regID := fs.String("registration", "", "registration to render (default: a sample)")
	account := fs.String("account", "new", "confirmation only: the login block of a new account, the existing-account note, Keycloak's set-password email (invite), or none")
	format := fs.String("format", "both", "text, html, both, or ics (the attached calendar event)")
	dbURL := fs.String("database-url", "", "database for --registration (default: $DATABASE_URL)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if !slices.Contains(email.Kinds(), *kind) {
		return usagef("--kind: want one of %s", strings.Join(email.Kinds(), ", "))
	}
	if !slices.Contains([]string{"new", "existing", "invite", "none"}, *account) {
		return usagef("--account: want new, existing, invite or none")
	}
	if !slices.Contains([]string{"text", "html", "both", "ics"}, *format) {
		return usagef("--format: want text, html, both or ics")
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
	var err error
	warning := ""
	if *regID == "" {
		msg, err = sampleMessage(*kind, email.SampleOptions{PublicURL: publicURL, LoginURL: loginURL, ResetURL: resetURL(loginURL), Account: *account})
		if err != nil {
			return err
		}
	} else {
		db, err := m.openStore(ctx, *dbURL, false)
		if err != nil {
			return err
		}
		defer db.Close()
		var note string
		if msg, warning, note, err = previewRegistration(ctx, db, *regID, *kind, *account, mailFrom, publicURL, loginURL); err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintf(m.Stderr, "basketball-api: note: %s\n", note)
		}
	}
	if *format == "ics" {
		for _, a := range msg.Attachments {
			if strings.HasPrefix(a.ContentType, "text/calendar") {
				_, err := m.Stdout.Write(a.Data)
				return err
			}
		}
		return usagef("--format ics: the %s email has no calendar event", *kind)
	}
	if warning != "" {
		fmt.Fprintf(m.Stdout, "*** %s ***\n\n", warning)
	}
	fmt.Fprintf(m.Stdout, "From: %s\nTo: %s\nSubject: %s\n", msg.From, msg.To, msg.Subject)
	for _, a := range msg.Attachments {
		fmt.Fprintf(m.Stdout, "Attachment: %s (%s, %d bytes; --format ics prints it)\n", a.Name, a.ContentType, len(a.Data))
	}
	fmt.Fprintln(m.Stdout)
	if *format != "html" {
		fmt.Fprintln(m.Stdout, msg.Text)
	}
	if *format == "both" {
		fmt.Fprintln(m.Stdout, "----- HTML part -----")
	}
	if *format != "text" {
		fmt.Fprintln(m.Stdout, withBanner(msg.HTML, warning))
	}
	return nil
}

// previewRegistration renders the email of kind for a registration of the
// database as the jobs would send it; warning (the preview's banner) and
// note (for stderr) say why it would not be sent now (an unpaid
// registration, a started tryout), if so.
func previewRegistration(ctx context.Context, db *sqldb.DB, regID, kind, account, mailFrom, publicURL, loginURL string) (msg email.Message, warning, note string, err error) {
	reg, err := db.Registration(ctx, regID)
	if err != nil {
		return msg, "", "", err
	}
	step := &jobs.PostPayment{Store: db, MailFrom: mailFrom, PublicURL: publicURL}
	if kind == email.KindConfirmation {
		switch account {
		case "new":
			msg, err = step.Confirmation(ctx, reg, &basketball.Account{Email: reg.ParentEmail, Password: "(generated-when-sent)", LoginURL: loginURL}, false)
		case "existing":
			step.Accounts = previewAccounts{url: loginURL}
			msg, err = step.Confirmation(ctx, reg, nil, true)
		case "invite":
			step.Accounts = previewAccounts{url: loginURL}
			msg, err = step.InviteConfirmation(ctx, reg)
		default:
			msg, err = step.Confirmation(ctx, reg, nil, false)
		}
		if err == nil && reg.Status != basketball.StatusPaid {
			// The confirmation is only ever sent for a paid registration;
			// its "amount paid" would be false here.
			warning = fmt.Sprintf("PREVIEW OF AN UNPAID REGISTRATION: %s is %s, no payment has been received, "+
				"and this email is only sent once it is paid", reg.ID, reg.Status)
			note = fmt.Sprintf("registration %s is %s, not paid: this is a preview of an unpaid registration", reg.ID, reg.Status)
		}
		return msg, warning, note, err
	}
	n := basketball.Notification{ID: "ntf_preview", SubjectID: reg.ID, Kind: kind}
	if kind == basketball.NotifyTryoutChanged {
		// The latest change recorded for the registration.
		ns, err := db.Notifications(ctx, reg.ID)
		if err != nil {
			return msg, "", "", err
		}
		best := -1
		for _, c := range ns {
			if seq := calendar.Sequence([]basketball.Notification{c}); c.Kind == kind && seq > best {
				n, best = c, seq
			}
		}
		if best < 0 {
			return msg, "", "", usagef("registration %s has no tryout change recorded; preview a sample with --kind %s alone", reg.ID, kind)
		}
	}
	msg, err = step.Render(ctx, n)
	if why, ok := jobs.NotDue(err); ok {
		return msg, "PREVIEW OF AN EMAIL THAT WOULD NOT BE SENT NOW: " + why, "this " + kind + " email would not be sent now: " + why, nil
	}
	return msg, "", "", err
}

// sampleMessage renders a sample email of kind, with the sample tryout as
// its calendar event where the real email attaches one.
func sampleMessage(kind string, o email.SampleOptions) (email.Message, error) {
	msg, err := email.Sample(kind, o)
	if err != nil || (kind != email.KindConfirmation && kind != email.KindTryoutChanged) {
		return msg, err
	}
	t := email.SampleTryout(o)
	reg := basketball.Registration{ID: "reg_sample", Status: basketball.StatusPaid, PlayerFirstName: t.PlayerFirstName, PlayerLastName: t.PlayerLastName}
	tr := basketball.Tryout{Name: t.TryoutName, StartsAt: t.StartsAt, EndsAt: t.EndsAt, TimeZone: t.TimeZone, Location: t.Location}
	seq := 0
	if kind == email.KindTryoutChanged {
		seq = 1
	}
	b, err := calendar.ICS(calendar.ForRegistration(reg, tr, t.ClubName, o.PublicURL, seq, time.Now()))
	if err != nil {
		return msg, err
	}
	msg.Attachments = append(msg.Attachments, email.Attachment{Name: calendar.FileName, ContentType: calendar.ContentType, Data: b})
	return msg, nil
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
