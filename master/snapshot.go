// Package master decides what golden records say: it matches incoming records to golden records,
// merges them by survivorship rules, and records lineage, cross-references and outbox rows.
package master

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/accord-mdm/accord/mapping"
)

// Snapshot is what the golden store remembers of one system record: the raw values of the mapped
// columns (for echo detection) and the mapped golden values, each with the source time at which
// it last changed — so that a record touched for another reason does not look like a fresh
// assertion of every value it holds.
type Snapshot struct {
	Raw    map[string]any        `json:"raw"`
	Fields map[string]FieldValue `json:"fields"`
}

// FieldValue is one mapped value and when the source last changed it. Null marks an explicit
// clear: the source removed a value it held.
type FieldValue struct {
	V    string    `json:"v"`
	Null bool      `json:"n,omitempty"`
	T    time.Time `json:"t"`
	// Own is what the source itself last asserted, kept when Accord writes over it (V then holds
	// the written value, T is zero): an unmerge gives the record its own values back.
	Own *FieldValue `json:"own,omitempty"`
	// Stale: the system still holds what Accord wrote, not V (an unmerge gave the record its own
	// value back); the next push writes the field whatever it compares to.
	Stale bool `json:"s,omitempty"`
}

// own returns the snapshot as the source asserted it: every value Accord wrote over replaced by
// the source's own one.
func (s Snapshot) own() Snapshot {
	out := Snapshot{Raw: s.Raw, Fields: make(map[string]FieldValue, len(s.Fields))}
	for f, fv := range s.Fields {
		if fv.Own != nil {
			fv = *fv.Own
			fv.Stale = true
		}
		out.Fields[f] = fv
	}
	return out
}

// holds reports whether fv is a value that competes in survivorship.
func (fv FieldValue) holds() bool { return !fv.Null && fv.V != "" }

func decodeSnapshot(b []byte) (Snapshot, error) {
	s := Snapshot{Raw: map[string]any{}, Fields: map[string]FieldValue{}}
	if len(b) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("decode snapshot: %w", err)
	}
	if s.Raw == nil {
		s.Raw = map[string]any{}
	}
	if s.Fields == nil {
		s.Fields = map[string]FieldValue{}
	}
	return s, nil
}

func (s Snapshot) encode() []byte {
	b, _ := json.Marshal(s) // plain strings, times and JSON values only
	return b
}

// update returns the snapshot after a read at source time t of a record that says vals of the
// golden fields its mapping sets (fields). Unchanged values keep their time and changed and new
// ones take t. A field the record does not mention keeps what the source said before (absent is
// no change); fields no longer mapped are dropped. A null is a clear only where the source held a
// value before: a field that was never filled asserts nothing, so the first read of a record with
// empty columns clears nothing anywhere.
func (s Snapshot) update(raw map[string]any, vals mapping.Values, fields []string, t time.Time) Snapshot {
	next := Snapshot{Raw: raw, Fields: make(map[string]FieldValue, len(fields))}
	for _, f := range fields {
		old, had := s.Fields[f]
		v, said := vals[f]
		switch {
		case !said:
			if had {
				next.Fields[f] = old
			}
		case v.Null:
			if had && (old.Null || old.V != "") {
				if !old.Null {
					old = FieldValue{Null: true, T: t}
				}
				next.Fields[f] = old
			}
		case had && !old.Null && old.V == v.S:
			old.Stale = false // the system holds it now
			next.Fields[f] = old
		default:
			next.Fields[f] = FieldValue{V: v.S, T: t}
		}
	}
	return next
}
