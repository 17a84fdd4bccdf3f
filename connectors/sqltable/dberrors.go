package sqltable

import (
	"context"
	"errors"
	"time"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/accord-mdm/accord/connectors"
)

// quotaWait is how long to back off when the database refuses a connection for want of slots:
// long enough for other clients' sessions to end, short enough not to stall a sync.
const quotaWait = 5 * time.Second

// classify maps a database failure to an OpError: bad data and rules of the database are
// Permanent, rejected credentials Auth, a used-up connection quota RateLimited (retry after
// quotaWait), and everything else (lost connections, timeouts,
// cancelled contexts, locks, busy files) Retryable. This is the one place that knows driver
// error codes.
func classify(err error) *connectors.OpError {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &connectors.OpError{Kind: connectors.Retryable, Message: err.Error()}
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		oe := &connectors.OpError{Kind: postgresErrorKind(pqErr), Message: pqErr.Message, Field: pqErr.Column}
		if oe.Kind == connectors.RateLimited {
			oe.RetryAfter = quotaWait
		}
		return oe
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return &connectors.OpError{Kind: sqliteErrorKind(liteErr.Code()), Message: liteErr.Error()}
	}
	return &connectors.OpError{Kind: connectors.Retryable, Message: err.Error()}
}

// postgresErrorKind classifies by SQLSTATE class
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
func postgresErrorKind(e *pq.Error) connectors.ErrorKind {
	switch e.Code {
	case "42501": // insufficient privilege: a revoked grant is the connection's problem, not the record's
		return connectors.Auth
	case "53300": // too many connections (for the server, the database or the role): back off
		return connectors.RateLimited
	}
	switch e.Code.Class() {
	case "23", // integrity constraint violation
		"22", // data exception: bad value for the column type
		"42", // syntax error or access rule violation
		"0A", // feature not supported
		"44": // WITH CHECK OPTION violation
		return connectors.Permanent
	case "28": // invalid authorization specification
		return connectors.Auth
	default: // 08 connection, 40 rollback, 53 resources, 55 lock, 57 operator, 58 system…
		return connectors.Retryable
	}
}

// sqliteErrorKind classifies by primary result code (https://sqlite.org/rescode.html).
func sqliteErrorKind(code int) connectors.ErrorKind {
	switch code & 0xff {
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_TOOBIG,
		sqlite3.SQLITE_RANGE, sqlite3.SQLITE_ERROR:
		return connectors.Permanent
	case sqlite3.SQLITE_AUTH:
		return connectors.Auth
	default: // BUSY, LOCKED, IOERR, FULL, CANTOPEN, INTERRUPT…
		return connectors.Retryable
	}
}

// dbError is a call-level failure carrying its classification: errors.As finds the OpError,
// errors.Is the cause (context.Canceled, say), and the text is the cause's.
type dbError struct {
	err error
	op  *connectors.OpError
}

func (e *dbError) Error() string   { return e.err.Error() }
func (e *dbError) Unwrap() []error { return []error{e.err, e.op} }

// classified wraps err with its classification, for errors of a whole call.
func classified(err error) error {
	return &dbError{err: err, op: classify(err)}
}
