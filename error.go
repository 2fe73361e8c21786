// Package parley holds the domain of the parley negotiation back-channel:
// talks, delegations, rooms, messages and events, the one error type, and
// the interfaces that storage and transport implement.
package parley

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer; transports map them to statuses.
const (
	ECONFLICT     = "conflict"     // the action is illegal in the current state
	EFORBIDDEN    = "forbidden"    // the actor may see the thing but not do this
	EINTERNAL     = "internal"     // anything unexpected; details are logged, never shown
	EINVALID      = "invalid"      // the input is malformed or incomplete
	ENOTFOUND     = "not_found"    // the thing does not exist or the actor may not know it does
	ETOOLARGE     = "too_large"    // the input is over a size limit
	EUNAUTHORIZED = "unauthorized" // no valid credentials were presented
	ERATELIMIT    = "rate_limited" // too many attempts
	EUNSUPPORTED  = "unsupported"  // the input comes in a format or media type not accepted here
	ESTORAGEFULL  = "storage_full" // the store has no room left for writes; reads still work
	EUNAVAILABLE  = "unavailable"  // the store is busy or unreachable; retrying later may succeed
)

// Error is an application error whose Message is safe to show to users.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("parley: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// Retryable reports whether err is a failure of the moment (storage full or
// unavailable) that a client may retry later.
func Retryable(err error) bool {
	c := ErrorCode(err)
	return c == ESTORAGEFULL || c == EUNAVAILABLE
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that their details never leak.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}

// ErrorDetail returns the message of an *Error, or the whole text of any
// other error: for operators at the command line, who may see what users
// may not.
func ErrorDetail(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return err.Error()
	}
}
