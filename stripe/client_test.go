package stripe

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"defaults", Config{SecretKey: testKey}, false},
		{"custom url and timeout", Config{SecretKey: testKey, APIURL: "http://127.0.0.1:12111", Timeout: 5 * time.Second}, false},
		{"no key", Config{}, true},
		{"negative timeout", Config{SecretKey: testKey, Timeout: -time.Second}, true},
		{"timeout too close to 30s", Config{SecretKey: testKey, Timeout: 29 * time.Second}, true},
		{"relative url", Config{SecretKey: testKey, APIURL: "localhost:12111"}, true},
		{"unsupported scheme", Config{SecretKey: testKey, APIURL: "ftp://example.com"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the key: %v", err)
			}
			if err == nil && tt.cfg.Timeout == 0 && c.timeout != DefaultTimeout {
				t.Errorf("timeout = %s, want default %s", c.timeout, DefaultTimeout)
			}
		})
	}
}

func TestSecretKeyNeverPrinted(t *testing.T) {
	t.Parallel()
	cfg := Config{SecretKey: testKey, APIURL: "http://127.0.0.1:1", Timeout: time.Second}
	c := mustNew(t, cfg)

	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "stripe", cfg)
	outputs := map[string]string{
		"%v config":   fmt.Sprintf("%v", cfg),
		"%+v config":  fmt.Sprintf("%+v", cfg),
		"%#v config":  fmt.Sprintf("%#v", cfg),
		"%v *config":  fmt.Sprintf("%v", &cfg),
		"%+v client":  fmt.Sprintf("%+v", c),
		"%#v client":  fmt.Sprintf("%#v", c),
		"slog config": logged.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, testKey) || strings.Contains(out, "SuperSecret") {
			t.Errorf("%s leaks the key: %s", name, out)
		}
	}
	if !strings.Contains(outputs["%v config"], "127.0.0.1:1") {
		t.Errorf("config output lost the non-secret fields: %s", outputs["%v config"])
	}
}
