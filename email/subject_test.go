package email_test

import (
	"context"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"basketball/email"
)

// TestSubjectIsOneLine: whatever a name smuggles into the subject, the
// message keeps one Subject header, no extra header, and no invisible
// reordering.
func TestSubjectIsOneLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := mustNewSender(t, email.Config{MailDir: dir})
	m := testMessage()
	m.Subject = "Confirmed: Max\r\nBcc: thief@evil.example\r\n\r\nbody\u2028X\u202eevil\x1b[2J"
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d .eml files", len(files))
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if bcc := msg.Header.Get("Bcc"); bcc != "" {
		t.Fatalf("the subject added a Bcc header: %q", bcc)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(subject, "\r\n\x1b\u2028\u202e") {
		t.Fatalf("subject holds a line break or control character: %q", subject)
	}
	if !strings.Contains(subject, "Bcc: thief@evil.example") || !strings.Contains(subject, "Xevil") {
		t.Fatalf("subject lost its text: %q", subject)
	}
}
