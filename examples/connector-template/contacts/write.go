package contacts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// Write applies the ops in order, in one save of the store. A failed op is reported in its
// result and changes nothing; a store that cannot be written fails the whole call.
func (c *Connector) Write(ctx context.Context, req connectors.WriteRequest) (connectors.WriteResponse, error) {
	if req.Entity != Entity {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", unknownEntity(req.Entity))
	}
	resp := connectors.WriteResponse{Results: make([]connectors.WriteResult, len(req.Ops))}
	err := c.withStore(ctx, func(f *File) (bool, error) {
		if f.ReadOnly {
			return false, &connectors.OpError{Kind: connectors.Permanent, Message: "the store is read-only"}
		}
		now, changed := c.now().UTC(), false
		for i, op := range req.Ops {
			var ch bool
			resp.Results[i], ch = apply(f, op, now)
			changed = changed || ch
		}
		return changed, nil
	})
	if err != nil {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", err)
	}
	return resp, nil
}

// apply applies one op to f and reports whether it changed anything.
func apply(f *File, op connectors.WriteOp, now time.Time) (connectors.WriteResult, bool) {
	fields, oe := clean(op.Fields)
	if oe != nil {
		return connectors.WriteResult{Err: oe}, false
	}
	switch {
	case op.Kind == connectors.OpDelete && op.ExternalID == "":
		return failed(connectors.Permanent, "", "delete without external ID"), false
	case op.Kind == connectors.OpDelete:
		ct := f.Contacts[op.ExternalID]
		if ct == nil || ct.Deleted { // already gone: the same state, success
			return result(op.ExternalID, ct), false
		}
		ct.Deleted, ct.Fields, ct.Seq, ct.UpdatedAt = true, nil, f.next(), now // a tombstone keeps no data
		return result(op.ExternalID, ct), true
	case op.Kind != connectors.OpUpsert:
		return failed(connectors.Permanent, "", "unknown op kind "+strconv.Quote(string(op.Kind))), false
	case op.ExternalID != "":
		ct := f.Contacts[op.ExternalID]
		if ct == nil || ct.Deleted {
			return failed(connectors.Conflict, "", "no contact "+op.ExternalID+" (deleted or never created)"), false
		}
		return update(f, op.ExternalID, ct, fields, now)
	case op.CreateKey == "":
		return failed(connectors.Permanent, "", "create without create key"), false
	}
	if id, ok := f.CreateKeys[op.CreateKey]; ok { // a retried create: the record it made
		if ct := f.Contacts[id]; ct != nil && !ct.Deleted {
			return update(f, id, ct, fields, now)
		}
		return result(id, f.Contacts[id]), false // created, then deleted: not brought back
	}
	seq := f.next()
	id := "c-" + strconv.FormatInt(seq, 10)
	f.Contacts[id] = &Contact{Fields: fields, Seq: seq, UpdatedAt: now}
	f.CreateKeys[op.CreateKey] = id
	return result(id, f.Contacts[id]), true
}

// update sets fields on a live contact; an update that changes nothing keeps its version.
func update(f *File, id string, ct *Contact, fields map[string]any, now time.Time) (connectors.WriteResult, bool) {
	merged := maps.Clone(ct.Fields)
	if merged == nil {
		merged = map[string]any{}
	}
	maps.Copy(merged, fields)
	if reflect.DeepEqual(merged, ct.Fields) {
		return result(id, ct), false
	}
	ct.Fields, ct.Seq, ct.UpdatedAt = merged, f.next(), now
	return result(id, ct), true
}

func result(id string, ct *Contact) connectors.WriteResult {
	r := connectors.WriteResult{ExternalID: id}
	if ct != nil {
		r.Version = strconv.FormatInt(ct.Seq, 10)
	}
	return r
}

func failed(kind connectors.ErrorKind, field, msg string) connectors.WriteResult {
	return connectors.WriteResult{Err: &connectors.OpError{Kind: kind, Field: field, Message: msg}}
}

// clean checks the fields of an op and returns them as the store keeps them: strings as
// strings, the score as a json.Number with its exact text, null as nil (clears the field).
func clean(in map[string]any) (map[string]any, *connectors.OpError) {
	out := make(map[string]any, len(in))
	for name, v := range in {
		typ, ok := fieldTypes[name]
		if !ok {
			return nil, &connectors.OpError{Kind: connectors.Permanent, Field: name, Message: "no such field"}
		}
		cv, err := value(name, typ, v)
		if err != nil {
			return nil, &connectors.OpError{Kind: connectors.Permanent, Field: name, Message: err.Error()}
		}
		out[name] = cv
	}
	return out, nil
}

// value converts v to the type typ of field name, via its JSON so that any number type works.
func value(name, typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("not a JSON value: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var got any
	if err := dec.Decode(&got); err != nil {
		return nil, fmt.Errorf("not a JSON value: %w", err)
	}
	switch x := got.(type) {
	case string:
		if name == "email" && x != "" && !strings.Contains(x, "@") {
			return nil, fmt.Errorf("%q is not an email address", x)
		}
		if typ == "string" {
			return x, nil
		}
	case json.Number:
		if typ == "decimal" {
			return x, nil
		}
	}
	return nil, fmt.Errorf("want a %s, got %s", typ, raw)
}
