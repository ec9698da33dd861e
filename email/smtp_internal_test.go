package email

import (
	"errors"
	"strings"
	"testing"
)

func TestSMTPSenderWrapRedactsPassword(t *testing.T) {
	t.Parallel()
	s, err := NewSMTPSender(SMTPSettings{Host: "mail.example", Port: 587, Username: "u", Password: "p/s3cret"}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	cause := errors.New("boom")
	tests := []struct {
		err       error
		wantCause bool
	}{
		{cause, true},
		{errors.New("server said: bad password p/s3cret"), false},
		{errors.New("server said: bad password p%2Fs3cret"), false},
	}
	for _, tt := range tests {
		got := s.wrap(tt.err)
		if strings.Contains(got.Error(), "s3cret") {
			t.Errorf("wrap(%q) = %q, shows the password", tt.err, got)
		}
		if !strings.Contains(got.Error(), "mail.example:587") {
			t.Errorf("wrap(%q) = %q, want the server address", tt.err, got)
		}
		if errors.Is(got, cause) != tt.wantCause {
			t.Errorf("errors.Is(wrap(%q), cause) = %t, want %t", tt.err, !tt.wantCause, tt.wantCause)
		}
	}
}
