package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"basketball"
	"basketball/email"
	"basketball/jobs"
	"basketball/sqldb"
)

// Config is the service's whole configuration, from environment variables
// (and NAME_FILE for secrets), each also a flag of serve.
type Config struct {
	DatabaseURL          string
	ListenAddr           string
	MetricsAddr          string
	PublicURL            string
	StripeSecretKey      string
	StripeWebhookSecret  string
	StripeAPIURL         string
	KeycloakURL          string
	KeycloakRealm        string
	KeycloakClientID     string
	KeycloakClientSecret string
	OIDCIssuerURL        string
	OIDCClientID         string
	OIDCClientSecret     string
	SMTPURL              string
	MailDir              string
	MailFrom             string
	RateLimitPerMinute   int
	TrustProxy           bool
	LogFormat            string
	JobMaxAttempts       int
	ReconcileInterval    time.Duration
	ReminderBefore       time.Duration
	AccountDelivery      string
}

// setting is one row of the configuration table.
type setting struct {
	env, def, help string
	secret         bool
	field          func(c *Config) any // *string, *int, *bool or *time.Duration
}

var settings = []setting{
	{"DATABASE_URL", "sqlite:basketball.db", "sqlite:PATH (embedded) or postgres://… (shared by replicas)", false, func(c *Config) any { return &c.DatabaseURL }},
	{"LISTEN_ADDR", ":8080", "address serve listens on", false, func(c *Config) any { return &c.ListenAddr }},
	{"METRICS_ADDR", "", "serve /metrics only on this address (e.g. 127.0.0.1:9090); empty serves it on LISTEN_ADDR", false, func(c *Config) any { return &c.MetricsAddr }},
	{"PUBLIC_URL", "http://localhost:8080", "base of links in pages, emails and Stripe's return URLs", false, func(c *Config) any { return &c.PublicURL }},
	{"STRIPE_SECRET_KEY", "", "Stripe API key; empty turns card payment off", true, func(c *Config) any { return &c.StripeSecretKey }},
	{"STRIPE_WEBHOOK_SECRET", "", "whsec_… secret that signs Stripe's webhook events", true, func(c *Config) any { return &c.StripeWebhookSecret }},
	{"STRIPE_API_URL", "", "base URL of the Stripe API (stripe-mock in tests); empty is Stripe's", false, func(c *Config) any { return &c.StripeAPIURL }},
	{"KEYCLOAK_URL", "", "base URL of Keycloak; empty turns account provisioning off", false, func(c *Config) any { return &c.KeycloakURL }},
	{"KEYCLOAK_REALM", "", "realm in which parents' accounts are made", false, func(c *Config) any { return &c.KeycloakRealm }},
	{"KEYCLOAK_CLIENT_ID", "", "confidential client allowed to manage users", false, func(c *Config) any { return &c.KeycloakClientID }},
	{"KEYCLOAK_CLIENT_SECRET", "", "that client's secret", true, func(c *Config) any { return &c.KeycloakClientSecret }},
	{"OIDC_ISSUER_URL", "", "issuer of staff sign-in (any OIDC provider); default KEYCLOAK_URL/realms/KEYCLOAK_REALM when both are set; the admin area is off (404) without an issuer and OIDC_CLIENT_ID", false, func(c *Config) any { return &c.OIDCIssuerURL }},
	{"OIDC_CLIENT_ID", "", "confidential client of the staff sign-in; admin API bearer tokens must name it in aud or azp", false, func(c *Config) any { return &c.OIDCClientID }},
	{"OIDC_CLIENT_SECRET", "", "that client's secret", true, func(c *Config) any { return &c.OIDCClientSecret }},
	{"SMTP_URL", "", "smtp://[user:pass@]host:port or smtps://…; empty writes .eml files to MAIL_DIR", true, func(c *Config) any { return &c.SMTPURL }},
	{"MAIL_DIR", "outbox", "folder for .eml files when SMTP_URL is empty", false, func(c *Config) any { return &c.MailDir }},
	{"MAIL_FROM", "noreply@localhost", "sender when the club has none", false, func(c *Config) any { return &c.MailFrom }},
	{"RATE_LIMIT_PER_MINUTE", "300", "registration requests per client IP per minute (0 = off)", false, func(c *Config) any { return &c.RateLimitPerMinute }},
	{"TRUST_PROXY", "false", "take the client IP from X-Forwarded-For (only behind your own proxy)", false, func(c *Config) any { return &c.TrustProxy }},
	{"LOG_FORMAT", "text", "text or json", false, func(c *Config) any { return &c.LogFormat }},
	{"RECONCILE_INTERVAL", "5m", "how often Stripe's events list is read for events whose webhook was lost (0 = off)", false, func(c *Config) any { return &c.ReconcileInterval }},
	{"JOB_MAX_ATTEMPTS", "25", "attempts of the post-payment job before it is discarded (25 ≈ three weeks of backoff)", false, func(c *Config) any { return &c.JobMaxAttempts }},
	{"REMINDER_BEFORE", "24h", "how long before a tryout starts its reminder email goes out (e.g. 24h, 90m); 0 turns reminders off", false, func(c *Config) any { return &c.ReminderBefore }},
	{"ACCOUNT_DELIVERY", "password", "password: the confirmation carries a temporary password; invite: Keycloak emails its own set-password link", false, func(c *Config) any { return &c.AccountDelivery }},
}

// flagName turns DATABASE_URL into database-url.
func flagName(env string) string { return strings.ToLower(strings.ReplaceAll(env, "_", "-")) }

// loadConfig reads defaults, then the environment (NAME_FILE for secrets),
// then, when fs is given, its flags. It validates the result.
func loadConfig(getenv func(string) string, fs *flag.FlagSet, args []string) (Config, error) {
	var c Config
	values := map[string]string{}
	for _, s := range settings {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		if s.secret {
			if path := getenv(s.env + "_FILE"); path != "" {
				b, err := os.ReadFile(path)
				if err != nil {
					return c, fmt.Errorf("%s_FILE: %v", s.env, err)
				}
				v = strings.TrimSpace(string(b))
			}
		}
		values[s.env] = v
	}
	if fs != nil {
		ptrs := map[string]*string{}
		for _, s := range settings {
			help := s.help + " (env " + s.env + ")"
			shown := values[s.env]
			if s.secret {
				shown = ""
			} else if s.env == "DATABASE_URL" {
				shown = mask(s.env, shown)
			}
			p := new(string)
			*p = values[s.env]
			fs.Func(flagName(s.env), help+defaultNote(shown), func(v string) error { *p = v; return nil })
			ptrs[s.env] = p
		}
		if err := fs.Parse(args); err != nil {
			return c, err
		}
		for k, p := range ptrs {
			values[k] = *p
		}
	}
	for _, s := range settings {
		v := values[s.env]
		switch p := s.field(&c).(type) {
		case *string:
			*p = v
		case *int:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return c, fmt.Errorf("%s: want a whole number ≥ 0, got %q", s.env, v)
			}
			*p = n
		case *bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, fmt.Errorf("%s: want true or false, got %q", s.env, v)
			}
			*p = b
		case *time.Duration:
			d, err := parseDuration(v)
			if err != nil {
				return c, fmt.Errorf("%s: want a duration such as 5m, 24h or 0 (off), got %q", s.env, v)
			}
			*p = d
		}
	}
	c.OIDCIssuerURL = c.oidcIssuer(values["OIDC_ISSUER_URL"] == "")
	return c, c.validate()
}

// oidcIssuer is OIDC_ISSUER_URL, or when it is not given the Keycloak
// realm's issuer, KEYCLOAK_URL/realms/KEYCLOAK_REALM.
func (c Config) oidcIssuer(defaulted bool) string {
	if defaulted && c.KeycloakURL != "" && c.KeycloakRealm != "" {
		return strings.TrimRight(c.KeycloakURL, "/") + "/realms/" + url.PathEscape(c.KeycloakRealm)
	}
	return c.OIDCIssuerURL
}

// AdminEnabled reports whether the admin area is on: an OIDC issuer and
// its client are configured.
func (c Config) AdminEnabled() bool { return c.OIDCIssuerURL != "" && c.OIDCClientID != "" }

func defaultNote(v string) string {
	if v == "" {
		return ""
	}
	return " (default " + strconv.Quote(v) + ")"
}

// validate checks every setting and names the variable at fault.
func (c Config) validate() error {
	if _, _, err := sqldb.ParseURL(c.DatabaseURL); err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	if _, port, err := net.SplitHostPort(c.ListenAddr); err != nil || !validPort(port) {
		return fmt.Errorf("LISTEN_ADDR: want host:port or :port, got %q", c.ListenAddr)
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || !validPort(port) {
			return fmt.Errorf("METRICS_ADDR: want host:port or :port, got %q", c.MetricsAddr)
		}
		if c.MetricsAddr == c.ListenAddr && !strings.HasSuffix(c.ListenAddr, ":0") {
			return fmt.Errorf("METRICS_ADDR: must differ from LISTEN_ADDR (%s)", c.ListenAddr)
		}
	}
	if err := checkHTTPURL("PUBLIC_URL", c.PublicURL, true); err != nil {
		return err
	}
	if err := checkHTTPURL("STRIPE_API_URL", c.StripeAPIURL, false); err != nil {
		return err
	}
	if err := checkHTTPURL("KEYCLOAK_URL", c.KeycloakURL, false); err != nil {
		return err
	}
	if c.KeycloakURL != "" {
		for name, v := range map[string]string{"KEYCLOAK_REALM": c.KeycloakRealm, "KEYCLOAK_CLIENT_ID": c.KeycloakClientID, "KEYCLOAK_CLIENT_SECRET": c.KeycloakClientSecret} {
			if v == "" {
				return fmt.Errorf("%s: required when KEYCLOAK_URL is set", name)
			}
		}
	}
	if err := checkHTTPURL("OIDC_ISSUER_URL", c.OIDCIssuerURL, false); err != nil {
		return err
	}
	if c.OIDCClientID != "" && c.OIDCClientSecret == "" {
		return fmt.Errorf("OIDC_CLIENT_SECRET: required when OIDC_CLIENT_ID is set")
	}
	if c.OIDCClientID != "" && c.OIDCIssuerURL == "" {
		return fmt.Errorf("OIDC_ISSUER_URL: required when OIDC_CLIENT_ID is set (or set KEYCLOAK_URL and KEYCLOAK_REALM)")
	}
	if c.SMTPURL != "" {
		if _, err := email.ParseSMTPURL(c.SMTPURL); err != nil {
			return fmt.Errorf("SMTP_URL: %v", err)
		}
	}
	if c.SMTPURL == "" && c.MailDir == "" {
		return fmt.Errorf("MAIL_DIR: required when SMTP_URL is empty")
	}
	if !basketball.ValidEmail(c.MailFrom) && !strings.HasSuffix(c.MailFrom, "@localhost") {
		return fmt.Errorf("MAIL_FROM: not an email address: %q", c.MailFrom)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("LOG_FORMAT: want text or json, got %q", c.LogFormat)
	}
	if c.JobMaxAttempts < 1 {
		return fmt.Errorf("JOB_MAX_ATTEMPTS: want at least 1")
	}
	if c.AccountDelivery != jobs.DeliverPassword && c.AccountDelivery != jobs.DeliverInvite {
		return fmt.Errorf("ACCOUNT_DELIVERY: want %s or %s, got %q", jobs.DeliverPassword, jobs.DeliverInvite, c.AccountDelivery)
	}
	return nil
}

func checkHTTPURL(name, v string, required bool) error {
	if v == "" {
		if required {
			return fmt.Errorf("%s: required", name)
		}
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: want an absolute http(s) URL, got %q", name, v)
	}
	return nil
}

// print writes the effective configuration with secrets masked.
func (c Config) print(w io.Writer) {
	for _, s := range settings {
		v := fmt.Sprint(derefAny(s.field(&c)))
		if v != "" && (s.secret || s.env == "DATABASE_URL") {
			v = mask(s.env, v)
		}
		fmt.Fprintf(w, "%s=%s\n", s.env, v)
	}
}

// mask hides a secret; for the URLs only their password.
func mask(env, v string) string {
	if env == "SMTP_URL" || env == "DATABASE_URL" {
		if u, err := url.Parse(v); err == nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
				return strings.Replace(u.String(), "xxxxx", "*****", 1)
			}
			return v
		}
	}
	return "*****"
}

func derefAny(p any) any {
	switch v := p.(type) {
	case *string:
		return *v
	case *int:
		return *v
	case *bool:
		return *v
	case *time.Duration:
		return *v
	}
	return p
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// parseDuration reads a duration setting: Go's form (90s, 5m, 24h), or 0.
func parseDuration(v string) (time.Duration, error) {
	if v == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", v)
	}
	return d, nil
}
