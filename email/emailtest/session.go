package emailtest

import (
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var (
	errDown = &smtp.SMTPError{
		Code:         451,
		EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message:      "Temporary failure, try again later",
	}
	errAuthRequired = &smtp.SMTPError{
		Code:         530,
		EnhancedCode: smtp.EnhancedCode{5, 7, 0},
		Message:      "Authentication required",
	}
)

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session is one SMTP connection's state.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string // authenticated user, "" when none
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if _, _, required := ss.s.credentials(); required {
		return []string{sasl.Plain}
	}
	return nil
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		user, pass, required := ss.s.credentials()
		if !required {
			return smtp.ErrAuthUnsupported
		}
		okUser := subtle.ConstantTimeCompare([]byte(username), []byte(user)) == 1
		okPass := subtle.ConstantTimeCompare([]byte(password), []byte(pass)) == 1
		if !okUser || !okPass || (identity != "" && identity != username) {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if _, _, required := ss.s.credentials(); required && ss.user == "" {
		return errAuthRequired
	}
	if ss.s.hold() || ss.s.isDown() {
		return errDown
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.isDown() {
		return errDown
	}
	rec, err := ParseEML(raw)
	if err != nil {
		// Refusing makes a malformed message fail the sender's call, which
		// points at the bug more directly than a missing message would.
		return &smtp.SMTPError{
			Code:         554,
			EnhancedCode: smtp.EnhancedCode{5, 6, 0},
			Message:      fmt.Sprintf("Unparseable message: %v", err),
		}
	}
	rec.From = ss.from
	rec.To = append([]string(nil), ss.to...)
	_, rec.TLS = ss.conn.TLSConnectionState()
	rec.User = ss.user
	ss.s.add(rec)
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }
