package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPSender delivers messages to an SMTP server, one connection per
// message: the post-payment job sends rarely, and a fresh connection never
// finds a half-closed one left by a server timeout.
type SMTPSender struct {
	settings SMTPSettings
	timeout  time.Duration
	tls      *tls.Config
	now      func() time.Time
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender returns a sender for settings; cfg supplies Timeout,
// RootCAs and Now (SMTPURL and MailDir are ignored).
func NewSMTPSender(settings SMTPSettings, cfg Config) (*SMTPSender, error) {
	cfg = cfg.WithDefaults()
	if settings.Host == "" || settings.Port < 1 || settings.Port > 65535 {
		return nil, errors.New("email: SMTP settings need a host and a port from 1 to 65535")
	}
	return &SMTPSender{
		settings: settings,
		timeout:  cfg.Timeout,
		tls: &tls.Config{
			ServerName: settings.Host,
			RootCAs:    cfg.RootCAs,
			MinVersion: tls.VersionTLS12,
		},
		now: cfg.Now,
	}, nil
}

// Send delivers m. The whole exchange is bounded by the configured timeout
// and by ctx. Errors name the server but never contain the password.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if m.To == "" {
		return errNoRecipient
	}
	msg, err := m.toMsg(s.now())
	if err != nil {
		return err
	}
	client, err := s.client()
	if err != nil {
		return s.wrap(fmt.Errorf("configure client: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return s.wrap(err)
	}
	return nil
}

// client builds a go-mail client per message: go-mail's Client keeps
// per-connection state (the chosen AUTH mechanism) that is not safe to
// share between concurrent sends.
func (s *SMTPSender) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.settings.Port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tls),
	}
	if s.settings.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.settings.Username != "" {
		// PLAIN and LOGIN are what submission servers offer. go-mail
		// refuses both on an unencrypted connection except to localhost,
		// so a server that drops STARTTLS cannot collect the password.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.settings.Username),
			gomail.WithPassword(s.settings.Password),
		)
	}
	return gomail.NewClient(s.settings.Host, opts...)
}

// errRedacted is what an error becomes when its text would reveal the
// SMTP password.
var errRedacted = errors.New("[details redacted: they contained the SMTP password]")

// wrap adds the server's address and removes the password from err's text.
// The cause is kept for errors.Is/As unless its text holds the password.
func (s *SMTPSender) wrap(err error) error {
	addr := s.settings.Addr()
	if pw := s.settings.Password; pw != "" {
		msg := err.Error()
		if strings.Contains(msg, pw) || strings.Contains(msg, url.QueryEscape(pw)) {
			return fmt.Errorf("email: send via %s: %w", addr, errRedacted)
		}
	}
	return fmt.Errorf("email: send via %s: %w", addr, err)
}
