package keycloak

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// User is a Keycloak user as the admin API represents it.
type User struct {
	ID         string              `json:"id"`
	Username   string              `json:"username"`
	Email      string              `json:"email"`
	FirstName  string              `json:"firstName"`
	LastName   string              `json:"lastName"`
	Enabled    bool                `json:"enabled"`
	Attributes map[string][]string `json:"attributes"`
	// EmailVerified and RequiredActions are as Keycloak holds them: a
	// user with VERIFY_EMAIL pending cannot log in before confirming the
	// address.
	EmailVerified   bool     `json:"emailVerified"`
	RequiredActions []string `json:"requiredActions"`
}

// Required actions Keycloak asks of a user at the next login.
const (
	ActionVerifyEmail    = "VERIFY_EMAIL"
	ActionUpdatePassword = "UPDATE_PASSWORD"
)

// NewUser is what CreateUser needs; the username is the email.
type NewUser struct {
	Email      string
	FirstName  string
	LastName   string
	Attributes map[string][]string
	// EmailVerified marks the address as the user's own: set it only when
	// the only way to the account goes through that mailbox (the password
	// is emailed there). RequiredActions are asked at the first login,
	// e.g. ActionVerifyEmail for an account whose password was shown to
	// whoever submitted the address.
	EmailVerified   bool
	RequiredActions []string
}

// FindUserByEmail returns the user whose email is email, compared without
// regard to case as Keycloak stores emails lower-cased. It returns an error
// wrapping ErrNotFound when there is none.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (User, error) {
	if strings.TrimSpace(email) == "" {
		// An empty filter would list every user of the realm.
		return User{}, errors.New("keycloak: find user: email is required")
	}
	k := call{
		method: http.MethodGet,
		path:   c.adminPath("users"),
		query:  url.Values{"email": {email}, "exact": {"true"}},
	}
	var users []User
	if _, err := c.do(ctx, k, &users); err != nil {
		return User{}, err
	}
	// Older Keycloak versions ignore exact and match substrings: filter
	// here too.
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			return u, nil
		}
	}
	return User{}, fmt.Errorf("keycloak: no user with that email: %w", ErrNotFound)
}

// userRepresentation is the body of a user creation.
type userRepresentation struct {
	Username        string                     `json:"username"`
	Email           string                     `json:"email"`
	FirstName       string                     `json:"firstName,omitempty"`
	LastName        string                     `json:"lastName,omitempty"`
	Enabled         bool                       `json:"enabled"`
	EmailVerified   bool                       `json:"emailVerified"`
	Attributes      map[string][]string        `json:"attributes,omitempty"`
	RequiredActions []string                   `json:"requiredActions,omitempty"`
	Credentials     []credentialRepresentation `json:"credentials,omitempty"`
}

type credentialRepresentation struct {
	Type      string `json:"type"`
	Value     string `json:"value"`
	Temporary bool   `json:"temporary"`
}

// temporaryPassword is a password Keycloak makes the user change at first
// login.
func temporaryPassword(value string) credentialRepresentation {
	return credentialRepresentation{Type: "password", Value: value, Temporary: true}
}

// CreateUser creates an enabled user named by its email and returns the
// new user's ID. A non-empty password is set as a temporary credential;
// with an empty one the user has no password (send it Keycloak's own
// set-password email with ExecuteActionsEmail). When the username or email
// is taken it returns an error wrapping ErrUserExists.
func (c *Client) CreateUser(ctx context.Context, u NewUser, password string) (id string, err error) {
	if strings.TrimSpace(u.Email) == "" {
		return "", errors.New("keycloak: create user: email is required")
	}
	rep := userRepresentation{
		Username:        u.Email,
		Email:           u.Email,
		FirstName:       u.FirstName,
		LastName:        u.LastName,
		Enabled:         true,
		EmailVerified:   u.EmailVerified,
		Attributes:      u.Attributes,
		RequiredActions: u.RequiredActions,
	}
	if password != "" {
		rep.Credentials = []credentialRepresentation{temporaryPassword(password)}
	}
	k := call{
		method:  http.MethodPost,
		path:    c.adminPath("users"),
		body:    rep,
		secrets: []string{password},
	}
	h, err := c.do(ctx, k, nil)
	if err != nil {
		return "", err
	}
	id, err = idFromLocation(h.Get("Location"))
	if err != nil {
		// The user exists now: a proxy that drops Location must not make
		// the caller retry a creation that succeeded.
		if found, ferr := c.FindUserByEmail(ctx, u.Email); ferr == nil {
			return found.ID, nil
		}
		return "", fmt.Errorf("keycloak: %s %s: %w", k.method, k.path, err)
	}
	return id, nil
}

// idFromLocation extracts the user ID from the Location Keycloak sends with
// 201: {URL}/admin/realms/{realm}/users/{id}.
func idFromLocation(loc string) (string, error) {
	u, err := url.Parse(loc)
	if loc == "" || err != nil {
		return "", errors.New("created, but the answer has no usable Location header")
	}
	dir, id := path.Split(strings.TrimRight(u.Path, "/"))
	if id == "" || !strings.HasSuffix(dir, "/users/") {
		return "", errors.New("created, but the Location header does not name a user")
	}
	return id, nil
}

// ResetPassword replaces the user's password with a temporary one. It
// returns an error wrapping ErrNotFound when the user does not exist.
func (c *Client) ResetPassword(ctx context.Context, userID, password string) error {
	if userID == "" {
		return errors.New("keycloak: reset password: user id is required")
	}
	if password == "" {
		return errors.New("keycloak: reset password: password is required")
	}
	_, err := c.do(ctx, call{
		method:  http.MethodPut,
		path:    c.adminPath("users", userID, "reset-password"),
		body:    temporaryPassword(password),
		secrets: []string{password},
	}, nil)
	return err
}

// AccountClient is the realm's account console client: Keycloak's
// set-password link returns the user to it, at LoginURL.
const AccountClient = "account-console"

// ExecuteActionsEmail asks Keycloak to email the user a link that lets
// them perform actions (e.g. ActionUpdatePassword: choose a password),
// valid for lifespan (rounded to whole seconds, at least one), returning
// to the account console. The realm must have SMTP configured; Keycloak
// answers 500 when it cannot send, which is returned as an *APIError.
func (c *Client) ExecuteActionsEmail(ctx context.Context, userID string, actions []string, lifespan time.Duration) error {
	if userID == "" {
		return errors.New("keycloak: execute actions email: user id is required")
	}
	if len(actions) == 0 {
		return errors.New("keycloak: execute actions email: at least one action is required")
	}
	secs := max(int64(lifespan/time.Second), 1)
	k := call{
		method: http.MethodPut,
		path:   c.adminPath("users", userID, "execute-actions-email"),
		query: url.Values{
			"lifespan":     {strconv.FormatInt(secs, 10)},
			"client_id":    {AccountClient},
			"redirect_uri": {c.LoginURL() + "/"},
		},
		body: actions,
	}
	// A token is fetched first, so that failing to get one is told apart
	// from a request that may have reached Keycloak (see NotSent).
	if _, err := c.tokens.Token(); err != nil {
		re := c.requestError(k, fmt.Errorf("get a token: %w", err), redactor{c.cfg.ClientSecret}).(*requestError)
		re.notSent = true
		return re
	}
	_, err := c.do(ctx, k, nil)
	return err
}

// NotSent reports whether err, from a call of this package, means
// Keycloak certainly did not act on the request: it answered with an
// error status, or the request never left (no token, no connection).
// After a timeout or a connection lost mid-request it reports false: the
// request may have been carried out.
func NotSent(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		return true
	}
	var re *requestError
	if !errors.As(err, &re) {
		return false
	}
	var op *net.OpError
	if errors.As(re.cause, &op) && op.Op == "dial" {
		return true
	}
	var tokenErr *oauth2.RetrieveError
	return re.notSent || errors.As(re.cause, &tokenErr)
}
