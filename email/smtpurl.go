package email

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// SMTPSettings is a parsed SMTP_URL.
type SMTPSettings struct {
	Host string
	Port int
	// ImplicitTLS is true for smtps:// (TLS from the first byte). For
	// smtp:// the connection is upgraded with STARTTLS when offered.
	ImplicitTLS bool
	// Username and Password are set only when the URL has userinfo; SMTP
	// AUTH is used only then.
	Username, Password string
}

// Default ports when SMTP_URL names none.
const (
	DefaultSMTPPort  = 25
	DefaultSMTPSPort = 465
)

// Addr is host:port.
func (s SMTPSettings) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Format prints the settings with the password redacted, whatever the verb.
func (s SMTPSettings) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{Host:%s Port:%d ImplicitTLS:%t Username:%s Password:%s}",
		s.Host, s.Port, s.ImplicitTLS, s.Username, redacted(s.Password))
}

// LogValue keeps the password out of slog output.
func (s SMTPSettings) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", s.Addr()),
		slog.Bool("implicit_tls", s.ImplicitTLS),
		slog.String("username", s.Username),
	)
}

func redacted(secret string) string {
	if secret == "" {
		return ""
	}
	return "[REDACTED]"
}

// ParseSMTPURL parses SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS
// when the server offers it; port 25 by default, 587 works too) or
// smtps://[user:pass@]host[:port] (implicit TLS; port 465 by default).
// Special characters in user and password must be percent-encoded.
//
// Its errors never quote the URL, so they cannot leak the password even
// when the URL is so malformed that the password cannot be told apart.
func ParseSMTPURL(raw string) (SMTPSettings, error) {
	const hint = "want smtp://[user:pass@]host:port or smtps://[user:pass@]host:port"
	invalid := func(reason string) (SMTPSettings, error) {
		return SMTPSettings{}, fmt.Errorf("email: invalid SMTP_URL: %s (%s)", reason, hint)
	}

	if strings.TrimSpace(raw) == "" {
		return invalid("empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: drop it.
		return invalid("not a URL; percent-encode special characters in user and password")
	}

	var s SMTPSettings
	switch u.Scheme {
	case "smtp":
		s.Port = DefaultSMTPPort
	case "smtps":
		s.Port, s.ImplicitTLS = DefaultSMTPSPort, true
	case "":
		return invalid("missing scheme")
	default:
		// The scheme is safe to quote: url.Parse only accepts [a-z0-9+.-]
		// before "://", which cannot hold a password.
		return invalid(fmt.Sprintf("unknown scheme %q", u.Scheme))
	}
	if u.Opaque != "" {
		return invalid("missing // after the scheme")
	}
	// An unescaped '/', '?' or '#' in a password ends the authority early;
	// refusing what follows keeps half a password from becoming a host.
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return invalid("unexpected path, query or fragment; percent-encode '/', '?' and '#' in user and password")
	}

	s.Host = u.Hostname()
	if s.Host == "" {
		return invalid("missing host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return invalid("port must be a number from 1 to 65535")
		}
		s.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return invalid("empty port")
	}

	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
		if s.Username == "" || s.Password == "" {
			return invalid("user and password must both be given, or neither")
		}
	}
	return s, nil
}
