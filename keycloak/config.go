package keycloak

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds each request when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config locates Keycloak and the confidential client whose service account
// manages users. Printing a Config (fmt, slog, JSON) never shows the secret.
type Config struct {
	// URL is Keycloak's base URL, e.g. https://auth.example.org (with any
	// path prefix such as /auth for old installations).
	URL string
	// Realm is where parents' accounts live.
	Realm string
	// ClientID and ClientSecret identify the confidential client.
	ClientID     string
	ClientSecret string `json:"-"`
	// Timeout bounds each request, token requests included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// HTTPClient optionally supplies the transport (tests, proxies). Its
	// Timeout is ignored in favour of Timeout.
	HTTPClient *http.Client `json:"-"`
}

// Validate reports the first problem that would stop the client working.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return errors.New("keycloak: URL is required")
	case err != nil:
		return errors.New("keycloak: URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("keycloak: URL must be http or https")
	case u.Host == "":
		return errors.New("keycloak: URL has no host")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return errors.New("keycloak: URL must not carry credentials, a query or a fragment")
	case c.Realm == "":
		return errors.New("keycloak: realm is required")
	case c.ClientID == "":
		return errors.New("keycloak: client id is required")
	case c.ClientSecret == "":
		return errors.New("keycloak: client secret is required")
	case c.Timeout < 0:
		return errors.New("keycloak: timeout must not be negative")
	}
	return nil
}

// String describes the configuration without the client secret.
func (c Config) String() string {
	return fmt.Sprintf("keycloak.Config{URL:%q Realm:%q ClientID:%q ClientSecret:%s Timeout:%s}",
		c.URL, c.Realm, c.ClientID, redactedMark(c.ClientSecret), c.Timeout)
}

// GoString keeps %#v from printing the secret.
func (c Config) GoString() string { return c.String() }

// LogValue keeps slog handlers, JSON ones included, from logging the secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.URL),
		slog.String("realm", c.Realm),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redactedMark(c.ClientSecret)),
		slog.Duration("timeout", c.Timeout),
	)
}

func redactedMark(secret string) string {
	if secret == "" {
		return "[empty]"
	}
	return "[redacted]"
}

// baseURL is URL without trailing slashes, so paths can be appended.
func (c Config) baseURL() string { return strings.TrimRight(c.URL, "/") }
