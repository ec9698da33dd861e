package web

import (
	"strings"
	"testing"
)

func TestRateKey(t *testing.T) {
	for _, tc := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"not an ip", "not an ip"},
	} {
		if got := rateKey(tc.ip); got != tc.want {
			t.Errorf("rateKey(%q) = %q, want %q", tc.ip, got, tc.want)
		}
	}
}

func TestMetricMethod(t *testing.T) {
	for m, want := range map[string]string{"GET": "GET", "POST": "POST", "OPTIONS": "OPTIONS", "get": "other",
		"FOO": "other", strings.Repeat("X", 1000): "other"} {
		if got := metricMethod(m); got != want {
			t.Errorf("metricMethod(%.20q) = %q, want %q", m, got, want)
		}
	}
}

func TestLogField(t *testing.T) {
	if got := logField("/api/v1/clubs/tigers"); got != "/api/v1/clubs/tigers" {
		t.Errorf("short field changed: %q", got)
	}
	long := strings.Repeat("é", 1000) // 2000 bytes
	got := logField(long)
	if !strings.HasSuffix(got, "…[truncated, 2000 bytes]") || len(got) > maxLogField+40 {
		t.Errorf("logField of 2000 bytes = %d bytes: %.60q…", len(got), got)
	}
	if !strings.HasPrefix(got, strings.Repeat("é", maxLogField/2)) {
		t.Errorf("logField cut a character in two: %.60q", got)
	}
}
