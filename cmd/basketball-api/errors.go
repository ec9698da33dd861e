package main

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"basketball"
)

// flagOf maps the domain's field names, which are the JSON API's, to the
// flags that set them: a person at a terminal typed --percent-off, not
// percent_off. "discount" names no single flag; its message says which.
var flagOf = map[string]string{
	"slug": "--slug", "name": "--name", "email_from": "--email-from",
	"starts_at": "--starts-at", "ends_at": "--ends-at", "timezone": "--timezone", "location": "--location",
	"fee_cents": "--fee-cents", "currency": "--currency", "capacity": "--capacity",
	"code": "--code", "percent_off": "--percent-off", "amount_off_cents": "--amount-off-cents",
	"max_uses": "--max-uses", "expires_at": "--expires-at", "discount": "",
}

// fieldWord finds the field names inside a message ("must be after
// starts_at").
var fieldWord = regexp.MustCompile(`\b(starts_at|ends_at|email_from|fee_cents|percent_off|amount_off_cents|max_uses|expires_at)\b`)

func flagWords(msg string) string {
	return fieldWord.ReplaceAllStringFunc(msg, func(f string) string { return flagOf[f] })
}

// notFoundHint tells where to look up what exists, for each not-found code.
var notFoundHint = map[string]string{
	basketball.EClubNotFound:         `"basketball-api club list" shows the clubs`,
	basketball.ETryoutNotFound:       `"basketball-api tryout list --club S" shows a club's tryouts`,
	basketball.ERegistrationNotFound: `"basketball-api registrations list --club S" shows a club's registrations`,
}

// isClientError reports whether a store error was caused by the arguments:
// bad values, a taken name, or something named that does not exist.
func isClientError(err error) bool {
	switch basketball.ErrorCode(err) {
	case basketball.EInvalid, basketball.EConflict, basketball.EClubNotFound, basketball.ETryoutNotFound,
		basketball.ERegistrationNotFound, basketball.ENotFound, basketball.EInvalidPromo:
		return true
	}
	return false
}

func asDomainError(err error) (*basketball.Error, bool) {
	var e *basketball.Error
	ok := errors.As(err, &e)
	return e, ok
}

// describe renders a domain error as one line for a person: each bad
// field under the flag that sets it, in words, and never the error's
// internal code.
func describe(err error) string {
	var e *basketball.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if len(e.Fields) == 0 {
		msg := flagWords(e.Message)
		if hint := notFoundHint[e.Code]; hint != "" && strings.HasPrefix(msg, "no ") {
			msg = "there is " + msg + "; " + hint
		}
		return msg
	}
	parts := make([]string, 0, len(e.Fields))
	for field, msg := range e.Fields {
		flag, known := flagOf[field]
		switch {
		case strings.HasPrefix(field, "--"):
			flag = field // the command's own check, already named by flag
		case !known:
			flag = field
		}
		msg = flagWords(msg)
		if flag != "" {
			msg = flag + ": " + msg
		}
		parts = append(parts, msg)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
