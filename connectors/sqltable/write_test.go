package sqltable

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// byID reads everything and indexes the latest version of each record.
func byID(t *testing.T, c *connector, entity string) map[string]connectors.Record {
	t.Helper()
	recs, _ := readAll(t, c, entity, "", 100)
	out := make(map[string]connectors.Record, len(recs))
	for _, r := range recs {
		out[r.ID] = r
	}
	return out
}

func (b *backend) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.db.GetContext(context.Background(), &n, "SELECT count(*) FROM "+quoteIdent(b.table)); err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

func TestWriteCreateIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		c.now = clock(base, time.Millisecond)
		create := connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "k1", Fields: map[string]any{"name": "Ann"}}
		first := write(t, c, b.table, create)
		mustOK(t, first)
		create.Fields = map[string]any{"name": "Ann B"} // a retry may carry newer fields
		second := write(t, c, b.table, create)
		mustOK(t, second)
		if first.ExternalID != "k1" || second.ExternalID != "k1" {
			t.Errorf("ExternalIDs %q, %q; want k1 twice", first.ExternalID, second.ExternalID)
		}
		if n := b.count(t); n != 1 {
			t.Fatalf("%d rows after creating k1 twice, want 1", n)
		}
		r := byID(t, c, b.table)["k1"]
		if r.Fields["name"] != "Ann B" || r.Version != second.Version {
			t.Errorf("record %+v, want name Ann B and version %s", r, second.Version)
		}
		res := write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, Fields: map[string]any{"name": "x"}})
		if res.Err == nil || res.Err.Kind != connectors.Permanent {
			t.Errorf("create without CreateKey: %v, want Permanent", res.Err)
		}
	})
}

func TestWriteUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		b.insert(t, "a1", "old", base)
		c := b.connector(t, softTable)
		c.now = clock(base.Add(time.Hour), time.Second)
		op := connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: "a1", Fields: map[string]any{"name": "new", "score": 7}}
		mustOK(t, write(t, c, b.table, op))
		res := write(t, c, b.table, op)
		mustOK(t, res)
		if res.ExternalID != "a1" || res.Version != "2024-05-01T13:00:01.000000Z" {
			t.Errorf("result %+v, want a1 at the second write's time", res)
		}
		r := byID(t, c, b.table)["a1"]
		if r.Fields["name"] != "new" || r.Fields["score"] != json.Number("7") || r.Version != res.Version {
			t.Errorf("record %+v after update", r)
		}
		missing := write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: "nope", Fields: map[string]any{"name": "x"}})
		if missing.Err == nil || missing.Err.Kind != connectors.Conflict || missing.Err.Message != "record nope not found" {
			t.Errorf("update of a missing row: %v, want Conflict \"record nope not found\"", missing.Err)
		}
	})
}

func TestWriteFieldErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		b.insert(t, "a1", "old", base)
		c := b.connector(t, softTable)
		for _, tc := range []struct {
			field string
			value any
		}{
			{"nope", "x"},
			{"id", "other"},
			{"updated_at", "2020-01-01T00:00:00.000000Z"},
			{"is_deleted", true},
			{"name", map[string]any{"nested": 1}},
			{"name", []any{1, 2}},
			{"score", json.Number("12abc")},
		} {
			res := write(t, c, b.table, connectors.WriteOp{
				Kind: connectors.OpUpsert, ExternalID: "a1", Fields: map[string]any{"name": "ok", tc.field: tc.value}})
			if res.Err == nil || res.Err.Kind != connectors.Permanent || res.Err.Field != tc.field ||
				!strings.Contains(res.Err.Error(), tc.field) {
				t.Errorf("field %s = %#v: %v, want Permanent naming %s", tc.field, tc.value, res.Err, tc.field)
			}
		}
		if r := byID(t, c, b.table)["a1"]; r.Fields["name"] != "old" {
			t.Errorf("a rejected op changed the row: %+v", r)
		}
	})
}

func TestWriteConstraintViolation(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		mustOK(t, write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "a", Fields: map[string]any{"email": "x@example.com"}}))
		res := write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "b", Fields: map[string]any{"email": "x@example.com"}})
		if res.Err == nil || res.Err.Kind != connectors.Permanent || !strings.Contains(strings.ToLower(res.Err.Message), "unique") {
			t.Errorf("duplicate email: %v, want Permanent with the constraint message", res.Err)
		}
	})
}

func TestWriteSoftDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		b.insert(t, "a1", "Ann", base)
		c := b.connector(t, softTable)
		c.now = clock(base.Add(time.Hour), time.Second)
		del := connectors.WriteOp{Kind: connectors.OpDelete, ExternalID: "a1"}
		mustOK(t, write(t, c, b.table, del))
		mustOK(t, write(t, c, b.table, del))
		mustOK(t, write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpDelete, ExternalID: "never"}))
		if r := byID(t, c, b.table)["a1"]; !r.Deleted || r.Fields["name"] != "Ann" {
			t.Fatalf("after soft delete: %+v, want Deleted with its fields", r)
		}
		mustOK(t, write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: "a1", Fields: map[string]any{"name": "Ann"}}))
		if r := byID(t, c, b.table)["a1"]; r.Deleted {
			t.Errorf("upsert did not un-delete: %+v", r)
		}
	})
}

func TestWriteHardDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		b.insert(t, "a1", "Ann", base)
		b.insert(t, "a2", "Bob", base)
		c := b.connector(t, map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "is_deleted", "delete_mode": "hard"})
		del := connectors.WriteOp{Kind: connectors.OpDelete, ExternalID: "a1"}
		mustOK(t, write(t, c, b.table, del))
		mustOK(t, write(t, c, b.table, del))
		if got := byID(t, c, b.table); len(got) != 1 || got["a2"].ID != "a2" {
			t.Errorf("after hard delete: %v, want only a2", got)
		}
	})
}

func TestWriteNumbersExact(t *testing.T) {
	const decimal = "12345678901234567890.1234567890"
	const big = "9007199254740993" // 2^53 + 1: a float64 would make it ...992
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		fields := map[string]any{"big": json.Number(big), "note": json.Number(decimal), "amount": json.Number("1234.5")}
		if b.driver == driverPostgres {
			fields["amount"] = json.Number(decimal)
		}
		mustOK(t, write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "n", Fields: fields}))
		r := byID(t, c, b.table)["n"]
		if r.Fields["big"] != json.Number(big) {
			t.Errorf("big = %#v, want json.Number %s", r.Fields["big"], big)
		}
		if r.Fields["note"] != decimal { // TEXT column: the text, byte for byte
			t.Errorf("note = %#v, want %q", r.Fields["note"], decimal)
		}
		if want := fields["amount"]; r.Fields["amount"] != want {
			t.Errorf("amount = %#v, want %#v", r.Fields["amount"], want)
		}
		if b.driver == driverSQLite { // NUMERIC affinity would round it: refuse rather than corrupt
			res := write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: "n",
				Fields: map[string]any{"amount": json.Number(decimal)}})
			if res.Err == nil || res.Err.Kind != connectors.Permanent || res.Err.Field != "amount" {
				t.Errorf("SQLite NUMERIC amount %s: %v, want Permanent on amount", decimal, res.Err)
			}
		}
	})
}

func TestWriteInjectionStoredVerbatim(t *testing.T) {
	const evil = `Robert'); DROP TABLE x;--`
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		mustOK(t, write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: evil, Fields: map[string]any{"name": evil}}))
		mustOK(t, write(t, c, b.table, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: evil, Fields: map[string]any{"note": evil}}))
		var name, note string
		q := b.db.Rebind("SELECT name, note FROM " + quoteIdent(b.table) + " WHERE id = ?")
		if err := b.db.QueryRowxContext(context.Background(), q, evil).Scan(&name, &note); err != nil {
			t.Fatalf("select: %v", err)
		}
		if name != evil || note != evil {
			t.Errorf("stored %q, %q; want %q", name, note, evil)
		}
		if r := byID(t, c, b.table)[evil]; r.Fields["name"] != evil {
			t.Errorf("read back %+v", r)
		}
	})
}

func TestWriteBatchResultsInOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		resp, err := c.Write(context.Background(), connectors.WriteRequest{Entity: b.table, Ops: []connectors.WriteOp{
			{Kind: connectors.OpUpsert, CreateKey: "a"},
			{Kind: connectors.OpUpsert, ExternalID: "missing"},
			{Kind: connectors.OpDelete, ExternalID: "a"},
		}})
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
		if len(resp.Results) != 3 || resp.Results[0].Err != nil || resp.Results[1].Err == nil || resp.Results[2].Err != nil {
			t.Errorf("results %+v, want ok, Conflict, ok", resp.Results)
		}
	})
}

// Accord may call Read and Write from several goroutines at once.
func TestConcurrentUse(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					key := fmt.Sprintf("g%d-%d", g, i)
					resp, err := c.Write(context.Background(), connectors.WriteRequest{Entity: b.table, Ops: []connectors.WriteOp{
						{Kind: connectors.OpUpsert, CreateKey: key, Fields: map[string]any{"name": key, "active": true}}}})
					if err == nil && resp.Results[0].Err != nil {
						err = resp.Results[0].Err
					}
					if err == nil {
						_, err = c.Read(context.Background(), connectors.ReadRequest{Entity: b.table, Limit: 5})
					}
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		got := byID(t, c, b.table)
		if len(got) != 40 || got["g3-9"].Fields["active"] != true {
			t.Errorf("%d records after concurrent creates, want 40 with active true", len(got))
		}
	})
}
