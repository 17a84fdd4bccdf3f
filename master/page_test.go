package master_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// readPage ingests recs as one page of system and returns what happened.
func (w *clearWorld) readPage(system string, recs []connectors.Record) master.PageResult {
	w.t.Helper()
	b, m := w.mapping(system)
	var res master.PageResult
	err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
		var err error
		res, err = w.engine.Ingest(w.ctx, tx, m, system, b, recs, nil)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// TestSameIDTwiceInAPage: the last occurrence of an ID in a page is the newest and the one
// merged; the earlier one is skipped, and only one golden record exists.
func TestSameIDTwiceInAPage(t *testing.T) {
	w := newClearWorld(t)
	res := w.readPage("erp", []connectors.Record{
		{ID: "E-1", UpdatedAt: w.now, Fields: map[string]any{"name": "Old Name", "tax_id": "T1"}},
		{ID: "E-1", UpdatedAt: w.now, Fields: map[string]any{"name": "New Name", "tax_id": "T1"}},
	})
	if res.Created != 1 || res.Unchanged != 1 {
		t.Fatalf("page result %+v, want 1 created and 1 skipped", res)
	}
	if g := w.golden(); g["name"] != "New Name" {
		t.Fatalf("golden %v, want the last occurrence's name", g)
	}
}

// TestUndecodableRecordIsQuarantined: a record the plugin host could not decode is quarantined
// with its bytes; the rest of the page syncs.
func TestUndecodableRecordIsQuarantined(t *testing.T) {
	w := newClearWorld(t)
	raw := `{"name":"A","name":"B"}`
	res := w.readPage("erp", []connectors.Record{
		{ID: "E-1", UpdatedAt: w.now, Fields: map[string]any{"name": "Acme", "tax_id": "T1"}},
		{ID: "E-2", UpdatedAt: w.now, Undecodable: errors.New(`duplicate key "name"`), Raw: []byte(raw)},
	})
	if res.Created != 1 || res.Quarantined != 1 {
		t.Fatalf("page result %+v, want 1 created, 1 quarantined", res)
	}
	q, err := w.s.Read().ListQuarantine(w.ctx, 10)
	if err != nil || len(q) != 1 {
		t.Fatalf("quarantine %+v, %v", q, err)
	}
	if e := q[0]; e.ExternalID != "E-2" || string(e.RawJSON) != raw ||
		!strings.Contains(e.Error, `erp record E-2: field (fields): do not decode: duplicate key "name"`) {
		t.Fatalf("entry %+v (raw %s)", e, e.RawJSON)
	}
}
