package tryton_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/tryton"
	"github.com/accord-mdm/accord/connectors/tryton/trytontest"
)

// system is a fresh Tryton database, a connector for it and an admin client behind its back.
type system struct {
	conn  connectors.Connector
	admin *trytontest.Client
}

func newSystem(t *testing.T, extra map[string]any) *system {
	t.Helper()
	systems := trytontest.NewSystems(t)
	settings := systems.Settings(t, extra)
	c := tryton.New()
	if err := c.Configure(t.Context(), settings); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &system{conn: c, admin: trytontest.Admin(t, systems.Lookup(t, settings).URL)}
}

// readAll reads entity from cursor until caught up.
func (s *system) readAll(t *testing.T, entity, cursor string) (map[string]connectors.Record, string) {
	t.Helper()
	out := map[string]connectors.Record{}
	for range 100 {
		resp, err := s.conn.Read(t.Context(), connectors.ReadRequest{Entity: entity, Cursor: cursor, Limit: 50})
		if err != nil {
			t.Fatalf("Read %s: %v", entity, err)
		}
		for _, r := range resp.Records {
			out[r.ID] = r
		}
		cursor = resp.NextCursor
		if !resp.More {
			return out, cursor
		}
	}
	t.Fatal("Read never caught up")
	return nil, ""
}

func (s *system) write(t *testing.T, ops ...connectors.WriteOp) []connectors.WriteResult {
	t.Helper()
	resp, err := s.conn.Write(t.Context(), connectors.WriteRequest{Entity: "customer", Ops: ops})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return resp.Results
}

func (s *system) create(t *testing.T, key string, fields map[string]any) string {
	t.Helper()
	res := s.write(t, connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: key, Fields: fields})[0]
	if res.Err != nil {
		t.Fatalf("create %s: %v", key, res.Err)
	}
	return res.ExternalID
}

// partyChild returns the id of the party's first child in one2many field.
func (s *system) partyChild(t *testing.T, id, field string) json.Number {
	t.Helper()
	var rows []map[string]any
	s.admin.Model(t, "party.party", "read", &rows, []any{json.Number(id)}, []string{field})
	ids, _ := rows[0][field].([]any)
	if len(ids) == 0 {
		t.Fatalf("party %s has no %s", id, field)
	}
	return ids[0].(json.Number)
}

// TestChildEditsAreChanges edits an address and a contact mechanism directly, which leaves
// the party's write_date alone, and expects incremental reads to return the party anyway.
func TestChildEditsAreChanges(t *testing.T) {
	s := newSystem(t, nil)
	id := s.create(t, "child-1", trytontest.Fields(1))
	before, cursor := s.readAll(t, "customer", "")
	time.Sleep(1100 * time.Millisecond) // past the 1s overlap, so that only real changes come back

	s.admin.Model(t, "party.address", "write", nil, []any{s.partyChild(t, id, "addresses")}, map[string]any{"street": "9 New Street"})
	got, cursor := s.readAll(t, "customer", cursor)
	rec, ok := got[id]
	if !ok || rec.Fields["street"] != "9 New Street" || !rec.UpdatedAt.After(before[id].UpdatedAt) {
		t.Fatalf("after an address edit: %+v (present %v), want street 9 New Street and a later UpdatedAt", rec, ok)
	}
	time.Sleep(1100 * time.Millisecond)
	s.admin.Model(t, "party.contact_mechanism", "write", nil, []any{s.partyChild(t, id, "contact_mechanisms")}, map[string]any{"value": "new@example.com"})
	got, _ = s.readAll(t, "customer", cursor)
	if rec := got[id]; rec.Fields["email"] != "new@example.com" {
		t.Fatalf("after a contact mechanism edit: %+v, want email new@example.com", rec)
	}
}

// TestDeletionsAreReported deletes one party and archives another behind the connector's
// back: both come back as deleted records, and a caught-up read does not report them again.
func TestDeletionsAreReported(t *testing.T) {
	s := newSystem(t, nil)
	gone := s.create(t, "del-1", trytontest.Fields(1))
	archived := s.create(t, "del-2", trytontest.Fields(2))
	kept := s.create(t, "del-3", trytontest.Fields(3))
	_, cursor := s.readAll(t, "customer", "")

	s.admin.Model(t, "party.party", "delete", nil, []any{json.Number(gone)})
	s.admin.Model(t, "party.party", "write", nil, []any{json.Number(archived)}, map[string]any{"active": false})
	got, cursor := s.readAll(t, "customer", cursor)
	if r, ok := got[gone]; !ok || !r.Deleted {
		t.Errorf("deleted party %s: %+v (present %v), want a deleted record", gone, r, ok)
	}
	if r, ok := got[archived]; !ok || !r.Deleted || r.Fields["name"] != "Customer 2" {
		t.Errorf("archived party %s: %+v (present %v), want a deleted record with its fields", archived, r, ok)
	}
	if r, ok := got[kept]; ok && r.Deleted {
		t.Errorf("party %s, untouched, reported deleted", kept)
	}
	time.Sleep(1100 * time.Millisecond)
	again, _ := s.readAll(t, "customer", cursor)
	if r, ok := again[gone]; ok {
		t.Errorf("deleted party %s reported again: %+v", gone, r)
	}
}

// TestDeleteModes archives by default and deletes with delete_mode "delete".
func TestDeleteModes(t *testing.T) {
	for _, mode := range []string{"archive", "delete"} {
		t.Run(mode, func(t *testing.T) {
			s := newSystem(t, map[string]any{"delete_mode": mode})
			id := s.create(t, "mode-1", trytontest.Fields(1))
			res := s.write(t, connectors.WriteOp{Kind: connectors.OpDelete, ExternalID: id})[0]
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			var n json.Number
			s.admin.Model(t, "party.party", "search_count", &n, []any{[]any{"id", "=", json.Number(id)}})
			var all json.Number
			s.admin.Call(t, "model.party.party.search_count", []any{[]any{[]any{"id", "=", json.Number(id)}}, map[string]any{"active_test": false}}, &all)
			want := map[string][2]string{"archive": {"0", "1"}, "delete": {"0", "0"}}[mode]
			if n.String() != want[0] || all.String() != want[1] {
				t.Errorf("after delete: %s active, %s in all; want %v", n, all, want)
			}
		})
	}
}

// TestTaxIdentifier writes a Chinese unified social credit code, reads it back, and has
// Tryton refuse one with a bad check digit, naming the field.
func TestTaxIdentifier(t *testing.T) {
	s := newSystem(t, nil)
	fields := trytontest.Fields(1)
	fields["tax_identifier"], fields["tax_identifier_type"] = "91350100M000100Y43", "cn_uscc"
	id := s.create(t, "tax-1", fields)
	got, _ := s.readAll(t, "customer", "")
	if r := got[id]; r.Fields["tax_identifier"] != "91350100M000100Y43" || r.Fields["tax_identifier_type"] != "cn_uscc" {
		t.Errorf("read back %+v", r.Fields)
	}
	res := s.write(t, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: id, Fields: map[string]any{"tax_identifier": "91350100M000100Y44"}})[0]
	if res.Err == nil || res.Err.Kind != connectors.Permanent || res.Err.Field != "tax_identifier" || !strings.Contains(res.Err.Message, "party "+id) {
		t.Errorf("bad check digit: %+v, want Permanent naming party %s and field tax_identifier", res.Err, id)
	}
	res = s.write(t, connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: id, Fields: map[string]any{"country": "XX"}})[0]
	if res.Err == nil || res.Err.Kind != connectors.Permanent || res.Err.Field != "country" {
		t.Errorf("unknown country: %+v, want Permanent naming field country", res.Err)
	}
}

// TestFacts confirms a sale and posts its invoice in Tryton, then reads both as facts: party,
// date, exact total and currency; writing them is refused.
func TestFacts(t *testing.T) {
	s := newSystem(t, nil)
	party := s.create(t, "fact-1", trytontest.Fields(1))
	sale, invoice := trytontest.ConfirmedSale(t, s.admin, party, "2")
	for _, tc := range []struct{ entity, id string }{{"sale", sale}, {"invoice", invoice}} {
		got, _ := s.readAll(t, tc.entity, "")
		r, ok := got[tc.id]
		if !ok || len(got) != 1 {
			t.Fatalf("%s: read %v, want only %s", tc.entity, got, tc.id)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		if r.Fields["party"] != party || r.Fields["total"] != "226.00" || r.Fields["currency"] != "CNY" || r.Fields["date"] != today {
			t.Errorf("%s %s: fields %v, want party %s, total 226.00, currency CNY, date %s", tc.entity, tc.id, r.Fields, party, today)
		}
		resp, err := s.conn.Write(t.Context(), connectors.WriteRequest{Entity: tc.entity,
			Ops: []connectors.WriteOp{{Kind: connectors.OpUpsert, ExternalID: tc.id, Fields: map[string]any{"total": "1"}}}})
		if err != nil || resp.Results[0].Err == nil || resp.Results[0].Err.Kind != connectors.Permanent {
			t.Errorf("write %s: %+v, %v; want a Permanent op failure", tc.entity, resp, err)
		}
	}
}
