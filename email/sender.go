package email

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Sender delivers a message. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// DefaultTimeout bounds one SMTP delivery (connect, TLS, AUTH, DATA).
const DefaultTimeout = 15 * time.Second

// DefaultMailDir is where DirSender writes when MailDir is empty.
const DefaultMailDir = "outbox"

// Config selects and configures a Sender.
type Config struct {
	// SMTPURL is SMTP_URL (see ParseSMTPURL). Empty selects the DirSender.
	SMTPURL string
	// MailDir is MAIL_DIR, used only when SMTPURL is empty.
	MailDir string
	// Timeout bounds one delivery; zero means DefaultTimeout.
	Timeout time.Duration
	// RootCAs, when set, replaces the system roots for verifying the SMTP
	// server's certificate. It exists for tests, which trust emailtest's
	// self-signed certificate this way; production leaves it nil.
	RootCAs *x509.CertPool
	// Now is the clock for the Date header and .eml names; nil is time.Now.
	Now func() time.Time
}

// WithDefaults returns cfg with empty fields set to their defaults.
func (cfg Config) WithDefaults() Config {
	if cfg.MailDir == "" {
		cfg.MailDir = DefaultMailDir
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// Format prints the configuration with the SMTP password redacted.
func (cfg Config) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{SMTPURL:%s MailDir:%s Timeout:%s}", redactURL(cfg.SMTPURL), cfg.MailDir, cfg.Timeout)
}

// LogValue keeps the SMTP password out of slog output.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("smtp_url", redactURL(cfg.SMTPURL)),
		slog.String("mail_dir", cfg.MailDir),
		slog.Duration("timeout", cfg.Timeout),
	)
}

func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "[invalid URL, redacted]"
	}
	return u.Redacted()
}

// NewSender returns an SMTPSender when cfg.SMTPURL is set and a DirSender
// writing into cfg.MailDir (created if missing) otherwise. Configuration
// errors come out here, so that serve can stop before it listens.
func NewSender(cfg Config) (Sender, error) {
	cfg = cfg.WithDefaults()
	if cfg.SMTPURL == "" {
		return NewDirSender(cfg.MailDir, cfg.Now)
	}
	settings, err := ParseSMTPURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	return NewSMTPSender(settings, cfg)
}

// errNoRecipient guards against a zero Message reaching a sender.
var errNoRecipient = errors.New("email: message has no recipient")
