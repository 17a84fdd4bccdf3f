package acceptance

import (
	"slices"
	"testing"

	"github.com/accord-mdm/accord/connectors"
)

// pageSize is the small Read limit of the paging subtests, prime so that pages never line up
// with the seeded count.
const pageSize = 7

// checkSeen reports every seeded ID missing from seen and every record seen that was not
// seeded (the system was empty before).
func checkSeen(t *testing.T, seeded []string, seen map[string]connectors.Record) {
	t.Helper()
	want := set(seeded)
	for _, id := range seeded {
		if _, ok := seen[id]; !ok {
			t.Errorf("record %s was seeded but never read", id)
		}
	}
	for id := range seen {
		if !want[id] {
			t.Errorf("read record %s, which was never seeded", id)
		}
	}
}

func recordIDs(recs []connectors.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// testReadFullPages reads 50 seeded records in pages of 7 from the beginning: every page within
// the limit, a cursor whenever More is set, and every record seen.
func testReadFullPages(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), capRead(caps))
	s := h.open(t)
	ids := s.seed(t, 50)
	recs, _ := s.readAll(t, s.conn, "", pageSize, 2*len(ids))
	seen := latest(recs)
	checkSeen(t, ids, seen)
	if len(recs) > len(seen) {
		t.Logf("read %d records for %d distinct ones (re-reads are allowed)", len(recs), len(seen))
	}
}

// testReadIncremental saves the cursor of a first page, resumes from it on a second connector
// (as after a restart), catches up, and then finds a record a user touched by reading on from
// the caught-up cursor. A cursor is a value: reading it twice gives the same page.
func testReadIncremental(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), h.canTouch(), capRead(caps), capIncremental(caps))
	s := h.open(t)
	ids := s.seed(t, 20)
	first := s.read(t, s.conn, "", pageSize)
	if !first.More {
		t.Fatalf("first page of %d over %d records: %d records and More false", pageSize, len(ids), len(first.Records))
	}
	other := h.configured(t, s.settings)
	again := s.read(t, s.conn, first.NextCursor, pageSize)
	resumed := s.read(t, other, first.NextCursor, pageSize)
	if !slices.Equal(recordIDs(again.Records), recordIDs(resumed.Records)) {
		t.Errorf("the same cursor read %v on one connector and %v on another", recordIDs(again.Records), recordIDs(resumed.Records))
	}
	rest, end := s.readAll(t, other, first.NextCursor, pageSize, 2*len(ids))
	seen := latest(append(first.Records, rest...))
	checkSeen(t, ids, seen)
	if end == "" {
		t.Errorf("caught-up NextCursor is empty: the next poll would read everything again")
	}

	touched := ids[len(ids)/2]
	h.Touch(t, s.settings, touched)
	after, _ := s.readAll(t, s.conn, end, pageSize, 2*len(ids))
	got, ok := latest(after)[touched]
	switch {
	case !ok:
		t.Errorf("reading on from the caught-up cursor returned %v, not the touched record %s", recordIDs(after), touched)
	case !got.UpdatedAt.After(seen[touched].UpdatedAt):
		t.Errorf("touched record %s: UpdatedAt %v, not after %v", touched, got.UpdatedAt, seen[touched].UpdatedAt)
	}
}

// testReadTouchedWhilePaging touches one record already read and one not yet read while a
// full read is under way. Re-reads are allowed; losing a change is not: the last version of
// each record the paging saw must be the version the system holds at the end.
func testReadTouchedWhilePaging(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), h.canTouch(), capRead(caps), capIncremental(caps))
	s := h.open(t)
	ids := s.seed(t, 50)
	first := s.read(t, s.conn, "", pageSize)
	if !first.More || len(first.Records) == 0 {
		t.Fatalf("first page of %d over %d records: %d records, More %v", pageSize, len(ids), len(first.Records), first.More)
	}
	read := set(recordIDs(first.Records))
	unread := ""
	for _, id := range ids {
		if !read[id] {
			unread = id
			break
		}
	}
	h.Touch(t, s.settings, first.Records[0].ID)
	h.Touch(t, s.settings, unread)

	rest, _ := s.readAll(t, s.conn, first.NextCursor, pageSize, 4*len(ids))
	stream := append(first.Records, rest...)
	seen := latest(stream)
	checkSeen(t, ids, seen)
	for id, now := range s.current(t, pageSize) {
		got, ok := seen[id]
		if ok && (!got.UpdatedAt.Equal(now.UpdatedAt) || got.Version != now.Version) {
			t.Errorf("record %s: paging last saw UpdatedAt %v, Version %q; the system holds %v, %q (a change was lost)",
				id, got.UpdatedAt, got.Version, now.UpdatedAt, now.Version)
		}
	}
	t.Logf("read %d records for %d distinct ones (re-reads are allowed)", len(stream), len(seen))
}

// testReadMaxBatch reads MaxBatch+1 seeded records with Limit = MaxBatch: the first page holds
// at most MaxBatch, says there is more, and the rest follows.
func testReadMaxBatch(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.canSeed(), capRead(caps), capMaxBatch(caps))
	n := caps.MaxBatch
	s := h.open(t)
	ids := s.seed(t, n+1)
	first := s.read(t, s.conn, "", n)
	if len(first.Records) == 0 || !first.More {
		t.Fatalf("Read(limit MaxBatch %d) over %d records: %d records, More %v; want some, and More",
			n, n+1, len(first.Records), first.More)
	}
	rest, _ := s.readAll(t, s.conn, first.NextCursor, n, 10)
	checkSeen(t, ids, latest(append(first.Records, rest...)))
}
