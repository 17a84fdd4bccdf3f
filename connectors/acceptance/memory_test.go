package acceptance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// memory is an in-memory connector, the smallest implementation of the contract, so that the
// suite runs every subtest, the error kinds no database produces (rate_limited, auth) included.
// Every change takes the next sequence number of its system; a record's UpdatedAt and Version
// come from it, and the cursor is the last number read, so paging needs no overlap.
type memory struct {
	systems *memSystems
	sys     atomic.Pointer[memSystem]
}

// memSystems are the systems of one test, by name.
type memSystems struct {
	mu     sync.Mutex
	byName map[string]*memSystem
}

// memSystem is one system: its records, last sequence number and the failure of its next write.
type memSystem struct {
	mu   sync.Mutex
	seq  int64
	recs map[string]*connectors.Record
	fail *connectors.OpError
}

const memMaxBatch = 100

var memFields = []string{"name", "email", "score", "amount", "active"}

var memEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (m *memory) Spec() connectors.Spec {
	return connectors.Spec{Name: "memory", Version: "0.0.1", ConfigSchema: json.RawMessage(
		`{"type": "object", "required": ["system"], "additionalProperties": false, "properties": {"system": {"type": "string"}}}`),
		Capabilities: connectors.Capabilities{Read: true, Write: true, Delete: true, Incremental: true, MaxBatch: memMaxBatch}}
}

func (m *memory) Configure(_ context.Context, raw json.RawMessage) error {
	var s struct{ System string }
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("%w: %v", connectors.ErrInvalidConfig, err)
	}
	m.systems.mu.Lock()
	defer m.systems.mu.Unlock()
	sys, ok := m.systems.byName[s.System]
	if !ok {
		return fmt.Errorf("%w: system: no system %q", connectors.ErrInvalidConfig, s.System)
	}
	m.sys.Store(sys)
	return nil
}

func (m *memory) Check(context.Context) error { return nil }

func (m *memory) Discover(context.Context) (connectors.Catalog, error) {
	info := connectors.EntityInfo{Name: "customers", Fields: []connectors.FieldInfo{{Name: "id", Type: "string"}}}
	for _, f := range memFields {
		info.Fields = append(info.Fields, connectors.FieldInfo{Name: f, Type: "string", Nullable: true})
	}
	return connectors.Catalog{Entities: []connectors.EntityInfo{info}}, nil
}

func (m *memory) Read(ctx context.Context, req connectors.ReadRequest) (connectors.ReadResponse, error) {
	sys, err := m.system(ctx, req.Entity)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read: %w", err)
	}
	after, _ := strconv.ParseInt(req.Cursor, 10, 64)
	limit := req.Limit
	if limit <= 0 || limit > memMaxBatch {
		limit = memMaxBatch
	}
	sys.mu.Lock()
	defer sys.mu.Unlock()
	var recs []connectors.Record
	for _, r := range sys.recs {
		if seqOf(*r) > after {
			recs = append(recs, copyRecord(*r))
		}
	}
	slices.SortFunc(recs, func(a, b connectors.Record) int { return int(seqOf(a) - seqOf(b)) })
	resp := connectors.ReadResponse{More: len(recs) > limit, NextCursor: strconv.FormatInt(after, 10)}
	resp.Records = recs[:min(limit, len(recs))]
	if n := len(resp.Records); n > 0 {
		resp.NextCursor = resp.Records[n-1].Version
	}
	return resp, nil
}

func (m *memory) Write(ctx context.Context, req connectors.WriteRequest) (connectors.WriteResponse, error) {
	sys, err := m.system(ctx, req.Entity)
	if err != nil {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", err)
	}
	sys.mu.Lock()
	defer sys.mu.Unlock()
	fail := sys.fail
	sys.fail = nil
	if fail != nil && (fail.Kind == connectors.RateLimited || fail.Kind == connectors.Auth) {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", fail) // the whole request is refused
	}
	resp := connectors.WriteResponse{Results: make([]connectors.WriteResult, len(req.Ops))}
	for i, op := range req.Ops {
		if i == 0 && fail != nil {
			resp.Results[i] = connectors.WriteResult{ExternalID: op.ExternalID, Err: fail}
			continue
		}
		resp.Results[i] = sys.apply(op)
	}
	return resp, nil
}

// apply runs one op; the caller holds sys.mu.
func (sys *memSystem) apply(op connectors.WriteOp) connectors.WriteResult {
	id := op.ExternalID
	r, ok := sys.recs[id]
	switch {
	case op.Kind == connectors.OpDelete:
		if ok && !r.Deleted {
			r.Deleted = true
			sys.stamp(r)
		}
		return connectors.WriteResult{ExternalID: id}
	case id == "":
		id = "m-" + op.CreateKey
		if r, ok = sys.recs[id]; !ok {
			r = &connectors.Record{ID: id, Fields: map[string]any{"id": id}}
		}
	case !ok || r.Deleted:
		return connectors.WriteResult{ExternalID: id, Err: &connectors.OpError{Kind: connectors.Conflict, Message: "no record " + id}}
	}
	for name := range op.Fields {
		if !slices.Contains(memFields, name) {
			return connectors.WriteResult{ExternalID: op.ExternalID, Err: &connectors.OpError{
				Kind: connectors.Permanent, Message: "no such field", Field: name}}
		}
	}
	for name, v := range op.Fields {
		r.Fields[name] = exact(v)
	}
	r.Deleted = false
	sys.recs[id] = r
	sys.stamp(r)
	return connectors.WriteResult{ExternalID: id, Version: r.Version}
}

// stamp gives a changed record the next sequence number; the caller holds sys.mu.
func (sys *memSystem) stamp(r *connectors.Record) {
	sys.seq++
	r.Version = strconv.FormatInt(sys.seq, 10)
	r.UpdatedAt = memEpoch.Add(time.Duration(sys.seq) * time.Millisecond)
}

func (m *memory) Close() error { return nil }

// system returns the configured system after checking ctx and entity.
func (m *memory) system(ctx context.Context, entity string) (*memSystem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if entity != "customers" {
		return nil, fmt.Errorf("%w: %s", connectors.ErrUnknownEntity, entity)
	}
	return m.sys.Load(), nil
}

func seqOf(r connectors.Record) int64 {
	n, _ := strconv.ParseInt(r.Version, 10, 64)
	return n
}

func copyRecord(r connectors.Record) connectors.Record {
	r.Fields = maps.Clone(r.Fields)
	return r
}

// exact turns a number into the json.Number a record holds.
func exact(v any) any {
	switch v.(type) {
	case string, bool, nil, json.Number:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	return json.Number(b)
}
