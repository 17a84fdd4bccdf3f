package connectors

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidConfig is returned (wrapped) by Configure for settings that cannot work.
var ErrInvalidConfig = errors.New("invalid connector settings")

// ErrNoWebhooks is returned by ParseWebhook of a connector without Capabilities.Webhooks (a
// plugin host's connectors always have the method).
var ErrNoWebhooks = errors.New("connector takes no webhooks")

// ErrUnknownEntity is returned (wrapped) by Read and Write for an entity the system lacks.
var ErrUnknownEntity = errors.New("unknown entity")

// ErrorKind classifies a failure so the caller knows whether and when to retry.
type ErrorKind string

// Error kinds.
const (
	Retryable   ErrorKind = "retryable"    // transient: retry with backoff
	RateLimited ErrorKind = "rate_limited" // retry after RetryAfter
	Conflict    ErrorKind = "conflict"     // the record changed under us: re-read, then retry
	Permanent   ErrorKind = "permanent"    // bad data or a rule of the system: do not retry
	Auth        ErrorKind = "auth"         // credentials rejected: needs re-authentication
)

// OpError is a classified failure of one op or one call.
type OpError struct {
	Kind       ErrorKind
	Message    string
	RetryAfter time.Duration
	// Field names the field at fault, if known.
	Field string
}

func (e *OpError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: field %s: %s", e.Kind, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

// KindOf returns the classification of err: the Kind of an *OpError in its chain, else Retryable
// (an unclassified failure is assumed transient).
func KindOf(err error) ErrorKind {
	var oe *OpError
	if errors.As(err, &oe) {
		return oe.Kind
	}
	return Retryable
}
