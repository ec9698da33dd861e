package keycloak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// op runs one client call; the table tests below run each of them.
type op struct {
	name string
	run  func(c *Client, password string) error
}

var ops = []op{
	{"find", func(c *Client, _ string) error {
		_, err := c.FindUserByEmail(context.Background(), "ann@example.org")
		return err
	}},
	{"create", func(c *Client, password string) error {
		_, err := c.CreateUser(context.Background(), NewUser{Email: "ann@example.org"}, password)
		return err
	}},
	{"reset", func(c *Client, password string) error {
		return c.ResetPassword(context.Background(), "some-id", password)
	}},
}

func TestServerDown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.kc.SetDown(true)
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			err := o.run(b.client, "pw-123456789")
			if err == nil || !strings.Contains(err.Error(), "503") {
				t.Fatalf("got %v, want an error naming 503", err)
			}
		})
	}
}

func TestServerUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := mustNew(t, testConfig("http://"+addr))
	for _, o := range ops {
		if err := o.run(c, "pw-123456789"); err == nil {
			t.Errorf("%s: no error from an unreachable server", o.name)
		}
	}
}

// A server that accepts the connection and never answers must not hang a
// job: each request ends with a timeout error. Nothing measures time; a
// missing timeout shows as a test that hangs until go test kills it.
func TestHangingServerTimesOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		hangToken bool // else the admin API hangs
	}{
		{"admin API hangs", false},
		{"token endpoint hangs", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			hang := func(w http.ResponseWriter, r *http.Request) {
				// The server notices a client gone, and cancels
				// r.Context, only once the body has been read.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}
			var token, admin http.HandlerFunc = nil, hang
			if tt.hangToken {
				token, admin = hang, nil
			}
			srv := newStubWithToken(t, token, admin)
			t.Cleanup(func() { close(release) }) // before srv.Close, which waits for handlers

			cfg := testConfig(srv.URL)
			cfg.Timeout = 50 * time.Millisecond
			for _, o := range ops {
				err := o.run(mustNew(t, cfg), "pw-123456789")
				if !isTimeout(err) {
					t.Errorf("%s: got %v, want a timeout", o.name, err)
				}
			}
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func TestErrorStatusAndMessage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 500)
	tests := []struct {
		name      string
		status    int
		body      string
		want      []string
		wantIs    error
		wantShort bool
	}{
		{"keycloak errorMessage", 400, `{"errorMessage":"Password policy not met"}`, []string{"400 Bad Request", "Password policy not met"}, nil, false},
		{"oauth style error", 403, `{"error":"unknown_error","error_description":"forbidden"}`, []string{"403 Forbidden", "unknown_error; forbidden"}, nil, false},
		{"not JSON", 502, "<html>Bad gateway</html>", []string{"502 Bad Gateway", "<html>Bad gateway</html>"}, nil, false},
		{"404 is ErrNotFound", 404, `{"error":"User not found"}`, []string{"404", "User not found"}, ErrNotFound, false},
		{"409 is ErrUserExists", 409, `{"errorMessage":"User exists with same email"}`, []string{"409", "same email"}, ErrUserExists, false},
		{"long body truncated", 500, long, []string{"500"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			err := mustNew(t, testConfig(srv.URL)).ResetPassword(context.Background(), "u1", "pw-123456789")
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range append(tt.want, "PUT /admin/realms/basketball/users/u1/reset-password") {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if tt.wantShort && len(msg) > 400 {
				t.Errorf("error is %d bytes; the body was not truncated", len(msg))
			}
		})
	}
}

// Whatever a server echoes back, errors carry neither the password being
// sent nor the client secret, in any encoding.
func TestErrorsNeverContainSecrets(t *testing.T) {
	t.Parallel()
	password := `pw+"with"/odd&chars?=` + mustGeneratePassword(t)
	echoJSON := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"error":             "invalid_request",
			"errorMessage":      "you sent " + string(body),
			"error_description": "form " + r.Form.Encode() + " " + r.Header.Get("Authorization"),
		})
	}
	echoRaw := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(body)
	}
	tests := []struct {
		name        string
		token, user http.HandlerFunc
	}{
		{"token endpoint echoes its form", echoJSON, nil},
		{"token endpoint echoes raw", echoRaw, nil},
		{"admin API echoes JSON", nil, echoJSON},
		{"admin API echoes raw", nil, echoRaw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStubWithToken(t, tt.token, tt.user)
			for _, o := range ops {
				err := o.run(mustNew(t, testConfig(srv.URL)), password)
				if err == nil {
					t.Fatalf("%s: no error", o.name)
				}
				assertNoSecret(t, err, password, testSecret)
			}
		})
	}
}

// assertNoSecret fails when err's text, in any print form, holds one of
// the secrets as is, form-encoded or JSON-escaped.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
	for _, s := range secrets {
		j, _ := json.Marshal(s)
		for _, form := range []string{s, url.QueryEscape(s), string(j[1 : len(j)-1])} {
			for _, text := range texts {
				if strings.Contains(text, form) {
					t.Errorf("error leaks a secret (%q): %s", form, text)
				}
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdef", 3, "abc…"},
		{"ééé", 3, "é…"}, // never half a rune
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
