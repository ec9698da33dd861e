package keycloak

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

var (
	// ErrUserExists means Keycloak answered 409: a user with that username
	// or email exists already.
	ErrUserExists = errors.New("keycloak: user exists")
	// ErrNotFound means no user matched (search) or the user is unknown
	// (404).
	ErrNotFound = errors.New("keycloak: not found")
)

// maxErrorText bounds how much of a response body an error quotes.
const maxErrorText = 200

// APIError is a non-2xx answer from Keycloak. Message is Keycloak's
// errorMessage or error (or the start of the body), with secrets removed.
type APIError struct {
	Method  string
	Path    string // without query: an email in a query is not for logs
	Status  int
	Message string
}

// Error gives method, path, status and Keycloak's explanation.
func (e *APIError) Error() string {
	s := fmt.Sprintf("keycloak: %s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap lets errors.Is match ErrUserExists (409) and ErrNotFound (404).
func (e *APIError) Unwrap() error {
	switch e.Status {
	case http.StatusConflict:
		return ErrUserExists
	case http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

// requestError is a failure that produced no usable answer (network,
// timeout, token). Its text is built once, with secrets removed, so that
// neither Error nor a wrapped cause's text can leak them; Unwrap keeps
// errors.Is(err, context.DeadlineExceeded) working.
type requestError struct {
	msg   string
	cause error
	// notSent: the failure happened before the request left (see NotSent).
	notSent bool
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.cause }

// redactor removes known secrets from text that is about to go into an
// error.
type redactor []string

// apply replaces each secret in s, as is and in the encoded forms a server
// echoing a request would use (form/query and JSON string escaping).
func (r redactor) apply(s string) string {
	for _, secret := range r {
		if secret == "" {
			continue
		}
		forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
		if j, err := json.Marshal(secret); err == nil {
			forms = append(forms, string(j[1:len(j)-1]))
		}
		for _, f := range forms {
			s = strings.ReplaceAll(s, f, "[redacted]")
		}
	}
	return s
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
