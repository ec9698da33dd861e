package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"basketball"
)

// statusOf maps error codes to HTTP statuses, in one place.
var statusOf = map[string]int{
	basketball.EInvalid:                http.StatusUnprocessableEntity,
	basketball.EInvalidPromo:           http.StatusUnprocessableEntity,
	basketball.EClubNotFound:           http.StatusNotFound,
	basketball.ETryoutNotFound:         http.StatusNotFound,
	basketball.ERegistrationNotFound:   http.StatusNotFound,
	basketball.ENotFound:               http.StatusNotFound,
	basketball.EConflict:               http.StatusConflict,
	basketball.ERegistrationClosed:     http.StatusConflict,
	basketball.ETryoutFull:             http.StatusConflict,
	basketball.EAlreadyRegistered:      http.StatusConflict,
	basketball.ENotPayable:             http.StatusConflict,
	basketball.EInvalidState:           http.StatusConflict,
	basketball.ETooManyPending:         http.StatusConflict,
	basketball.EPaymentUnavailable:     http.StatusBadGateway,
	basketball.EPaymentsNotConfigured:  http.StatusServiceUnavailable,
	basketball.EBodyTooLarge:           http.StatusRequestEntityTooLarge,
	basketball.ERateLimited:            http.StatusTooManyRequests,
	basketball.EMethodNotAllowed:       http.StatusMethodNotAllowed,
	basketball.EBadSignature:           http.StatusBadRequest,
	basketball.EUnsupportedContentType: http.StatusUnsupportedMediaType,
	basketball.EInternal:               http.StatusInternalServerError,
	basketball.EUnauthenticated:        http.StatusUnauthorized,
	basketball.EForbidden:              http.StatusForbidden,
	basketball.EUnavailable:            http.StatusServiceUnavailable,
	codeBadJSON:                        http.StatusBadRequest,
	codeNotConfigured:                  http.StatusServiceUnavailable,
}

const (
	codeBadJSON       = "malformed_json"
	codeNotConfigured = "not_configured"
	codeNotReady      = "not_ready"
)

// HTTPStatus returns the status an error is answered with.
func HTTPStatus(err error) int {
	if s, ok := statusOf[basketball.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code           string            `json:"code"`
	Message        string            `json:"message"`
	Fields         map[string]string `json:"fields,omitempty"`
	RegistrationID string            `json:"registration_id,omitempty"`
}

// writeError renders any error as the contract's JSON error. Internal
// errors are logged with their cause; the client sees a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := basketball.ErrorCode(err)
	status := HTTPStatus(err)
	d := errorDetail{Code: code, Message: basketball.ErrorMessage(err)}
	if e, ok := asError(err); ok {
		d.Fields, d.RegistrationID = e.Fields, e.RegistrationID
	}
	s.logFailure(r, err, status, "request failed")
	writeJSON(w, status, errorBody{Error: d})
}

// logFailure logs an error answer once, with its cause: ERROR for our own
// failures (500), WARN for a vendor or the configuration (502, 503), and
// nothing per request for unavailable, whose cause the store logged once
// (the request line still shows each 503).
func (s *Server) logFailure(r *http.Request, err error, status int, msg string) {
	code := basketball.ErrorCode(err)
	switch {
	case status == http.StatusInternalServerError:
		s.log(r).Error(msg, "code", code, "err", err)
	case status >= 500 && code != basketball.EUnavailable:
		s.log(r).Warn(msg, "code", code, "err", err)
	}
}

func asError(err error) (*basketball.Error, bool) {
	var e *basketball.Error
	ok := errors.As(err, &e)
	return e, ok
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func (s *Server) log(r *http.Request) *slog.Logger {
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		return s.logger.With("request_id", id)
	}
	return s.logger
}
