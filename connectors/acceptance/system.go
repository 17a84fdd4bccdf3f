package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// callTimeout bounds every call the suite makes, so that a hung connector fails its subtest
// instead of the whole test binary. It is generous: a MaxBatch write may be slow.
const callTimeout = 2 * time.Minute

// callCtx returns a context for one or a few calls, ended with the test.
func callCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), callTimeout)
	t.Cleanup(cancel)
	return ctx
}

// system is one fresh system and a connector configured for it.
type system struct {
	h        *Harness
	settings json.RawMessage
	conn     connectors.Connector
}

// newConn returns an unconfigured connector that is closed at t's cleanup.
func (h *Harness) newConn(t *testing.T) connectors.Connector {
	t.Helper()
	c := h.New(t)
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// configured returns a connector configured with settings, closed at t's cleanup.
func (h *Harness) configured(t *testing.T, settings json.RawMessage) connectors.Connector {
	t.Helper()
	c := h.newConn(t)
	if err := c.Configure(callCtx(t), settings); err != nil {
		t.Fatalf("Configure(valid settings): %v", err)
	}
	return c
}

// open makes a fresh system and configures a connector for it.
func (h *Harness) open(t *testing.T) *system {
	t.Helper()
	settings := h.Settings(t)
	return &system{h: h, settings: settings, conn: h.configured(t, settings)}
}

// seed seeds n records and checks that the harness returned n distinct IDs.
func (s *system) seed(t *testing.T, n int) []string {
	t.Helper()
	ids := s.h.Seed(t, s.settings, n)
	if len(ids) != n || len(set(ids)) != n {
		t.Fatalf("harness Seed(%d) returned %d IDs (%d distinct)", n, len(ids), len(set(ids)))
	}
	return ids
}

// read reads one page and checks it: at most limit records (when limit > 0), every record
// with an ID, and a cursor to go on from whenever More is set.
func (s *system) read(t *testing.T, c connectors.Connector, cursor string, limit int) connectors.ReadResponse {
	t.Helper()
	resp, err := c.Read(callCtx(t), connectors.ReadRequest{Entity: s.h.Entity, Cursor: cursor, Limit: limit})
	if err != nil {
		t.Fatalf("Read(cursor %q, limit %d): %v", cursor, limit, err)
	}
	if limit > 0 && len(resp.Records) > limit {
		t.Errorf("Read(limit %d) returned %d records", limit, len(resp.Records))
	}
	if resp.More && resp.NextCursor == "" {
		t.Fatalf("Read returned More with an empty NextCursor (that would restart from the beginning)")
	}
	for _, r := range resp.Records {
		if r.ID == "" {
			t.Errorf("Read returned a record without an ID: %+v", r)
		}
	}
	if p := inexactNumber(resp.Records); p != "" {
		t.Errorf("Read returned %s, want json.Number: the contract keeps numbers exact", p)
	}
	return resp
}

// inexactNumber describes the first field value of recs that is a Go number rather than a
// json.Number, or returns "".
func inexactNumber(recs []connectors.Record) string {
	var find func(path string, v any) string
	find = func(path string, v any) string {
		switch x := v.(type) {
		case float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			return fmt.Sprintf("%s = %T %v", path, x, x)
		case map[string]any:
			for k, e := range x {
				if p := find(path+"."+k, e); p != "" {
					return p
				}
			}
		case []any:
			for i, e := range x {
				if p := find(fmt.Sprintf("%s[%d]", path, i), e); p != "" {
					return p
				}
			}
		}
		return ""
	}
	for _, r := range recs {
		for name, v := range r.Fields {
			if p := find(fmt.Sprintf("record %s field %s", r.ID, name), v); p != "" {
				return p
			}
		}
	}
	return ""
}

// readAll reads pages of limit from cursor until a page says there is no more, and returns
// every record read, in order, and the last cursor. It fails after maxPages pages.
func (s *system) readAll(t *testing.T, c connectors.Connector, cursor string, limit, maxPages int) ([]connectors.Record, string) {
	t.Helper()
	var all []connectors.Record
	for range maxPages {
		resp := s.read(t, c, cursor, limit)
		all = append(all, resp.Records...)
		if !resp.More {
			return all, resp.NextCursor
		}
		cursor = resp.NextCursor
	}
	t.Fatalf("Read still had More after %d pages of %d (%d records read)", maxPages, limit, len(all))
	return nil, ""
}

// current reads everything from the beginning and returns the latest version of each record.
func (s *system) current(t *testing.T, limit int) map[string]connectors.Record {
	t.Helper()
	recs, _ := s.readAll(t, s.conn, "", limit, 1000)
	return latest(recs)
}

// write runs one batch and fails the test on a call error or a wrong number of results.
func (s *system) write(t *testing.T, ops ...connectors.WriteOp) []connectors.WriteResult {
	t.Helper()
	resp, err := s.conn.Write(callCtx(t), connectors.WriteRequest{Entity: s.h.Entity, Ops: ops})
	if err != nil {
		t.Fatalf("Write(%d ops): %v", len(ops), err)
	}
	if len(resp.Results) != len(ops) {
		t.Fatalf("Write(%d ops) returned %d results, want one per op", len(ops), len(resp.Results))
	}
	return resp.Results
}

// writeOK runs one op and fails the test unless it succeeds.
func (s *system) writeOK(t *testing.T, op connectors.WriteOp) connectors.WriteResult {
	t.Helper()
	res := s.write(t, op)[0]
	if res.Err != nil {
		t.Fatalf("Write %s (ExternalID %q, CreateKey %q): %v", op.Kind, op.ExternalID, op.CreateKey, res.Err)
	}
	return res
}

// latest indexes records by ID; a later record replaces an earlier one, as a later page holds
// a later change.
func latest(recs []connectors.Record) map[string]connectors.Record {
	out := make(map[string]connectors.Record, len(recs))
	for _, r := range recs {
		out[r.ID] = r
	}
	return out
}

func set(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// live returns the records not marked deleted.
func live(recs map[string]connectors.Record) map[string]connectors.Record {
	out := make(map[string]connectors.Record, len(recs))
	for id, r := range recs {
		if !r.Deleted {
			out[id] = r
		}
	}
	return out
}

// sameJSON reports whether two field values encode to the same JSON, so that 7, 7.0 and
// json.Number("7") are equal.
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// checkFields reports every field of want that rec lacks or holds with another value.
func checkFields(t *testing.T, rec connectors.Record, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := rec.Fields[k]
		if !ok {
			t.Errorf("record %s has no field %s (fields %v)", rec.ID, k, rec.Fields)
		} else if !sameJSON(got, v) {
			t.Errorf("record %s: field %s = %#v, want %#v", rec.ID, k, got, v)
		}
	}
}

// checkVersion reports a write result whose Version differs from the version read back.
func checkVersion(t *testing.T, res connectors.WriteResult, rec connectors.Record) {
	t.Helper()
	if res.Version != "" && rec.Version != "" && res.Version != rec.Version {
		t.Errorf("Write returned Version %q, but record %s reads back with Version %q", res.Version, rec.ID, rec.Version)
	}
}
