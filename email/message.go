package email

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email ready to send: a multipart/alternative message with
// a plain-text and an HTML part, and any attachments (multipart/mixed).
type Message struct {
	From, To string
	Subject  string
	Text     string
	HTML     string
	// ID is the Message-ID without angle brackets, e.g. a value derived
	// from the registration so that a resent email can be recognised.
	// Empty: a random one in the sender's domain.
	ID string
	// Attachments go after the text and HTML parts, e.g. the tryout's
	// calendar event.
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	// Name is the file name the recipient sees, e.g. "tryout.ics".
	Name string
	// ContentType is its media type with parameters, e.g.
	// "text/calendar; charset=utf-8; method=PUBLISH".
	ContentType string
	Data        []byte
}

// Format prints a Message without its bodies, which may hold a password.
func (m Message) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{From:%s To:%s Subject:%q ID:%s Text:[%d bytes] HTML:[%d bytes] Attachments:%d}",
		m.From, m.To, m.Subject, m.ID, len(m.Text), len(m.HTML), len(m.Attachments))
}

// LogValue keeps the bodies out of slog output for the same reason.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("from", m.From),
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("id", m.ID),
		slog.Int("attachments", len(m.Attachments)),
	)
}

// toMsg builds the RFC 5322 message both senders deliver.
func (m Message) toMsg(now time.Time) (*gomail.Msg, error) {
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("email: message has no body")
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, errors.New("email: message From is not a valid email address")
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		return nil, errors.New("email: message To is not a valid email address")
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(m.From); err != nil {
		return nil, errors.New("email: message From is not a valid email address")
	}
	if err := msg.To(m.To); err != nil {
		return nil, errors.New("email: message To is not a valid email address")
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetDateWithValue(now)

	id := strings.TrimSuffix(strings.TrimPrefix(m.ID, "<"), ">")
	if id == "" {
		id = randomHex(16) + "@" + domainOf(from.Address)
	} else if strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r == '<' || r == '>' || r > '~' }) {
		return nil, fmt.Errorf("email: invalid Message-ID %q", m.ID)
	}
	msg.SetMessageIDWithValue(id)
	// RFC 3834: tells vacation responders not to answer a transactional email.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")

	if m.Text != "" {
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		if m.HTML != "" {
			msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
		}
	} else {
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if a.Name == "" || strings.ContainsAny(a.Name, "/\\\"\r\n") || a.ContentType == "" {
			return nil, fmt.Errorf("email: attachment needs a plain file name and a content type")
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("email: attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "localhost"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return fmt.Sprintf("%x", b)
}
