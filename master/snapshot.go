// Package master decides what golden records say: it matches incoming records to golden records,
// merges them by survivorship rules, and records lineage, cross-references and outbox rows.
package master

import (
	"encoding/json"
	"fmt"
	"time"
)

// Snapshot is what the golden store remembers of one system record: the raw values of the mapped
// columns (for echo detection) and the mapped golden values, each with the source time at which
// it last changed — so that a record touched for another reason does not look like a fresh
// assertion of every value it holds.
type Snapshot struct {
	Raw    map[string]any        `json:"raw"`
	Fields map[string]FieldValue `json:"fields"`
}

// FieldValue is one mapped value and when the source last changed it.
type FieldValue struct {
	V string    `json:"v"`
	T time.Time `json:"t"`
}

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

// update returns the snapshot after a read of mapped values at source time t: unchanged values
// keep their time, changed and new ones take t, and fields that disappeared are dropped.
func (s Snapshot) update(raw map[string]any, mapped map[string]string, t time.Time) Snapshot {
	next := Snapshot{Raw: raw, Fields: make(map[string]FieldValue, len(mapped))}
	for f, v := range mapped {
		if old, ok := s.Fields[f]; ok && old.V == v {
			next.Fields[f] = old
			continue
		}
		next.Fields[f] = FieldValue{V: v, T: t}
	}
	return next
}
