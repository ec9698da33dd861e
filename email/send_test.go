package email_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"basketball/email"
	"basketball/email/emailtest"
)

func testMessage() email.Message {
	return email.Message{
		From:    "tryouts@hoops.example",
		To:      "alex.parent@example.com",
		Subject: "Tryout registration confirmed: Jordan Rivera – U12 Winter Tryout",
		Text:    "Hi Alex,\n\nJordan is registered. Password: Tmp-9f2Kq7xLp3Vz8Wn\n" + strings.Repeat("long line ", 20) + "\n",
		HTML:    "<p>Hi Alex,</p><p>Jordan &amp; friends are registered. Café ✓</p>",
		ID:      "registration-r_123@hoops.example",
	}
}

func mustNewSender(t *testing.T, cfg email.Config) email.Sender {
	t.Helper()
	s, err := email.NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

func mustWait(t *testing.T, srv *emailtest.Server, n int) []emailtest.Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	msgs, err := srv.WaitForMessages(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// checkDelivered asserts that got is m, parts and headers both.
func checkDelivered(t *testing.T, got emailtest.Received, m email.Message) {
	t.Helper()
	if got.HeaderFrom != m.From || len(got.HeaderTo) != 1 || got.HeaderTo[0] != m.To {
		t.Errorf("headers From/To = %q/%q, want %q/%q", got.HeaderFrom, got.HeaderTo, m.From, m.To)
	}
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.Text != m.Text {
		t.Errorf("text part = %q, want %q", got.Text, m.Text)
	}
	if got.HTML != m.HTML {
		t.Errorf("HTML part = %q, want %q", got.HTML, m.HTML)
	}
	if m.ID != "" && got.MessageID != "<"+m.ID+">" {
		t.Errorf("Message-ID = %q, want <%s>", got.MessageID, m.ID)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}
	if got.Header.Get("Date") == "" {
		t.Error("no Date header")
	}
}

func TestSMTPSenderDelivers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []emailtest.Option
		wantTLS bool
	}{
		{name: "plain smtp"},
		{name: "smtp with STARTTLS", opts: []emailtest.Option{emailtest.WithStartTLS()}, wantTLS: true},
		{name: "smtps", opts: []emailtest.Option{emailtest.WithImplicitTLS()}, wantTLS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := emailtest.NewServer(t, tt.opts...)
			sender := mustNewSender(t, email.Config{SMTPURL: srv.URL(), RootCAs: srv.CertPool()})
			m := testMessage()

			if err := sender.Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := mustWait(t, srv, 1)
			if len(msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.From != m.From || len(got.To) != 1 || got.To[0] != m.To {
				t.Errorf("envelope = %q → %q, want %q → %q", got.From, got.To, m.From, m.To)
			}
			if got.TLS != tt.wantTLS {
				t.Errorf("TLS = %t, want %t", got.TLS, tt.wantTLS)
			}
			checkDelivered(t, got, m)
		})
	}
}

func TestSMTPSenderRejectsUntrustedCertificate(t *testing.T) {
	t.Parallel()
	srv := emailtest.NewServer(t, emailtest.WithImplicitTLS())
	// No RootCAs: the self-signed certificate must not be accepted.
	sender := mustNewSender(t, email.Config{SMTPURL: srv.URL()})
	if err := sender.Send(t.Context(), testMessage()); err == nil {
		t.Fatal("Send to a server with an untrusted certificate succeeded")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages, want 0", n)
	}
}

func TestSMTPSenderAuth(t *testing.T) {
	t.Parallel()
	const user, pass = "mailer@hoops.example", "p@ss:w/rd#s3cret"
	tests := []struct {
		name    string
		url     func(*emailtest.Server) string
		wantErr bool
	}{
		{name: "right credentials", url: func(s *emailtest.Server) string { return s.URLWithAuth(user, pass) }},
		{name: "wrong password", url: func(s *emailtest.Server) string { return s.URLWithAuth(user, "nope-s3cret") }, wantErr: true},
		{name: "no credentials", url: func(s *emailtest.Server) string { return s.URL() }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := emailtest.NewServer(t)
			srv.RequireAuth(user, pass)
			sender := mustNewSender(t, email.Config{SMTPURL: tt.url(srv)})

			err := sender.Send(t.Context(), testMessage())
			if tt.wantErr {
				if err == nil {
					t.Fatal("Send succeeded, want an error")
				}
				for _, secret := range []string{"s3cret", "w%2Frd"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error shows the password: %v", err)
					}
				}
				if n := len(srv.Messages()); n != 0 {
					t.Errorf("server got %d messages, want 0", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := mustWait(t, srv, 1)
			if msgs[0].User != user {
				t.Errorf("authenticated user = %q, want %q", msgs[0].User, user)
			}
		})
	}
}

func TestSMTPSenderServerDownThenUp(t *testing.T) {
	t.Parallel()
	srv := emailtest.NewServer(t)
	sender := mustNewSender(t, email.Config{SMTPURL: srv.URL()})
	m := testMessage()

	srv.SetDown(true)
	err := sender.Send(t.Context(), m)
	if err == nil {
		t.Fatal("Send while the server is down succeeded")
	}
	if !strings.Contains(err.Error(), "451") {
		t.Errorf("error = %v, want the server's 451", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages while down", n)
	}

	srv.SetDown(false)
	if err := sender.Send(t.Context(), m); err != nil {
		t.Fatalf("Send after recovery: %v", err)
	}
	msgs := mustWait(t, srv, 1)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	checkDelivered(t, msgs[0], m)
}

func TestSMTPSenderUnreachable(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: bind one, then free it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	sender := mustNewSender(t, email.Config{SMTPURL: "smtp://u:unreachable-s3cret@" + addr, Timeout: 5 * time.Second})

	err = sender.Send(t.Context(), testMessage())
	if err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("error = %v, want it to name %s", err, addr)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestDirSenderWritesEML(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox") // does not exist yet
	now := time.Date(2026, 11, 27, 7, 30, 0, 0, time.FixedZone("CST", -6*3600))
	sender := mustNewSender(t, email.Config{MailDir: dir, Now: func() time.Time { return now }})
	m := testMessage()

	for range 2 {
		if err := sender.Send(t.Context(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("outbox holds %d entries, want 2 .eml files (no temporary files)", len(entries))
	}
	name := regexp.MustCompile(`^20261127T133000Z-[0-9a-f]{16}\.eml$`)
	for _, e := range entries {
		if !name.MatchString(e.Name()) {
			t.Errorf("file name %q does not match %s", e.Name(), name)
		}
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want it private to the owner", e.Name(), perm)
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := emailtest.ParseEML(raw)
		if err != nil {
			t.Fatalf("ParseEML(%s): %v", e.Name(), err)
		}
		checkDelivered(t, got, m)
		if d := got.Header.Get("Date"); d != "Fri, 27 Nov 2026 07:30:00 -0600" {
			t.Errorf("Date = %q, want the injected clock", d)
		}
	}
}

func TestDirSenderHonoursCanceledContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sender := mustNewSender(t, email.Config{MailDir: dir})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := sender.Send(ctx, testMessage()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("outbox holds %d entries, want none", len(entries))
	}
}

func TestSendRejectsBadMessages(t *testing.T) {
	t.Parallel()
	srv := emailtest.NewServer(t)
	senders := map[string]email.Sender{
		"smtp": mustNewSender(t, email.Config{SMTPURL: srv.URL()}),
		"dir":  mustNewSender(t, email.Config{MailDir: t.TempDir()}),
	}
	tests := map[string]func(*email.Message){
		"no recipient":   func(m *email.Message) { m.To = "" },
		"bad sender":     func(m *email.Message) { m.From = "nobody" },
		"no body":        func(m *email.Message) { m.Text, m.HTML = "", "" },
		"bad Message-ID": func(m *email.Message) { m.ID = "a b@c" },
	}
	for sname, sender := range senders {
		for name, edit := range tests {
			m := testMessage()
			edit(&m)
			if err := sender.Send(t.Context(), m); err == nil {
				t.Errorf("%s sender, %s: Send succeeded", sname, name)
			}
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server got %d messages, want 0", n)
	}
}

func TestSMTPSenderConcurrentSends(t *testing.T) {
	t.Parallel()
	srv := emailtest.NewServer(t)
	srv.RequireAuth("mailer", "pw")
	sender := mustNewSender(t, email.Config{SMTPURL: srv.URLWithAuth("mailer", "pw")})

	const n = 5
	errs := make(chan error, n)
	for i := range n {
		go func() {
			m := testMessage()
			m.ID = ""
			m.To = "parent" + strconv.Itoa(i) + "@example.com"
			errs <- sender.Send(t.Context(), m)
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Send: %v", err)
		}
	}
	msgs := mustWait(t, srv, n)
	ids := map[string]bool{}
	for _, m := range msgs {
		if !strings.HasSuffix(m.MessageID, "@hoops.example>") {
			t.Errorf("generated Message-ID %q is not in the sender's domain", m.MessageID)
		}
		ids[m.MessageID] = true
	}
	if len(ids) != n {
		t.Errorf("got %d distinct Message-IDs, want %d", len(ids), n)
	}
}

// The rendered confirmation survives MIME encoding and SMTP unchanged.
func TestConfirmationArrivesIntact(t *testing.T) {
	t.Parallel()
	srv := emailtest.NewServer(t)
	sender := mustNewSender(t, email.Config{SMTPURL: srv.URL()})
	m, err := email.RenderConfirmation(email.Confirmation{
		From:            "noreply@localhost",
		To:              "alex.parent@example.com",
		ParentFirstName: "Zoë",
		ClubName:        "Lakeside Hoops",
		PlayerFirstName: "<script>alert(1)</script>",
		PlayerLastName:  "Rivera",
		TryoutName:      "U12 Winter Tryout",
		StartsAt:        time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC),
		EndsAt:          time.Date(2027, 1, 9, 17, 0, 0, 0, time.UTC),
		TimeZone:        "America/Chicago",
		Location:        "Lakeside Gym",
		AmountCents:     0,
		Currency:        "usd",
		Method:          email.MethodPromo,
		PromoCode:       "FREE",
		RegistrationURL: "http://localhost:8080/r/abc",
		Account:         &email.Account{Email: "alex.parent@example.com", Password: "Tmp-9f2Kq7xLp3Vz8Wn", LoginURL: "http://localhost:8081/login"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := mustWait(t, srv, 1)[0]
	checkDelivered(t, got, m)
	// The text part shows the name as typed; only the HTML part must escape.
	if strings.Contains(got.HTML, "<script") || !strings.Contains(got.HTML, "&lt;script&gt;") {
		t.Error("the delivered HTML part does not escape the player's name")
	}
	for _, want := range []string{"9:00 AM – 11:00 AM CST", "$0.00 (promo code)", "Tmp-9f2Kq7xLp3Vz8Wn"} {
		if !strings.Contains(got.Text, want) || !strings.Contains(got.HTML, want) {
			t.Errorf("delivered parts lack %q", want)
		}
	}
}
