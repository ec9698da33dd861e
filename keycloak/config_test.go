package keycloak

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	valid := testConfig("https://auth.example.org")
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string // "" means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"valid with path prefix", func(c *Config) { c.URL = "http://localhost:8180/auth/" }, ""},
		{"empty URL", func(c *Config) { c.URL = "" }, "URL is required"},
		{"URL does not parse", func(c *Config) { c.URL = "http://[::1" }, "does not parse"},
		{"scheme", func(c *Config) { c.URL = "ftp://auth.example.org" }, "http or https"},
		{"no scheme", func(c *Config) { c.URL = "auth.example.org" }, "http or https"},
		{"no host", func(c *Config) { c.URL = "https://" }, "no host"},
		{"credentials in URL", func(c *Config) { c.URL = "https://u:p@auth.example.org" }, "credentials"},
		{"query in URL", func(c *Config) { c.URL = "https://auth.example.org/?a=b" }, "query"},
		{"realm", func(c *Config) { c.Realm = "" }, "realm"},
		{"client id", func(c *Config) { c.ClientID = "" }, "client id"},
		{"client secret", func(c *Config) { c.ClientSecret = "" }, "client secret"},
		{"negative timeout", func(c *Config) { c.Timeout = -1 }, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.mutate(&cfg)
			_, err := New(cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New: got %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewDefaultsTimeout(t *testing.T) {
	t.Parallel()
	cfg := testConfig("https://auth.example.org")
	cfg.Timeout = 0
	c := mustNew(t, cfg)
	if c.cfg.Timeout != DefaultTimeout || c.http.Timeout != DefaultTimeout {
		t.Fatalf("timeouts = %s / %s, want %s", c.cfg.Timeout, c.http.Timeout, DefaultTimeout)
	}
}

func TestConfigAndClientNeverPrintSecret(t *testing.T) {
	t.Parallel()
	cfg := testConfig("https://auth.example.org")
	c := mustNew(t, cfg)

	var jsonLog, textLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "keycloak", cfg)
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("config", "keycloak", cfg)
	marshalled, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	outputs := map[string]string{
		"%v":         fmt.Sprintf("%v", cfg),
		"%+v":        fmt.Sprintf("%+v", cfg),
		"%#v":        fmt.Sprintf("%#v", cfg),
		"%+v ptr":    fmt.Sprintf("%+v", &cfg),
		"json":       string(marshalled),
		"slog json":  jsonLog.String(),
		"slog text":  textLog.String(),
		"client %v":  fmt.Sprintf("%v", c),
		"client %+v": fmt.Sprintf("%+v", c),
		"client %#v": fmt.Sprintf("%#v", *c),
	}
	for name, out := range outputs {
		if strings.Contains(out, "Cl1ent") {
			t.Errorf("%s prints the secret: %s", name, out)
		}
	}
	if !strings.Contains(outputs["%v"], "auth.example.org") || !strings.Contains(outputs["slog json"], testClientID) {
		t.Errorf("config output lost its useful fields: %s / %s", outputs["%v"], outputs["slog json"])
	}
}

func TestLoginURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, realm, want string }{
		{"https://auth.example.org", "basketball", "https://auth.example.org/realms/basketball/account"},
		{"https://auth.example.org/", "basketball", "https://auth.example.org/realms/basketball/account"},
		{"http://localhost:8180/auth", "club one", "http://localhost:8180/auth/realms/club%20one/account"},
	}
	for _, tt := range tests {
		cfg := testConfig(tt.url)
		cfg.Realm = tt.realm
		if got := mustNew(t, cfg).LoginURL(); got != tt.want {
			t.Errorf("LoginURL(%s, %s) = %s, want %s", tt.url, tt.realm, got, tt.want)
		}
	}
}
