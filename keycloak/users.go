package keycloak

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
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
}

// NewUser is what CreateUser needs; the username is the email.
type NewUser struct {
	Email      string
	FirstName  string
	LastName   string
	Attributes map[string][]string
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
	Username      string                     `json:"username"`
	Email         string                     `json:"email"`
	FirstName     string                     `json:"firstName,omitempty"`
	LastName      string                     `json:"lastName,omitempty"`
	Enabled       bool                       `json:"enabled"`
	EmailVerified bool                       `json:"emailVerified"`
	Attributes    map[string][]string        `json:"attributes,omitempty"`
	Credentials   []credentialRepresentation `json:"credentials"`
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

// CreateUser creates an enabled user named by its email, with password as
// a temporary credential, and returns the new user's ID. The email is
// marked verified: the password reaches the parent only through it. When the username or
// email is taken it returns an error wrapping ErrUserExists.
func (c *Client) CreateUser(ctx context.Context, u NewUser, password string) (id string, err error) {
	if strings.TrimSpace(u.Email) == "" {
		return "", errors.New("keycloak: create user: email is required")
	}
	if password == "" {
		return "", errors.New("keycloak: create user: password is required")
	}
	k := call{
		method: http.MethodPost,
		path:   c.adminPath("users"),
		body: userRepresentation{
			Username:      u.Email,
			Email:         u.Email,
			FirstName:     u.FirstName,
			LastName:      u.LastName,
			Enabled:       true,
			EmailVerified: true,
			Attributes:    u.Attributes,
			Credentials:   []credentialRepresentation{temporaryPassword(password)},
		},
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
