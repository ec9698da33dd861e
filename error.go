package basketball

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the HTTP contract (SPEC.md): clients switch
// on them, so they never change once published.
const (
	EInvalid                = "invalid_request"
	EInvalidPromo           = "invalid_promo_code"
	EClubNotFound           = "club_not_found"
	ETryoutNotFound         = "tryout_not_found"
	ERegistrationNotFound   = "registration_not_found"
	ENotFound               = "not_found"
	EConflict               = "conflict"
	ERegistrationClosed     = "registration_closed"
	ETryoutFull             = "tryout_full"
	EAlreadyRegistered      = "already_registered"
	ENotPayable             = "registration_not_payable"
	EInvalidState           = "invalid_state"
	ETooManyPending         = "too_many_pending"
	EPaymentUnavailable     = "payment_provider_unavailable"
	EPaymentsNotConfigured  = "payments_not_configured"
	EBodyTooLarge           = "body_too_large"
	ERateLimited            = "rate_limited"
	EMethodNotAllowed       = "method_not_allowed"
	EInternal               = "internal"
	EBadSignature           = "bad_signature"
	EUnsupportedContentType = "unsupported_media_type"
	EUnauthenticated        = "unauthenticated" // no valid staff session or bearer token
	EForbidden              = "forbidden"       // signed in, but not staff of that club
	// EUnavailable: something we depend on cannot serve now (the SQLite
	// file was deleted, replaced or made read-only; the OIDC issuer is
	// down); retry later.
	EUnavailable = "unavailable"
)

// Error is the one error type of the domain. Code is machine readable,
// Message is safe to show to the client, Fields names the offending input
// fields (for EInvalid) and RegistrationID is set when a registration was
// kept despite the error (payment provider down).
type Error struct {
	Code           string
	Message        string
	Fields         map[string]string
	RegistrationID string
	Err            error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrors returns an EInvalid error naming each bad field.
func FieldErrors(fields map[string]string) *Error {
	return &Error{Code: EInvalid, Message: "some fields are invalid", Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EInternal for any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-safe message of err: the message of its
// *Error, or a generic text for internal errors, whose details stay in logs.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
