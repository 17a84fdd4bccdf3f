package standardize

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every error this package returns, so callers can
// tell "the value is bad" (reject or route to a data steward) from other
// failures with errors.Is(err, ErrInvalid).
var ErrInvalid = errors.New("invalid value")

// invalidError carries a message that reads well on its own
// (`invalid email "a@@b.com": more than one "@"`) while still matching
// ErrInvalid and, when there is one, the underlying library error.
type invalidError struct {
	msg   string
	cause error
}

func (e *invalidError) Error() string {
	if e.cause != nil {
		return e.msg + ": " + e.cause.Error()
	}
	return e.msg
}

// Unwrap exposes both the sentinel and the cause to errors.Is / errors.As.
func (e *invalidError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrInvalid, e.cause}
	}
	return []error{ErrInvalid}
}

// invalidf builds an error of the form `invalid <what> "<input>": <reason>`.
func invalidf(what, input, format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf("invalid %s %s: %s", what, quote(input), fmt.Sprintf(format, args...))}
}

// invalidMsg builds an error with a free-form message, for errors about
// configuration rather than about one input value.
func invalidMsg(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

// invalidCause is invalidf with an underlying error appended and wrapped.
func invalidCause(what, input string, cause error, format string, args ...any) error {
	return &invalidError{
		msg:   fmt.Sprintf("invalid %s %s: %s", what, quote(input), fmt.Sprintf(format, args...)),
		cause: cause,
	}
}

// maxQuoted bounds how much of an input is echoed into an error: messages end
// up in logs and steward queues, and a multi-megabyte field must not.
const maxQuoted = 80

// quote renders input for an error message, truncated on a rune boundary.
func quote(input string) string {
	if len(input) <= maxQuoted {
		return fmt.Sprintf("%q", input)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(input[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…(%d bytes)", input[:cut], len(input))
}
