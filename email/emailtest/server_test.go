package emailtest

import (
	"context"
	"errors"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

// The server is exercised with the standard library's client, so that its
// behaviour does not depend on the sender it is meant to test.

const plainMessage = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello\r\n"

func mustSend(t *testing.T, s *Server, auth smtp.Auth) {
	t.Helper()
	if err := trySend(s, auth); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
}

func trySend(s *Server, auth smtp.Auth) error {
	return smtp.SendMail(strings.TrimPrefix(s.URL(), "smtp://"), auth,
		"a@example.com", []string{"b@example.com"}, []byte(plainMessage))
}

func TestServerRecordsMessages(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	mustSend(t, s, nil)
	mustSend(t, s, nil)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	msgs, err := s.WaitForMessages(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	m := msgs[0]
	if m.From != "a@example.com" || len(m.To) != 1 || m.To[0] != "b@example.com" {
		t.Errorf("envelope = %q → %q", m.From, m.To)
	}
	if m.Subject != "hi" || m.Text != "hello\n" || m.TLS || m.User != "" {
		t.Errorf("message = %+v", m)
	}

	// Messages returns copies: changing one does not change the server's.
	msgs[0].To[0] = "changed"
	if got := s.Messages()[0].To[0]; got != "b@example.com" {
		t.Errorf("server's copy changed to %q", got)
	}
}

func TestWaitForMessagesGivesUpWithContext(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	msgs, err := s.WaitForMessages(ctx, 1)
	if !errors.Is(err, context.Canceled) || len(msgs) != 0 {
		t.Fatalf("WaitForMessages = %d messages, %v; want none and context.Canceled", len(msgs), err)
	}
}

func TestServerDown(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.SetDown(true)
	err := trySend(s, nil)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("SendMail while down = %v, want a 451", err)
	}
	s.SetDown(false)
	mustSend(t, s, nil)
	if n := len(s.Messages()); n != 1 {
		t.Fatalf("got %d messages, want 1", n)
	}
}

func TestServerRequireAuth(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.RequireAuth("user", "right")
	host := "127.0.0.1" // net/smtp allows PLAIN without TLS to this host only

	if err := trySend(s, nil); err == nil || !strings.Contains(err.Error(), "530") {
		t.Errorf("SendMail without AUTH = %v, want a 530", err)
	}
	if err := trySend(s, smtp.PlainAuth("", "user", "wrong", host)); err == nil {
		t.Error("SendMail with a wrong password succeeded")
	}
	mustSend(t, s, smtp.PlainAuth("", "user", "right", host))

	msgs := s.Messages()
	if len(msgs) != 1 || msgs[0].User != "user" {
		t.Fatalf("messages = %+v, want one from user", msgs)
	}
}

func TestParseEML(t *testing.T) {
	t.Parallel()
	// Nested multipart, base64 HTML, quoted-printable text, an encoded
	// subject, and an attachment that must be skipped.
	raw := strings.Join([]string{
		"From: \"Club\" <club@example.com>",
		"To: Parent <parent@example.com>, other@example.com",
		"Subject: =?UTF-8?q?Caf=C3=A9_=E2=80=93_ok?=",
		"Message-ID: <id-1@example.com>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="outer"`,
		"",
		"--outer",
		`Content-Type: multipart/alternative; boundary="inner"`,
		"",
		"--inner",
		"Content-Type: text/plain; charset=UTF-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"Caf=C3=A9 line one that is long enough to be wrapped by the quoted-printa=",
		"ble encoder",
		"--inner",
		"Content-Type: text/html; charset=UTF-8",
		"Content-Transfer-Encoding: base64",
		"",
		"PHA+Jmx0O3NjcmlwdCZndDs8",
		"L3A+",
		"--inner--",
		"--outer",
		"Content-Type: text/plain; name=notes.txt",
		"Content-Disposition: attachment; filename=notes.txt",
		"",
		"not the body",
		"--outer--",
		"",
	}, "\r\n")

	got, err := ParseEML([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"Subject", got.Subject, "Café – ok"},
		{"HeaderFrom", got.HeaderFrom, "club@example.com"},
		{"From", got.From, "club@example.com"},
		{"HeaderTo", strings.Join(got.HeaderTo, ","), "parent@example.com,other@example.com"},
		{"MessageID", got.MessageID, "<id-1@example.com>"},
		{"Text", got.Text, "Café line one that is long enough to be wrapped by the quoted-printable encoder"},
		{"HTML", got.HTML, "<p>&lt;script&gt;</p>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestParseEMLRejectsGarbage(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string]string{
		"no header":        "just text without a header block",
		"bad content type": "Content-Type: multipart/alternative\r\n\r\nbody",
		"bad encoding":     "Content-Transfer-Encoding: base64\r\n\r\n!!!!",
	} {
		if _, err := ParseEML([]byte(raw)); err == nil {
			t.Errorf("%s: ParseEML succeeded", name)
		}
	}
}
