package tryton

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/tryton/trytontest"
)

// TestStaleTimestampIsConflict has a user edit a party between the connector's read and its
// write: Tryton's ConcurrencyException (the _timestamp check) is the op's Conflict.
func TestStaleTimestampIsConflict(t *testing.T) {
	systems := trytontest.NewSystems(t)
	settings := systems.Settings(t, nil)
	c := New().(*connector)
	if err := c.Configure(t.Context(), settings); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.Write(t.Context(), connectors.WriteRequest{Entity: "customer", Ops: []connectors.WriteOp{
		{Kind: connectors.OpUpsert, CreateKey: "stale-1", Fields: trytontest.Fields(1)}}})
	if err != nil || resp.Results[0].Err != nil {
		t.Fatalf("create: %v %v", err, resp.Results[0].Err)
	}
	id, _ := strconv.ParseInt(resp.Results[0].ExternalID, 10, 64)
	rows, err := c.readParties(t.Context(), []any{id})
	if err != nil {
		t.Fatal(err)
	}
	read := parseParty(rows[id])

	time.Sleep(1100 * time.Millisecond) // Tryton's timestamps compare at one-second resolution
	admin := trytontest.Admin(t, systems.Lookup(t, settings).URL)
	admin.Model(t, "party.party", "write", nil, []any{json.Number(strconv.FormatInt(id, 10))}, map[string]any{"name": "Edited by a user"})

	w := &batch{c: c, results: make([]connectors.WriteResult, 1), ids: []int64{id}, done: make([]bool, 1)}
	op := connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: strconv.FormatInt(id, 10), Fields: map[string]any{"name": "From Accord"}}
	if err := w.update(t.Context(), 0, op, read); err != nil {
		t.Fatalf("update: %v", err)
	}
	if e := w.results[0].Err; e == nil || e.Kind != connectors.Conflict {
		t.Fatalf("write over a stale read: %+v, want Conflict", e)
	}
	rows, _ = c.readParties(t.Context(), []any{id})
	if rows[id]["name"] != "Edited by a user" {
		t.Errorf("the user's edit was overwritten: name %v", rows[id]["name"])
	}
}
