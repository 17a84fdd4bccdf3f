package acceptance

import (
	"fmt"
	"maps"
	"testing"

	"github.com/accord-mdm/accord/connectors"
)

// testCreateIdempotent sends the same create twice, as a retry after a lost response would:
// one record, the same ExternalID both times, holding the fields written.
func testCreateIdempotent(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.hasFields(), capRead(caps), capWrite(caps))
	s := h.open(t)
	op := connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "acc-create-1", IdempotencyKey: "acc-create-1/v1", Fields: h.Fields(1)}
	first := s.writeOK(t, op)
	second := s.writeOK(t, op)
	if first.ExternalID == "" || first.ExternalID != second.ExternalID {
		t.Fatalf("create retried: ExternalIDs %q then %q, want the same, non-empty", first.ExternalID, second.ExternalID)
	}
	recs := live(s.current(t, pageSize))
	if len(recs) != 1 {
		t.Fatalf("after the same create twice the system holds %d live records, want 1", len(recs))
	}
	rec, ok := recs[first.ExternalID]
	if !ok {
		t.Fatalf("the created record %s is not read back", first.ExternalID)
	}
	checkFields(t, rec, op.Fields)
	checkVersion(t, second, rec)
}

// testUpdateIdempotent sends the same update of a seeded record twice: both succeed, and the
// record holds the fields written, still one record.
func testUpdateIdempotent(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), h.hasFields(), capRead(caps), capWrite(caps))
	s := h.open(t)
	id := s.seed(t, 1)[0]
	op := connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: id, IdempotencyKey: "acc-update-1/v2", Fields: h.Fields(2)}
	s.writeOK(t, op)
	res := s.writeOK(t, op)
	if res.ExternalID != id {
		t.Errorf("update of %s returned ExternalID %q", id, res.ExternalID)
	}
	recs := live(s.current(t, pageSize))
	if len(recs) != 1 {
		t.Fatalf("after updating one record twice the system holds %d live records, want 1", len(recs))
	}
	checkFields(t, recs[id], op.Fields)
	checkVersion(t, res, recs[id])
}

// testDeleteIdempotent deletes a seeded record twice: both succeed, the record is gone or
// marked deleted, and its neighbour is untouched.
func testDeleteIdempotent(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), capRead(caps), capDelete(caps))
	s := h.open(t)
	ids := s.seed(t, 2)
	op := connectors.WriteOp{Kind: connectors.OpDelete, ExternalID: ids[0], IdempotencyKey: "acc-delete-1"}
	s.writeOK(t, op)
	s.writeOK(t, op)
	recs := s.current(t, pageSize)
	if r, ok := recs[ids[0]]; ok && !r.Deleted {
		t.Errorf("record %s deleted twice still reads back live: %+v", ids[0], r)
	}
	if r, ok := recs[ids[1]]; !ok || r.Deleted {
		t.Errorf("record %s, never deleted, reads back as %+v (present %v)", ids[1], r, ok)
	}
}

// testUpdateMissing updates a record that does not exist: the op fails as Conflict (or
// Permanent) and creates nothing.
func testUpdateMissing(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.hasFields(), capRead(caps), capWrite(caps))
	s := h.open(t)
	const missing = "acc-missing-1"
	res := s.write(t, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: missing, Fields: h.Fields(3)})[0]
	if res.Err == nil || (res.Err.Kind != connectors.Conflict && res.Err.Kind != connectors.Permanent) {
		t.Errorf("update of missing record %s: %v, want a Conflict (or Permanent) error", missing, res.Err)
	}
	if r, ok := s.current(t, pageSize)[missing]; ok && !r.Deleted {
		t.Errorf("update of a missing record created it: %+v", r)
	}
}

// testUnknownField writes a field the entity lacks, in an update and in a create: each op
// fails as Permanent naming the field, and neither changes the system.
func testUnknownField(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), h.hasFields(), capRead(caps), capWrite(caps),
		requirement{h.UnknownField != "", "harness names no UnknownField"})
	s := h.open(t)
	id := s.seed(t, 1)[0]
	before := s.current(t, pageSize)
	fields := maps.Clone(h.Fields(4))
	fields[h.UnknownField] = "x"
	results := s.write(t,
		connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: id, Fields: fields},
		connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "acc-unknown-1", Fields: fields})
	for i, res := range results {
		switch {
		case res.Err == nil:
			t.Errorf("op %d with unknown field %s succeeded", i, h.UnknownField)
		case res.Err.Kind != connectors.Permanent:
			t.Errorf("op %d with unknown field %s: %v, want Permanent", i, h.UnknownField, res.Err)
		case res.Err.Field != h.UnknownField:
			t.Errorf("op %d with unknown field %s: %v, want OpError.Field %q", i, h.UnknownField, res.Err, h.UnknownField)
		}
	}
	after := s.current(t, pageSize)
	if len(after) != len(before) {
		t.Errorf("ops rejected for an unknown field changed the system: %d records before, %d after", len(before), len(after))
	}
	if after[id].Version != before[id].Version || !sameJSON(after[id].Fields, before[id].Fields) {
		t.Errorf("an update rejected for an unknown field changed record %s: before %+v, after %+v", id, before[id], after[id])
	}
}

// testWriteMaxBatch writes a batch of MaxBatch creates: one successful result per op, in
// order, and every record there afterwards.
func testWriteMaxBatch(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.hasFields(), capRead(caps), capWrite(caps), capMaxBatch(caps))
	s := h.open(t)
	n := caps.MaxBatch
	ops := make([]connectors.WriteOp, n)
	for i := range ops {
		key := fmt.Sprintf("acc-batch-%05d", i)
		ops[i] = connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: key, IdempotencyKey: key + "/v1", Fields: h.Fields(i)}
	}
	ids := make([]string, 0, n)
	var failed []string
	for i, res := range s.write(t, ops...) {
		if res.Err != nil {
			failed = append(failed, fmt.Sprintf("op %d: %v", i, res.Err))
			continue
		}
		ids = append(ids, res.ExternalID)
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d ops failed, first: %s", len(failed), n, failed[0])
	}
	if len(set(ids)) != n {
		t.Errorf("%d creates returned %d distinct ExternalIDs", n, len(set(ids)))
	}
	checkSeen(t, ids, live(s.current(t, n)))
}
