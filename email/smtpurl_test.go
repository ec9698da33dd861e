package email

import (
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    SMTPSettings
		wantErr string // substring of the error; "" means success
	}{
		{raw: "smtp://mail.example", want: SMTPSettings{Host: "mail.example", Port: 25}},
		{raw: "smtp://mail.example:587", want: SMTPSettings{Host: "mail.example", Port: 587}},
		{raw: "smtp://mail.example:2525/", want: SMTPSettings{Host: "mail.example", Port: 2525}},
		{raw: "SMTP://mail.example", want: SMTPSettings{Host: "mail.example", Port: 25}},
		{raw: "smtps://mail.example", want: SMTPSettings{Host: "mail.example", Port: 465, ImplicitTLS: true}},
		{raw: "smtps://mail.example:2465", want: SMTPSettings{Host: "mail.example", Port: 2465, ImplicitTLS: true}},
		{raw: "smtp://127.0.0.1:1025", want: SMTPSettings{Host: "127.0.0.1", Port: 1025}},
		{raw: "smtp://[::1]:1025", want: SMTPSettings{Host: "::1", Port: 1025}},
		{
			raw:  "smtp://apikey:s3cret@mail.example:587",
			want: SMTPSettings{Host: "mail.example", Port: 587, Username: "apikey", Password: "s3cret"},
		},
		{
			raw:  "smtps://me%40club.example:p%40ss%3Aw%2Frd%23s3cret@mail.example",
			want: SMTPSettings{Host: "mail.example", Port: 465, ImplicitTLS: true, Username: "me@club.example", Password: "p@ss:w/rd#s3cret"},
		},
		{
			raw:  "smtp://me@club.example:s3cret@mail.example",
			want: SMTPSettings{Host: "mail.example", Port: 25, Username: "me@club.example", Password: "s3cret"},
		},

		{raw: "", wantErr: "empty"},
		{raw: "mail.example:25", wantErr: "scheme"},
		{raw: "http://u:s3cret@mail.example", wantErr: `unknown scheme "http"`},
		{raw: "smtp+tls://u:s3cret@mail.example", wantErr: "unknown scheme"},
		{raw: "smtp://", wantErr: "missing host"},
		{raw: "smtp://u:s3cret@", wantErr: "missing host"},
		{raw: "smtp://u:s3cret@:25", wantErr: "missing host"},
		{raw: "smtp:u:s3cret@mail.example", wantErr: "missing //"},
		{raw: "smtp://u:s3cret@mail.example:0", wantErr: "port"},
		{raw: "smtp://u:s3cret@mail.example:70000", wantErr: "port"},
		{raw: "smtp://u:s3cret@mail.example:", wantErr: "empty port"},
		{raw: "smtp://u:s3cret@mail.example:smtp", wantErr: "not a URL"},
		{raw: "smtp://u:s3cret@mail.example/path", wantErr: "path"},
		{raw: "smtp://u:s3cret@mail.example?tls=1", wantErr: "query"},
		{raw: "smtp://u:s3cret@mail.example:25?", wantErr: "query"},
		{raw: "smtp://u:s3cret@mail.example#frag", wantErr: "fragment"},
		{raw: "smtp://u:s3c ret@mail.example", wantErr: "not a URL"},
		{raw: "smtp://u:s3cret%zz@mail.example", wantErr: "not a URL"},
		// Unescaped specials in the password: the authority ends early.
		{raw: "smtp://u:s3c/ret@mail.example", wantErr: "not a URL"},
		{raw: "smtp://u:12#s3cret@mail.example", wantErr: "fragment"},
		{raw: "smtp://u:12?s3cret@mail.example", wantErr: "query"},
		{raw: "smtp://u@mail.example", wantErr: "user and password"},
		{raw: "smtp://:s3cret@mail.example", wantErr: "user and password"},
		{raw: "smtp://u:@mail.example", wantErr: "user and password"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSMTPURL(tt.raw)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseSMTPURL: %v", err)
				}
				if got != tt.want {
					// SMTPSettings prints its password redacted: show it here.
					t.Fatalf("ParseSMTPURL = %v (password %q), want %v (password %q)", got, got.Password, tt.want, tt.want.Password)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseSMTPURL = %v, want an error containing %q", got, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			for _, secret := range []string{"s3cret", "s3c ret", "ret@"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows (part of) the password: %q", err)
				}
			}
		})
	}
}

func TestNewSenderRejectsBadSMTPURL(t *testing.T) {
	t.Parallel()
	_, err := NewSender(Config{SMTPURL: "imap://u:s3cret@mail.example"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("NewSender = %v, want an error without the password", err)
	}
}
