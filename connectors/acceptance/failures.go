package acceptance

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// errorKinds are the classifications of connectors.ErrorKind, each a subtest of "errors".
var errorKinds = []connectors.ErrorKind{
	connectors.Retryable, connectors.RateLimited, connectors.Conflict, connectors.Permanent, connectors.Auth,
}

// retryAttempts is how often the errors subtest tries a call that fails Retryable while it
// waits for another kind (see Harness.Fail).
const retryAttempts = 3

// testErrorKinds has the harness make the system fail with each kind in turn and checks that
// the connector classifies the failure of an update so: connectors.KindOf of the call's error,
// or the op's WriteResult.Err.Kind. A RateLimited failure must say when to retry.
func testErrorKinds(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canFail(), h.canSeed(), h.hasFields(), capWrite(caps))
	kinds := errorKinds
	if h.FailKinds != nil {
		kinds = h.FailKinds
		var untested []connectors.ErrorKind
		for _, k := range errorKinds {
			if !slices.Contains(kinds, k) {
				untested = append(untested, k)
			}
		}
		if len(untested) > 0 {
			t.Logf("not tested here: %v (the harness's system has no such failure)", untested)
		}
	}
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := h.open(t)
			id := s.seed(t, 1)[0]
			h.Fail(t, s.settings, kind)
			op := connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: id, Fields: h.Fields(5)}
			var got *connectors.OpError
			for attempt := 1; ; attempt++ {
				got = s.failure(t, op)
				if got.Kind != connectors.Retryable || kind == connectors.Retryable || attempt == retryAttempts {
					break
				}
				t.Logf("attempt %d failed Retryable (%v); retrying, as Accord would", attempt, got)
			}
			if got.Kind != kind {
				t.Errorf("failure %v classified %s, want %s", got, got.Kind, kind)
			}
			if kind == connectors.RateLimited && got.RetryAfter <= 0 {
				t.Errorf("RateLimited failure %v has RetryAfter %v, want > 0", got, got.RetryAfter)
			}
		})
	}
}

// failure runs one op that must fail and returns the failure as classified: from the call's
// error (connectors.KindOf, and the RetryAfter of an OpError in its chain) or from the op's
// result.
func (s *system) failure(t *testing.T, op connectors.WriteOp) *connectors.OpError {
	t.Helper()
	resp, err := s.conn.Write(callCtx(t), connectors.WriteRequest{Entity: s.h.Entity, Ops: []connectors.WriteOp{op}})
	if err != nil {
		got := &connectors.OpError{Kind: connectors.KindOf(err), Message: err.Error()}
		var oe *connectors.OpError
		if errors.As(err, &oe) {
			got.RetryAfter = oe.RetryAfter
		}
		return got
	}
	if len(resp.Results) != 1 {
		t.Fatalf("Write(1 op) returned %d results", len(resp.Results))
	}
	if resp.Results[0].Err == nil {
		t.Fatalf("Write succeeded after the harness's Fail; want a failure")
	}
	return resp.Results[0].Err
}

// unknownEntity is an entity no system under test has.
const unknownEntity = "acc_no_such_entity"

// testUnknownEntity checks that Read and Write of an entity the system lacks fail with
// ErrUnknownEntity.
func testUnknownEntity(t *testing.T, h *Harness, caps connectors.Capabilities) {
	s := h.open(t)
	if caps.Read {
		_, err := s.conn.Read(callCtx(t), connectors.ReadRequest{Entity: unknownEntity, Limit: pageSize})
		if !errors.Is(err, connectors.ErrUnknownEntity) {
			t.Errorf("Read(%s) = %v, want an error wrapping connectors.ErrUnknownEntity", unknownEntity, err)
		}
	}
	if caps.Write {
		op := connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "acc-unknown-entity-1", Fields: map[string]any{}}
		_, err := s.conn.Write(callCtx(t), connectors.WriteRequest{Entity: unknownEntity, Ops: []connectors.WriteOp{op}})
		if !errors.Is(err, connectors.ErrUnknownEntity) {
			t.Errorf("Write(%s) = %v, want an error wrapping connectors.ErrUnknownEntity", unknownEntity, err)
		}
	}
}

// prompt is how long a call with a cancelled context may take to return.
const prompt = 5 * time.Second

// testContextCancelled calls Read and Write with a cancelled context: each returns promptly
// with an error classified Retryable (the call failed, not the data), and the connector still
// works afterwards.
func testContextCancelled(t *testing.T, h *Harness, caps connectors.Capabilities) {
	s := h.open(t)
	if h.Seed != nil {
		s.seed(t, 10)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(what string, call func() error) {
		start := time.Now()
		err := call()
		if took := time.Since(start); took > prompt {
			t.Errorf("%s with a cancelled context took %v, want at most %v", what, took, prompt)
		}
		if err == nil {
			t.Errorf("%s with a cancelled context succeeded", what)
		} else if kind := connectors.KindOf(err); kind != connectors.Retryable {
			t.Errorf("%s with a cancelled context: %v, classified %s, want Retryable", what, err, kind)
		}
	}
	if caps.Read {
		check("Read", func() error {
			_, err := s.conn.Read(ctx, connectors.ReadRequest{Entity: h.Entity, Limit: pageSize})
			return err
		})
	}
	if caps.Write && h.Fields != nil {
		check("Write", func() error {
			op := connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "acc-cancelled-1", Fields: h.Fields(6)}
			_, err := s.conn.Write(ctx, connectors.WriteRequest{Entity: h.Entity, Ops: []connectors.WriteOp{op}})
			return err
		})
	}
	if caps.Read {
		s.read(t, s.conn, "", pageSize) // a cancelled call must not break the connector
	}
}
