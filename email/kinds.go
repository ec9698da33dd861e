package email

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"sort"
	texttemplate "text/template"

	"basketball"
)

// Every kind of email is a pair of templates, templates/KIND.txt.tmpl
// (text/template) and templates/KIND.html.tmpl (html/template, which
// escapes every value), and a Render function that formats its values into
// a view both parts share. Adding a kind is adding its two templates and
// its name here; the notifications table needs no new column.

// Kinds of email, named as the notifications they are sent for.
const (
	KindConfirmation  = basketball.NotifyConfirmation
	KindCancellation  = basketball.NotifyCancellation
	KindReminder      = basketball.NotifyReminder
	KindTryoutChanged = basketball.NotifyTryoutChanged
)

// kinds lists every kind; each must have both templates (a test checks).
var kinds = []string{KindConfirmation, KindCancellation, KindReminder, KindTryoutChanged}

//go:embed templates/*.tmpl
var templateFS embed.FS

// Parsed once: a template error is a programming error, found by any test.
var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt.tmpl"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/*.html.tmpl"))
)

// Kinds returns the names of every kind of email, sorted.
func Kinds() []string {
	out := append([]string(nil), kinds...)
	sort.Strings(out)
	return out
}

// render executes a kind's two templates with view into a Message.
func render(kind, from, to, subject string, view any) (Message, error) {
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, kind+".txt.tmpl", view); err != nil {
		return Message{}, fmt.Errorf("email: render %s text part: %w", kind, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, kind+".html.tmpl", view); err != nil {
		return Message{}, fmt.Errorf("email: render %s HTML part: %w", kind, err)
	}
	return Message{From: from, To: to, Subject: oneLine(subject), Text: text.String(), HTML: html.String()}, nil
}
