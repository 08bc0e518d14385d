package flows

import (
	"errors"
	"fmt"
)

// Error codes say what kind of failure happened. The user sees a localized message for the
// code; the log sees the cause.
const (
	EInvalid   = "invalid"
	ENotFound  = "not_found"
	EConflict  = "conflict"
	EForbidden = "forbidden"
	EInternal  = "internal"
)

// Error is the one error type of the domain.
type Error struct {
	Code    string // one of the E* codes
	Message string // for logs and operators; never shown raw to a client
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or EInternal for errors that are not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}
