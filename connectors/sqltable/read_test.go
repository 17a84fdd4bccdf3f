package sqltable

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

func TestReadPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		var want []string
		for i := range 10 {
			id := fmt.Sprintf("a%02d", i)
			b.insert(t, id, "name "+id, base.Add(time.Duration(i)*time.Second))
			want = append(want, id)
		}
		c := b.connector(t, softTable)
		var got []string
		var sizes []int
		cursor := ""
		for {
			resp, err := c.Read(context.Background(), connectors.ReadRequest{Entity: b.table, Cursor: cursor, Limit: 3})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			sizes = append(sizes, len(resp.Records))
			got = append(got, ids(resp.Records)...)
			cursor = resp.NextCursor
			if !resp.More {
				break
			}
		}
		if !slices.Equal(sizes, []int{3, 3, 3, 1}) {
			t.Errorf("page sizes %v, want [3 3 3 1]", sizes)
		}
		if !slices.Equal(got, want) {
			t.Errorf("read %v, want %v (each once, in order)", got, want)
		}
	})
}

func TestReadRecordShape(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		ts := base.Add(1500 * time.Microsecond)
		b.insert(t, "a1", "Ann", ts)
		c := b.connector(t, softTable)
		recs, _ := readAll(t, c, b.table, "", 10)
		if len(recs) != 1 {
			t.Fatalf("read %d records, want 1", len(recs))
		}
		r := recs[0]
		if r.ID != "a1" || r.Deleted || !r.UpdatedAt.Equal(ts) || r.UpdatedAt.Location() != time.UTC {
			t.Errorf("record %+v, want ID a1, live, UpdatedAt %v UTC", r, ts)
		}
		if r.Version != "2024-05-01T12:00:00.001500Z" {
			t.Errorf("Version %q, want the fixed-width updated_at", r.Version)
		}
		for _, col := range []string{"id", "name", "email", "score", "amount", "note", "big", "active", "updated_at", "is_deleted"} {
			if _, ok := r.Fields[col]; !ok {
				t.Errorf("Fields lacks column %s: %v", col, r.Fields)
			}
		}
		if r.Fields["name"] != "Ann" || r.Fields["email"] != nil {
			t.Errorf("Fields name=%#v email=%#v, want \"Ann\" and nil", r.Fields["name"], r.Fields["email"])
		}
	})
}

func TestReadIncrementalAfterUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		for i := range 5 {
			b.insert(t, fmt.Sprintf("a%d", i), "old", base.Add(time.Duration(i)*time.Second))
		}
		c := b.connector(t, softTable)
		c.now = clock(base.Add(time.Hour), time.Second)
		_, cursor := readAll(t, c, b.table, "", 2)
		mustOK(t, write(t, c, b.table, connectors.WriteOp{
			Kind: connectors.OpUpsert, ExternalID: "a1", Fields: map[string]any{"name": "new"}}))
		recs, _ := readAll(t, c, b.table, cursor, 2)
		if len(recs) == 0 || recs[len(recs)-1].ID != "a1" || recs[len(recs)-1].Fields["name"] != "new" {
			t.Fatalf("incremental read %v, want it to end with the updated a1", ids(recs))
		}
		for _, r := range recs[:len(recs)-1] {
			if r.ID == "a1" {
				t.Errorf("stale a1 re-read: %+v", r)
			}
		}
	})
}

func TestReadOverlap(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		for i := range 10 {
			b.insert(t, fmt.Sprintf("a%d", i), "n", base.Add(time.Duration(i)*time.Second))
		}
		c := b.connector(t, softTable) // overlap 2s by default
		_, cursor := readAll(t, c, b.table, "", 4)
		hw := base.Add(9 * time.Second)
		cur, err := decodeCursor(cursor)
		if err != nil {
			t.Fatalf("decode cursor: %v", err)
		}
		if cur.HW != formatTS(hw) || cur.TS != formatTS(hw.Add(-2*time.Second)) || cur.ID != nil {
			t.Fatalf("caught-up cursor %+v, want hw %s rewound by 2s", cur, formatTS(hw))
		}
		// A row committed late with a timestamp inside the window is caught by the re-read.
		b.insert(t, "late", "n", base.Add(8500*time.Millisecond))
		recs, again := readAll(t, c, b.table, cursor, 4)
		if want := []string{"a7", "a8", "late", "a9"}; !slices.Equal(ids(recs), want) {
			t.Errorf("overlap re-read %v, want %v", ids(recs), want)
		}
		if again != cursor {
			t.Errorf("cursor after re-read moved: %+v", mustDecode(t, again))
		}
		// Nothing left in the window: the poll is empty and the cursor stays put, not further back.
		b.exec(t, `DELETE FROM %s WHERE updated_at >= ?`, b.tsArg(base.Add(7*time.Second)))
		for range 3 {
			resp, err := c.Read(context.Background(), connectors.ReadRequest{Entity: b.table, Cursor: cursor, Limit: 4})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(resp.Records) != 0 || resp.More || resp.NextCursor != cursor {
				t.Fatalf("empty poll: %d records, More %v, cursor %+v; want none and cursor %+v",
					len(resp.Records), resp.More, mustDecode(t, resp.NextCursor), cur)
			}
		}
	})
}

func mustDecode(t *testing.T, s string) cursor {
	t.Helper()
	c, err := decodeCursor(s)
	if err != nil {
		t.Fatalf("decode cursor: %v", err)
	}
	return c
}

func TestReadEqualTimestampsAcrossPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		var want []string
		for i := range 7 {
			id := fmt.Sprintf("a%d", i)
			b.insert(t, id, "n", base) // all at the same instant
			want = append(want, id)
		}
		b.insert(t, "z", "n", base.Add(time.Second))
		want = append(want, "z")
		c := b.connector(t, softTable)
		recs, _ := readAll(t, c, b.table, "", 3)
		if !slices.Equal(ids(recs), want) {
			t.Errorf("read %v, want %v", ids(recs), want)
		}
	})
}

// Integer keys must page in numeric order (9 before 10) with the cursor carrying them as text.
func TestReadIntegerKeys(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ts := "TEXT"
		if b.driver == driverPostgres {
			ts = "TIMESTAMPTZ"
		}
		b.exec(t, `CREATE TABLE %s (id BIGINT PRIMARY KEY, updated_at `+ts+`)`)
		var want []string
		for i := 1; i <= 12; i++ {
			b.exec(t, `INSERT INTO %s (id, updated_at) VALUES (?, ?)`, i, b.tsArg(base))
			want = append(want, strconv.Itoa(i))
		}
		c := b.connector(t, map[string]string{"key": "id", "updated_at": "updated_at"})
		recs, _ := readAll(t, c, b.table, "", 4)
		if !slices.Equal(ids(recs), want) {
			t.Errorf("read %v, want %v", ids(recs), want)
		}
	})
}

func TestReadLimits(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{-1, DefaultPageSize}, {0, DefaultPageSize}, {1, 1}, {MaxBatch, MaxBatch}, {MaxBatch + 1, MaxBatch}} {
		if got := pageSize(tc.in); got != tc.want {
			t.Errorf("pageSize(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestReadBadCursor(t *testing.T) {
	b := newSQLite(t)
	b.createAccounts(t)
	c := b.connector(t, softTable)
	_, err := c.Read(context.Background(), connectors.ReadRequest{Entity: b.table, Cursor: "not a cursor!"})
	if err == nil || connectors.KindOf(err) != connectors.Permanent {
		t.Fatalf("Read with a bad cursor: %v, want a Permanent error", err)
	}
}
