package basketball

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Account is a parent's login that a registration's post-payment step
// created or re-issued, with its temporary password. The password lives
// only in memory between the identity provider and the email (or the free
// path's answer): every way of printing an Account leaves it out.
type Account struct {
	Email, Password, LoginURL string
}

// Format keeps the password out of every fmt verb.
func (a Account) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{Email:%s Password:[REDACTED] LoginURL:%s}", a.Email, a.LoginURL)
}

// LogValue keeps the password out of slog output.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(slog.String("email", a.Email), slog.String("login_url", a.LoginURL))
}

// MarshalJSON redacts the password, so an Account that ends up in JSON
// (job arguments, a log line) never carries it. An HTTP answer that must
// carry it builds its own body.
func (a Account) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct{ Email, Password, LoginURL string }{a.Email, "[REDACTED]", a.LoginURL})
}

// PostPaymentResult says what a run of the post-payment step did: Account
// is the login it created or re-issued (with its temporary password), nil
// when the parent already had one, provisioning is off, or the work was
// done before; Sent says this run sent the confirmation.
type PostPaymentResult struct {
	Account *Account
	Sent    bool
}
