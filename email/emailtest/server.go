// Package emailtest runs an in-process SMTP server for tests, so that code
// which sends email can be checked end to end without a real mail server.
//
// The server listens on loopback only, keeps every accepted message in
// memory, and can be told to fail (SetDown) or to require SMTP AUTH
// (RequireAuth), which is what retry and configuration tests need.
package emailtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Server is an in-process SMTP server bound to 127.0.0.1.
type Server struct {
	addr     *net.TCPAddr
	scheme   string
	certPool *x509.CertPool

	mu       sync.Mutex
	messages []Received
	// changed is closed and replaced whenever a message arrives, so that
	// WaitForMessages can block without polling.
	changed  chan struct{}
	down     bool
	authUser string
	authPass string
	// stall, when not nil, holds every MAIL command until it is closed;
	// held counts the commands held so far.
	stall chan struct{}
	held  int
}

// Option changes how NewServer sets up the server.
type Option func(*options)

type options struct {
	startTLS    bool
	implicitTLS bool
}

// WithStartTLS makes the server offer STARTTLS with a self-signed certificate
// for 127.0.0.1; clients must trust CertPool().
func WithStartTLS() Option { return func(o *options) { o.startTLS = true } }

// WithImplicitTLS makes the server speak TLS from the first byte (smtps) with
// a self-signed certificate for 127.0.0.1; clients must trust CertPool().
func WithImplicitTLS() Option { return func(o *options) { o.implicitTLS = true } }

// NewServer starts a server on 127.0.0.1 with a random port. It is closed by
// t.Cleanup. Without options it offers neither STARTTLS nor AUTH.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}

	s := &Server{scheme: "smtp", changed: make(chan struct{})}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	// Loopback only: PLAIN without TLS exposes nothing, and real clients
	// (go-mail, net/smtp) allow it for 127.0.0.1.
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	// Protocol noise (clients hanging up) is not a test failure.
	srv.ErrorLog = log.New(io.Discard, "", 0)

	var tlsConfig *tls.Config
	if o.startTLS || o.implicitTLS {
		cert, pool, err := selfSignedCert()
		if err != nil {
			t.Fatalf("emailtest: make certificate: %v", err)
		}
		s.certPool = pool
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("emailtest: listen: %v", err)
	}
	s.addr = ln.Addr().(*net.TCPAddr)
	switch {
	case o.implicitTLS:
		s.scheme = "smtps"
		ln = tls.NewListener(ln, tlsConfig)
	case o.startTLS:
		srv.TLSConfig = tlsConfig
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns when Close is called
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		// srv.Close only closes listeners Serve has registered; if the
		// goroutine has not got that far, closing ln ourselves still makes
		// Serve return.
		_ = ln.Close()
		<-done
	})
	return s
}

// URL is the address of the server as an SMTP_URL, without credentials:
// "smtp://127.0.0.1:PORT" (or "smtps://…" with WithImplicitTLS).
func (s *Server) URL() string {
	return s.scheme + "://" + s.hostPort()
}

// URLWithAuth is URL with user and password in its userinfo, escaped as
// SMTP_URL expects.
func (s *Server) URLWithAuth(user, pass string) string {
	u := url.URL{Scheme: s.scheme, User: url.UserPassword(user, pass), Host: s.hostPort()}
	return u.String()
}

func (s *Server) hostPort() string {
	return net.JoinHostPort(s.addr.IP.String(), strconv.Itoa(s.addr.Port))
}

// CertPool holds the server's self-signed certificate when it was started
// with WithStartTLS or WithImplicitTLS; nil otherwise.
func (s *Server) CertPool() *x509.CertPool { return s.certPool }

// Messages returns a copy of every message accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneAll(s.messages)
}

// WaitForMessages blocks until at least n messages have been accepted and
// returns all of them, or returns ctx's error together with what arrived.
func (s *Server) WaitForMessages(ctx context.Context, n int) ([]Received, error) {
	for {
		s.mu.Lock()
		if len(s.messages) >= n {
			msgs := cloneAll(s.messages)
			s.mu.Unlock()
			return msgs, nil
		}
		changed := s.changed
		s.mu.Unlock()

		select {
		case <-changed:
		case <-ctx.Done():
			got := s.Messages()
			return got, fmt.Errorf("emailtest: waiting for %d messages, got %d: %w", n, len(got), ctx.Err())
		}
	}
}

// SetDown makes the server answer 451 (temporary failure) to MAIL and DATA
// while down is true, as a mail server does during an outage.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Stall makes the server hold every MAIL command without answering, as a
// mail server that hangs, until Release; the sender is then told 451. A
// process killed while its email is held never delivered it.
func (s *Server) Stall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall == nil {
		s.stall = make(chan struct{})
	}
}

// Release ends a Stall.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall != nil {
		close(s.stall)
		s.stall = nil
	}
}

// WaitHeld blocks until at least n MAIL commands have been held by Stall.
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		held, changed := s.held, s.changed
		s.mu.Unlock()
		if held >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("emailtest: %d MAIL commands held, want %d: %w", held, n, ctx.Err())
		case <-changed:
		}
	}
}

// hold waits out a Stall, reporting whether the command was held.
func (s *Server) hold() bool {
	s.mu.Lock()
	stall := s.stall
	if stall != nil {
		s.held++
		close(s.changed)
		s.changed = make(chan struct{})
	}
	s.mu.Unlock()
	if stall == nil {
		return false
	}
	<-stall
	return true
}

// RequireAuth makes the server advertise AUTH PLAIN and refuse MAIL until a
// client has authenticated with exactly user and pass.
func (s *Server) RequireAuth(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authUser, s.authPass = user, pass
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

func (s *Server) credentials() (user, pass string, required bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authUser, s.authPass, s.authUser != ""
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

func cloneAll(in []Received) []Received {
	out := make([]Received, len(in))
	for i, r := range in {
		out[i] = r.clone()
	}
	return out
}
