package core

import (
	"errors"
	"fmt"
)

// Error codes. They are stable strings so adapters and tests can switch on
// them; the user-facing text lives in Error.Message and Error.Hint.
const (
	EINVALID   = "invalid"   // the input is malformed or out of range
	ENOTFOUND  = "not_found" // the thing named does not exist (in this workspace)
	ECONFLICT  = "conflict"  // the thing is in a state that forbids the act
	EFORBIDDEN = "forbidden" // the caller may not do this
	ECONFIRM   = "confirm"   // allowed, but so unusual that the caller must confirm it
	EINTERNAL  = "internal"  // a bug or an outage: never shown in detail
)

// Error is the one application error type. Message is a complete sentence
// that can be shown to the user; Hint says what to type instead.
type Error struct {
	Code    string
	Message string
	Hint    string
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + " " + e.Hint
	}
	return e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithHint returns a copy of e carrying a usage hint.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := *e
	c.Hint = fmt.Sprintf(format, args...)
	return &c
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing text of err: the message and hint of
// an *Error, or a generic apology for anything else (details go to the log,
// never to the chat).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "Something went wrong on our side and nothing was changed. Please try again in a moment."
}
