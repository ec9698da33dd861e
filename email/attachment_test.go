package email_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"basketball/email"
	"basketball/email/emailtest"
)

// TestAttachmentsReachBothSenders: an attachment travels over SMTP and
// into the outbox's .eml byte for byte, beside the text and HTML parts.
func TestAttachmentsReachBothSenders(t *testing.T) {
	t.Parallel()
	ics := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Café, gym\r\nEND:VCALENDAR\r\n")
	m := testMessage()
	m.Attachments = []email.Attachment{{Name: "tryout.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ics}}

	check := func(t *testing.T, got emailtest.Received) {
		t.Helper()
		if got.Text != m.Text || got.HTML != m.HTML {
			t.Errorf("the text or HTML part changed with an attachment")
		}
		if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/mixed;") {
			t.Errorf("Content-Type = %q, want multipart/mixed", ct)
		}
		a, ok := got.Attachment("text/calendar")
		if !ok || len(got.Attachments) != 1 {
			t.Fatalf("attachments = %+v", got.Attachments)
		}
		if a.Filename != "tryout.ics" || !bytes.Equal(a.Data, ics) || !strings.Contains(a.ContentType, "method=PUBLISH") {
			t.Errorf("attachment %q %q = %q", a.Filename, a.ContentType, a.Data)
		}
	}

	t.Run("smtp", func(t *testing.T) {
		t.Parallel()
		srv := emailtest.NewServer(t)
		s := mustNewSender(t, email.Config{SMTPURL: srv.URL()})
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		check(t, mustWait(t, srv, 1)[0])
	})
	t.Run("dir", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := mustNewSender(t, email.Config{MailDir: dir})
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		if len(files) != 1 {
			t.Fatalf("%d .eml files", len(files))
		}
		raw, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		got, err := emailtest.ParseEML(raw)
		if err != nil {
			t.Fatal(err)
		}
		check(t, got)
	})
}

func TestAttachmentNeedsANameAndType(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := mustNewSender(t, email.Config{MailDir: dir})
	for _, a := range []email.Attachment{{Name: "", ContentType: "text/plain"}, {Name: "../x.ics", ContentType: "text/calendar"},
		{Name: "a\r\nBcc: x@y", ContentType: "text/calendar"}, {Name: "x.ics"}} {
		m := testMessage()
		m.Attachments = []email.Attachment{a}
		if err := s.Send(context.Background(), m); err == nil {
			t.Errorf("attachment %+v was sent", a)
		}
	}
}
