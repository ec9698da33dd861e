package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRejectsBadConfiguration checks that serve stops at start, before
// it listens, with one line naming the variable at fault.
func TestServeRejectsBadConfiguration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		want   string // the variable named on stderr
		secret string // must not appear on stderr
		// late marks an error found only when serve tries to listen, after
		// the job workers have logged that they started (see the report:
		// serve should listen before starting them); the message is then
		// the last line.
		late bool
	}{
		{name: "unknown database scheme", env: map[string]string{"DATABASE_URL": "bogus://x"}, want: "DATABASE_URL"},
		{name: "database URL without scheme", env: map[string]string{"DATABASE_URL": "basketball.db"}, want: "DATABASE_URL"},
		{name: "database folder missing", env: map[string]string{"DATABASE_URL": "sqlite:/nonexistent-basketball-dir/x.db"}, want: "DATABASE_URL"},
		{name: "database URL by flag", args: []string{"--database-url", "mysql://x"}, want: "DATABASE_URL"},
		{name: "public URL with another scheme", env: map[string]string{"PUBLIC_URL": "ftp://example.com"}, want: "PUBLIC_URL"},
		{name: "relative public URL", env: map[string]string{"PUBLIC_URL": "example.com/tryouts"}, want: "PUBLIC_URL"},
		{name: "SMTP URL with another scheme", env: map[string]string{"SMTP_URL": "http://mail.example.com:25"}, want: "SMTP_URL"},
		{name: "SMTP URL without host", env: map[string]string{"SMTP_URL": "smtp://mailuser:hunter2secret@:2525"}, want: "SMTP_URL", secret: "hunter2secret"},
		{name: "SMTP URL with unescaped slash in password", env: map[string]string{"SMTP_URL": "smtp://mailuser:hunter2/secret@mail.example.com:25"}, want: "SMTP_URL", secret: "hunter2"},
		{name: "listen address without port", env: map[string]string{"LISTEN_ADDR": "localhost"}, want: "LISTEN_ADDR"},
		{name: "listen address with bad port", env: map[string]string{"LISTEN_ADDR": "127.0.0.1:99999"}, want: "LISTEN_ADDR", late: true},
		{name: "stripe API URL", env: map[string]string{"STRIPE_API_URL": "stripe-mock:12111"}, want: "STRIPE_API_URL"},
		{name: "keycloak without realm", env: map[string]string{"KEYCLOAK_URL": "http://127.0.0.1:8081", "KEYCLOAK_CLIENT_ID": "api", "KEYCLOAK_CLIENT_SECRET": "kcsecret"}, want: "KEYCLOAK_REALM", secret: "kcsecret"},
		{name: "rate limit not a number", env: map[string]string{"RATE_LIMIT_PER_MINUTE": "lots"}, want: "RATE_LIMIT_PER_MINUTE"},
		{name: "trust proxy not a bool", env: map[string]string{"TRUST_PROXY": "maybe"}, want: "TRUST_PROXY"},
		{name: "log format", env: map[string]string{"LOG_FORMAT": "xml"}, want: "LOG_FORMAT"},
		{name: "mail from", env: map[string]string{"MAIL_FROM": "not an address"}, want: "MAIL_FROM"},
		{name: "unreadable secret file", env: map[string]string{"STRIPE_SECRET_KEY_FILE": "/nonexistent-basketball-dir/key"}, want: "STRIPE_SECRET_KEY_FILE"},
		{name: "stray argument", args: []string{"now"}, want: "now"},
		{name: "reminder not a duration", env: map[string]string{"REMINDER_BEFORE": "1 day"}, want: "REMINDER_BEFORE"},
		{name: "negative reminder", env: map[string]string{"REMINDER_BEFORE": "-1h"}, want: "REMINDER_BEFORE"},
		{name: "unknown account delivery", env: map[string]string{"ACCOUNT_DELIVERY": "email"}, want: "ACCOUNT_DELIVERY"},
		{name: "account delivery by flag", args: []string{"--account-delivery", "Invite"}, want: "ACCOUNT_DELIVERY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			var out, errOut lockedBuffer
			m := testMain(t, env, &out, &errOut)
			// A bug that lets serve start must fail the test, not hang it.
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			m.Ready = func(addr string) {
				t.Errorf("serve listened on %s despite the bad configuration", addr)
				cancel()
			}
			code := m.Run(ctx, append([]string{"serve"}, tt.args...))
			if code == 0 {
				t.Errorf("exit 0, want a failure")
			}
			stderr := errOut.String()
			if tt.late {
				stderr = lastLine(stderr)
			}
			mustOneLine(t, stderr, tt.want)
			if tt.secret != "" && strings.Contains(errOut.String(), tt.secret) {
				t.Errorf("stderr shows the secret %q: %s", tt.secret, errOut.String())
			}
			if out.String() != "" {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
		})
	}
}

// TestServeListenAddrInUse checks that a taken port is reported as a
// LISTEN_ADDR problem.
func TestServeListenAddrInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, stderr := run(t, map[string]string{"LISTEN_ADDR": ln.Addr().String(), "MAIL_DIR": t.TempDir()}, "serve")
	if code == 0 {
		t.Errorf("exit 0 although %s is taken", ln.Addr())
	}
	// As for a bad port, the job workers log before the listen fails.
	mustOneLine(t, lastLine(stderr), "LISTEN_ADDR")
}

// printConfig runs serve --print-config and returns its settings by name.
func printConfig(t *testing.T, env map[string]string, args ...string) (map[string]string, string) {
	t.Helper()
	code, stdout, stderr := run(t, env, append([]string{"serve", "--print-config"}, args...)...)
	if code != 0 || stderr != "" {
		t.Fatalf("serve --print-config: exit %d, stderr:\n%s", code, stderr)
	}
	settings := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("print-config line without '=': %q", line)
		}
		settings[k] = v
	}
	return settings, stdout
}

// TestPrintConfigMasksSecrets checks that the effective configuration
// shows every setting but no secret.
func TestPrintConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	env := map[string]string{
		"DATABASE_URL":           dbURL,
		"STRIPE_SECRET_KEY":      "sk_test_123",
		"STRIPE_WEBHOOK_SECRET":  "whsec_topsecret",
		"KEYCLOAK_URL":           "http://127.0.0.1:8081",
		"KEYCLOAK_REALM":         "club",
		"KEYCLOAK_CLIENT_ID":     "basketball-api",
		"KEYCLOAK_CLIENT_SECRET": "kcsecret",
		"SMTP_URL":               "smtp://u:pw@127.0.0.1:2525",
	}
	got, out := printConfig(t, env)
	for _, secret := range []string{"sk_test_123", "whsec_topsecret", "kcsecret", ":pw@"} {
		if strings.Contains(out, secret) {
			t.Errorf("print-config shows the secret %q:\n%s", secret, out)
		}
	}
	for k, want := range map[string]string{
		"DATABASE_URL":      dbURL,
		"STRIPE_SECRET_KEY": "*****",
		"KEYCLOAK_URL":      "http://127.0.0.1:8081",
		"KEYCLOAK_REALM":    "club",
		"SMTP_URL":          "smtp://u:*****@127.0.0.1:2525",
		"LISTEN_ADDR":       ":8080",
		"MAIL_DIR":          "outbox",
		"REMINDER_BEFORE":   "24h0m0s",
		"ACCOUNT_DELIVERY":  "password",
	} {
		if got[k] != want {
			t.Errorf("%s=%q, want %q", k, got[k], want)
		}
	}
	// Every setting of SPEC "Configuration" is shown.
	for _, k := range []string{"DATABASE_URL", "LISTEN_ADDR", "PUBLIC_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
		"STRIPE_API_URL", "KEYCLOAK_URL", "KEYCLOAK_REALM", "KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET", "SMTP_URL",
		"MAIL_DIR", "MAIL_FROM", "REMINDER_BEFORE", "ACCOUNT_DELIVERY"} {
		if _, ok := got[k]; !ok {
			t.Errorf("print-config has no %s:\n%s", k, out)
		}
	}
	// An unset secret shows as empty, so an operator can tell it apart.
	if none, _ := printConfig(t, nil); none["STRIPE_SECRET_KEY"] != "" {
		t.Errorf("unset STRIPE_SECRET_KEY shows as %q", none["STRIPE_SECRET_KEY"])
	}

	// Flags override the environment and are masked the same way.
	got, out = printConfig(t, env, "--stripe-secret-key", "sk_flag_456", "--listen-addr", "127.0.0.1:9999")
	if strings.Contains(out, "sk_flag_456") || got["STRIPE_SECRET_KEY"] != "*****" {
		t.Errorf("flag secret shown: %s", out)
	}
	if got["LISTEN_ADDR"] != "127.0.0.1:9999" {
		t.Errorf("LISTEN_ADDR=%q, want the flag's value", got["LISTEN_ADDR"])
	}
}

// TestServeHelpHidesSecrets checks that serve --help, which shows each
// flag's default from the environment, does not show secrets.
func TestServeHelpHidesSecrets(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := run(t, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "KEYCLOAK_CLIENT_SECRET": "kcsecret",
		"SMTP_URL": "smtp://u:pw@127.0.0.1:2525", "PUBLIC_URL": "https://tryouts.example.org"}, "serve", "--help")
	if code != 0 {
		t.Fatalf("serve --help: exit %d:\n%s", code, stderr)
	}
	help := stdout + stderr
	if !strings.Contains(help, "tryouts.example.org") || !strings.Contains(help, "database-url") {
		t.Errorf("help does not list the flags with their defaults:\n%s", help)
	}
	for _, secret := range []string{"sk_test_123", "kcsecret", "pw@"} {
		if strings.Contains(help, secret) {
			t.Errorf("serve --help shows the secret %q", secret)
		}
	}
}

// TestSecretFromFile checks NAME_FILE: the secret is read from the file,
// trimmed, and still masked.
func TestSecretFromFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "stripe-key")
	if err := os.WriteFile(path, []byte("sk_file_456\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, out := printConfig(t, map[string]string{"STRIPE_SECRET_KEY_FILE": path})
	if got["STRIPE_SECRET_KEY"] != "*****" {
		t.Errorf("STRIPE_SECRET_KEY=%q, want it set (masked) from the file", got["STRIPE_SECRET_KEY"])
	}
	if strings.Contains(out, "sk_file_456") {
		t.Errorf("print-config shows the secret from the file:\n%s", out)
	}
	// TestServeUsesSecretFile proves the file's content is the key used.
}

// TestReminderAndDeliverySettings: REMINDER_BEFORE takes durations (0 is
// off), ACCOUNT_DELIVERY password or invite, from the environment or flags.
func TestReminderAndDeliverySettings(t *testing.T) {
	t.Parallel()
	got, _ := printConfig(t, map[string]string{"REMINDER_BEFORE": "0", "ACCOUNT_DELIVERY": "invite"})
	if got["REMINDER_BEFORE"] != "0s" || got["ACCOUNT_DELIVERY"] != "invite" {
		t.Errorf("REMINDER_BEFORE=%q ACCOUNT_DELIVERY=%q", got["REMINDER_BEFORE"], got["ACCOUNT_DELIVERY"])
	}
	got, _ = printConfig(t, nil, "--reminder-before", "90m", "--account-delivery", "password")
	if got["REMINDER_BEFORE"] != "1h30m0s" || got["ACCOUNT_DELIVERY"] != "password" {
		t.Errorf("by flag: REMINDER_BEFORE=%q ACCOUNT_DELIVERY=%q", got["REMINDER_BEFORE"], got["ACCOUNT_DELIVERY"])
	}
}
