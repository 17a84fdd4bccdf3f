package plugins

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// RemoteError is a whole-call failure that a plugin reported, rebuilt on the host's side of
// the boundary: Error returns the plugin's text, and errors.Is and errors.As see through it to
// the contract's sentinels (connectors.ErrInvalidConfig, connectors.ErrUnknownEntity) and the
// *connectors.OpError the plugin's error wrapped, so connectors.KindOf classifies it as the
// plugin did.
type RemoteError struct {
	// Message is the plugin's error text.
	Message string
	// Op is the classification the plugin's error carried, nil if it carried none (and so
	// counts as Retryable).
	Op *connectors.OpError
	// Sentinels are the contract's sentinel errors the plugin's error wrapped.
	Sentinels []error
}

func (e *RemoteError) Error() string { return e.Message }

// Unwrap returns the classification and the sentinels, for errors.Is and errors.As.
func (e *RemoteError) Unwrap() []error {
	out := make([]error, 0, len(e.Sentinels)+1)
	if e.Op != nil {
		out = append(out, e.Op)
	}
	return append(out, e.Sentinels...)
}

var kindsToProto = map[connectors.ErrorKind]pb.ErrorKind{
	connectors.Retryable:   pb.ErrorKind_ERROR_KIND_RETRYABLE,
	connectors.RateLimited: pb.ErrorKind_ERROR_KIND_RATE_LIMITED,
	connectors.Conflict:    pb.ErrorKind_ERROR_KIND_CONFLICT,
	connectors.Permanent:   pb.ErrorKind_ERROR_KIND_PERMANENT,
	connectors.Auth:        pb.ErrorKind_ERROR_KIND_AUTH,
}

// kindFromProto converts a kind; an unspecified or unknown kind is Retryable, as
// connectors.KindOf treats an unclassified failure.
func kindFromProto(k pb.ErrorKind) connectors.ErrorKind {
	for kind, pk := range kindsToProto {
		if pk == k {
			return kind
		}
	}
	return connectors.Retryable
}

func opErrorToProto(e *connectors.OpError) *pb.Error {
	if e == nil {
		return nil
	}
	pe := &pb.Error{Kind: kindsToProto[e.Kind], Message: e.Message, Field: e.Field}
	if e.RetryAfter != 0 {
		pe.RetryAfter = durationpb.New(e.RetryAfter)
	}
	return pe
}

func opErrorFromProto(e *pb.Error) *connectors.OpError {
	if e == nil {
		return nil
	}
	oe := &connectors.OpError{Kind: kindFromProto(e.GetKind()), Message: e.GetMessage(), Field: e.GetField()}
	if e.GetRetryAfter() != nil {
		oe.RetryAfter = e.GetRetryAfter().AsDuration()
	}
	return oe
}

// sentinels are the contract's sentinel errors that cross the boundary.
var sentinels = []struct {
	err   error
	proto pb.Sentinel
	code  codes.Code
}{
	{connectors.ErrInvalidConfig, pb.Sentinel_SENTINEL_INVALID_CONFIG, codes.InvalidArgument},
	{connectors.ErrUnknownEntity, pb.Sentinel_SENTINEL_UNKNOWN_ENTITY, codes.NotFound},
}

func callErrorToProto(err error) *pb.CallError {
	ce := &pb.CallError{Message: err.Error()}
	var oe *connectors.OpError
	if errors.As(err, &oe) {
		ce.Classified = opErrorToProto(oe)
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			ce.Sentinels = append(ce.Sentinels, s.proto)
		}
	}
	return ce
}

func callErrorFromProto(ce *pb.CallError) *RemoteError {
	re := &RemoteError{Message: ce.GetMessage(), Op: opErrorFromProto(ce.GetClassified())}
	for _, ps := range ce.GetSentinels() {
		for _, s := range sentinels {
			if s.proto == ps {
				re.Sentinels = append(re.Sentinels, s.err)
			}
		}
	}
	return re
}

// codeOf picks the gRPC code of a whole-call failure. It is informative only: the host reads
// the CallError detail, whose presence is what tells a plugin's failure from a transport one.
func codeOf(ce *pb.CallError) codes.Code {
	for _, s := range sentinels {
		for _, ps := range ce.GetSentinels() {
			if s.proto == ps {
				return s.code
			}
		}
	}
	switch ce.GetClassified().GetKind() {
	case pb.ErrorKind_ERROR_KIND_RATE_LIMITED:
		return codes.ResourceExhausted
	case pb.ErrorKind_ERROR_KIND_CONFLICT:
		return codes.Aborted
	case pb.ErrorKind_ERROR_KIND_PERMANENT:
		return codes.FailedPrecondition
	case pb.ErrorKind_ERROR_KIND_AUTH:
		return codes.Unauthenticated
	}
	return codes.Unknown
}

// statusFromError turns a connector's whole-call failure into the gRPC status the plugin
// returns: a code and a CallError detail.
func statusFromError(err error) error {
	ce := callErrorToProto(err)
	st, derr := status.New(codeOf(ce), ce.GetMessage()).WithDetails(ce)
	if derr != nil { // only for a detail that does not marshal, which a CallError always does
		return status.Error(codeOf(ce), ce.GetMessage())
	}
	return st.Err()
}

// errorFromStatus rebuilds a plugin's failure from the status of a failed call. It returns
// false for a status without a CallError detail: a failure of the transport, not the plugin's
// answer.
func errorFromStatus(err error) (*RemoteError, bool) {
	st, ok := status.FromError(err)
	if !ok {
		return nil, false
	}
	for _, d := range st.Details() {
		if ce, ok := d.(*pb.CallError); ok {
			return callErrorFromProto(ce), true
		}
	}
	return nil, false
}

// permanentError is a failure that a retry would repeat: a message the protocol cannot carry
// (a value JSON cannot encode, a result count that does not match) or a connector's panic.
func permanentError(what string, err error) error {
	return fmt.Errorf("%s: %w", what, &connectors.OpError{Kind: connectors.Permanent, Message: err.Error()})
}
