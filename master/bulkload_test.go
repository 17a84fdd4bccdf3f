package master_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/store/storetest"
)

// TestLoadRoundTrip loads a clustering into each store dialect and checks what the incremental
// engine relies on: golden records with lineage and keys, cross-references that make a re-read
// unchanged, outbox rows, review cases; then the engine carries on from there.
func TestLoadRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e, cfg := bulkEngine(t)
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		e.Now = func() time.Time { return now }
		src := map[string][]connectors.Record{
			"crm": {
				{ID: "C1", UpdatedAt: now.Add(-time.Hour), Fields: map[string]any{"name": "Acme Trading", "tax_id": "T1", "email": "sales@acme.cn", "city": "Shanghai", "phone": "+862150001234"}},
				{ID: "C2", UpdatedAt: now.Add(-time.Hour), Fields: map[string]any{"name": "Beta Foods", "city": "Beijing", "phone": "+861060001111"}},
				{ID: "C3", UpdatedAt: now.Add(-time.Hour), Fields: map[string]any{"name": "Beta Foods", "city": "Beijing", "phone": "+861060001111"}},
			},
			"erp": {
				{ID: "E1", UpdatedAt: now.Add(-2 * time.Hour), Fields: map[string]any{"name": "Acme Trading Co., Ltd.", "tax_id": "T1", "city": nil}},
				{ID: "E2", UpdatedAt: now.Add(-2 * time.Hour), Fields: map[string]any{"name": "Gamma Tech", "tax_id": "T9"}},
			},
		}
		maps := map[string]*mapping.Mapping{}
		var recs []master.BulkRecord
		for _, system := range []string{"erp", "crm"} {
			_, b, err := cfg.Binding(system, "customer")
			if err != nil {
				t.Fatal(err)
			}
			if maps[system], err = mapping.Compile(system, "customer", b); err != nil {
				t.Fatal(err)
			}
			for _, r := range src[system] {
				br, ok, errs := master.PrepareBulk(maps[system], nil, system, r, now)
				if !ok {
					t.Fatalf("prepare %s: %v", r.ID, errs)
				}
				recs = append(recs, br)
			}
		}
		c, err := e.Cluster(ctx, recs, master.BulkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st, err := e.Load(ctx, s, recs, c, "initial load")
		if err != nil {
			t.Fatal(err)
		}
		// E1+C1 by tax ID; E2; C2 and C3 are one system's look-alikes: reviewed.
		if st.Golden != 4 || st.Xrefs != 5 || st.Outbox != 8 || st.Reviews != 1 {
			t.Fatalf("load wrote %+v, want 4 golden, 5 xrefs, 8 outbox rows, 1 review", st)
		}
		rd := s.Read()
		goldenOf := func(system, id string) string {
			x, err := rd.GetXref(ctx, system, "customer", id)
			if err != nil {
				t.Fatal(err)
			}
			return x.GoldenID
		}
		acme := goldenOf("erp", "E1")
		if goldenOf("crm", "C1") != acme {
			t.Error("E1 and C1 share a tax ID but not a golden record")
		}
		g, err := rd.GetGolden(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := g.Fields()
		if f["name"] != "Acme Trading Co., Ltd." || f["email"] != "sales@acme.cn" || g.Version != 1 {
			t.Errorf("golden %v at version %d, want the ERP's name and the CRM's e-mail at 1", f, g.Version)
		}
		lin, err := rd.Lineage(ctx, acme, 1)
		if err != nil || len(lin) != 5 {
			t.Fatalf("lineage %v (%v), want 5 fields", lin, err)
		}
		if ids, err := rd.FindByKeys(ctx, "customer", []store.MatchKey{{Kind: "email", Value: "sales@acme.cn"}}); err != nil || len(ids) != 1 || ids[0] != acme {
			t.Errorf("find by e-mail: %v %v, want %s", ids, err, acme)
		}
		cases, err := rd.ListReviews(ctx, store.ReviewOpen, 10)
		if err != nil || len(cases) != 1 || cases[0].GoldenID != goldenOf("crm", "C3") || cases[0].CandidateID != goldenOf("crm", "C2") {
			t.Fatalf("review cases %+v (%v), want C3 held against C2", cases, err)
		}
		stats, err := rd.Stats(ctx, "customer")
		if err != nil {
			t.Fatal(err)
		}
		if stats.Golden != 4 || stats.Outbox[store.OutboxPending] != 6 || stats.Outbox[store.OutboxHeld] != 2 {
			t.Errorf("stats %+v, want 4 golden, 6 pending and 2 held pushes", stats)
		}

		// The incremental engine carries on: the same records again change nothing, and a new
		// record with a known key joins its golden record.
		for _, system := range []string{"erp", "crm"} {
			_, b, _ := cfg.Binding(system, "customer")
			var res master.PageResult
			err := s.InTx(ctx, func(tx *store.Tx) error {
				res, err = e.Ingest(ctx, tx, maps[system], system, b, src[system], nil)
				return err
			})
			if err != nil || res.Unchanged != len(src[system]) {
				t.Fatalf("%s read again: %+v (%v), want every record unchanged", system, res, err)
			}
		}
		_, b, _ := cfg.Binding("crm", "customer")
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := e.Ingest(ctx, tx, maps["crm"], "crm", b, []connectors.Record{{ID: "C9", UpdatedAt: now, Fields: map[string]any{"name": "Gamma", "tax_id": "T9"}}}, nil)
			return err
		})
		if err != nil || goldenOf("crm", "C9") != goldenOf("erp", "E2") {
			t.Fatalf("C9 (tax ID T9) did not join E2's golden record (%v)", err)
		}
		if _, err := e.Load(ctx, s, recs, c, "again"); !errors.Is(err, master.ErrNotEmpty) {
			t.Fatalf("second load: %v, want ErrNotEmpty", err)
		}
	})
}

// TestPrepareBulkLookups: object lookups are answered from the tables; a reference to another
// entity's record, or a table not read, leaves the record for the sync instead of keeping the
// reference as the value.
func TestPrepareBulkLookups(t *testing.T) {
	users := &config.Lookup{Object: "users", Value: "email"}
	m, err := mapping.Compile("crm", "customer", &config.Binding{Fields: []config.FieldMap{
		{Golden: "owner", From: "owner_id", Direction: config.Both, Lookup: users},
		{Golden: "parent", From: "parent_id", Direction: config.Both, Lookup: &config.Lookup{Xref: "customer"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tables := master.Tables{master.TableKey(users): master.NewLookupTable(users,
		[]connectors.Record{{ID: "U1", Fields: map[string]any{"email": "a@x.com"}}}, now)}
	res := master.BulkResolver(tables)
	r, ok, errs := master.PrepareBulk(m, res, "crm", connectors.Record{ID: "C1", Fields: map[string]any{"owner_id": "U1"}}, now)
	if !ok || r.Values["owner"] != "a@x.com" {
		t.Errorf("object lookup: %v %v %v, want the owner's e-mail", r.Values, ok, errs)
	}
	if _, ok, errs := master.PrepareBulk(m, res, "crm", connectors.Record{ID: "C2", Fields: map[string]any{"parent_id": "C1"}}, now); ok || len(errs) != 1 {
		t.Errorf("xref lookup: ok %v, errors %v; want the record left for the sync", ok, errs)
	}
	if _, ok, _ := master.PrepareBulk(m, nil, "crm", connectors.Record{ID: "C3", Fields: map[string]any{"owner_id": "U1"}}, now); ok {
		t.Error("object lookup without its table: the record was prepared with the raw reference")
	}
}
