// Package fault defines the errors the contest's rules return: each carries a
// kind (which decides the HTTP status in one place, shared/httpapi), a stable
// machine-readable code and a message in Vietnamese that a participant can act on.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the caller; httpapi maps kinds to HTTP status.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindUnauthorized
	KindForbidden
	KindNotFound
	KindConflict
	KindClosed
	KindTooLarge
	KindRateLimited
	// KindUnavailable: a service the request needs is busy; try again later.
	KindUnavailable
	// KindUnprocessable: a well-formed request whose field (Field) names
	// something the contest does not have.
	KindUnprocessable
)

// Error is a client-facing error: Code is stable (tests and the site rely on
// it), Message is Vietnamese and safe to show, Err is the wrapped cause (never
// shown to clients).
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Err     error
	// RetryAfter, when positive, is how long the client should wait before
	// the same request may succeed (HTTP Retry-After).
	RetryAfter time.Duration
	// Field, when set, is the request field at fault (the site puts the
	// message next to it).
	Field string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Unprocessable reports a request field (its JSON name) whose value the
// contest does not know.
func Unprocessable(field, code, message string) *Error {
	return &Error{Kind: KindUnprocessable, Code: code, Message: message, Field: field}
}

// Invalid reports a request the client must fix.
func Invalid(code, message string) *Error { return New(KindInvalid, code, message) }

// Unauthorized reports a missing, forged or expired credential.
func Unauthorized(code, message string) *Error { return New(KindUnauthorized, code, message) }

// Forbidden reports a known caller without the right to act.
func Forbidden(code, message string) *Error { return New(KindForbidden, code, message) }

// NotFound reports an unknown resource (or one the caller may not know of).
func NotFound(code, message string) *Error { return New(KindNotFound, code, message) }

// Conflict reports a request that clashes with the current state.
func Conflict(code, message string) *Error { return New(KindConflict, code, message) }

// Closed reports an action outside its time window (round not open, deadline passed).
func Closed(code, message string) *Error { return New(KindClosed, code, message) }

// RateLimited reports too many requests in a window.
func RateLimited(code, message string) *Error { return New(KindRateLimited, code, message) }

// Unavailable: a service the request needs (e-mail, say) failed or is busy;
// nothing was done and the same request may be tried again shortly.
func Unavailable(code, message string) *Error { return New(KindUnavailable, code, message) }

// After returns a copy of e that tells the client to wait d before trying again.
func (e *Error) After(d time.Duration) *Error {
	c := *e
	c.RetryAfter = d
	return &c
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns err's code, or "" when err carries none.
func CodeOf(err error) string {
	if e, ok := As(err); ok {
		return e.Code
	}
	return ""
}
