package master_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// explainModel gives each field a different survivorship, so that one golden record shows every
// kind of reason.
const explainModel = `entity: customer
fields:
  name: {}
  tax_id: {}
  city: {}
  phone: {}
  email: {}
match:
  keys:
    - {kind: tax_id, field: tax_id}
survivorship:
  source_priority: [erp, finance, crm]
  default: [source_priority, most_recent]
  fields:
    name:  [{trusted_source: erp}, most_complete, most_recent]
    phone: [most_recent, source_priority]
    email: [{source_priority: [crm]}, non_empty]
    tax_id: [most_recent]
`

// explainWorld is a CRM, an ERP and a finance system read into a real SQLite store.
type explainWorld struct {
	t      *testing.T
	ctx    context.Context
	s      *store.Store
	cfg    *config.Config
	engine *master.Engine
	now    time.Time
}

func newExplainWorld(t *testing.T) *explainWorld {
	t.Helper()
	ctx := context.Background()
	var fields strings.Builder
	for _, f := range []string{"name", "tax_id", "city", "phone", "email"} {
		fields.WriteString("      - {golden: " + f + ", from: " + f + "}\n")
	}
	system := "connector: sqltable\nentities:\n  customer:\n    object: customers\n    direction: inbound\n    fields:\n" + fields.String()
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": explainModel,
		"systems/crm.yaml":     system, "systems/erp.yaml": system, "systems/finance.yaml": system,
	})
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	engine, err := master.NewEngine(cfg, "customer")
	if err != nil {
		t.Fatal(err)
	}
	w := &explainWorld{t: t, ctx: ctx, s: s, cfg: cfg, engine: engine, now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	engine.Now = func() time.Time { return w.now }
	return w
}

// read ingests one record of system, a minute after the previous read.
func (w *explainWorld) read(system, id string, fields map[string]any) {
	w.t.Helper()
	w.ingest(system, connectors.Record{ID: id, Fields: fields})
}

// ingest ingests rec of system, dated a minute after the previous read.
func (w *explainWorld) ingest(system string, rec connectors.Record) {
	w.t.Helper()
	w.now = w.now.Add(time.Minute)
	rec.UpdatedAt = w.now
	_, b, err := w.cfg.Binding(system, "customer")
	if err != nil {
		w.t.Fatal(err)
	}
	m, err := mapping.Compile(system, "customer", b)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
		_, err := w.engine.Ingest(w.ctx, tx, m, system, b, []connectors.Record{rec}, nil)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
}

// explainScenario reads one customer from all three systems, then the ERP clears its city, and
// returns the golden ID.
func explainScenario(w *explainWorld) string {
	w.read("erp", "E-1", map[string]any{"name": "Acme Co., Ltd.", "tax_id": "T1", "city": "深圳", "phone": "+8613800138000"})
	w.read("crm", "C-1", map[string]any{"name": "Acme", "tax_id": "T1", "city": nil, "phone": "+8613900002026", "email": "sales@acme.example"})
	w.read("finance", "F-1", map[string]any{"name": "ACME CO., LTD.", "tax_id": "T1", "city": "深圳", "email": "ap@acme.example"})
	w.read("erp", "E-1", map[string]any{"name": "Acme Co., Ltd.", "tax_id": "T1", "city": nil, "phone": "+8613800138000"})
	x, err := w.s.Read().GetXref(w.ctx, "erp", "customer", "E-1")
	if err != nil {
		w.t.Fatal(err)
	}
	return x.GoldenID
}

func TestExplain(t *testing.T) {
	w := newExplainWorld(t)
	id := explainScenario(w)
	ex, err := master.Explain(w.ctx, w.s.Read(), w.cfg.Golden, id)
	if err != nil {
		t.Fatal(err)
	}
	byField := map[string]master.FieldExplanation{}
	for _, f := range ex.Fields {
		byField[f.Field] = f
		if f.Stale != "" {
			t.Errorf("%s: stale under the rules it was computed with: %s", f.Field, f.Stale)
		}
	}
	want := map[string]struct{ state, value, winner, reason string }{
		"name":   {"value", "Acme Co., Ltd.", "erp E-1", "erp E-1 is the trusted source for this field (trusted_source erp)"},
		"phone":  {"value", "+8613900002026", "crm C-1", "crm C-1 changed it last at 2026-03-01 08:02:00 UTC (most recent)"},
		"email":  {"value", "sales@acme.example", "crm C-1", "crm C-1 ranks first among the systems holding a value (source priority crm)"},
		"city":   {"cleared", "", "erp E-1", "cleared by erp E-1 at 2026-03-01 08:04:00 UTC, which decides this field: it ranks first among the systems holding a value or having cleared it (source priority erp, finance, crm)"},
		"tax_id": {"value", "T1", "finance F-1", "all 3 records holding a value agree; finance F-1 said it last at 2026-03-01 08:03:00 UTC"},
	}
	for f, wf := range want {
		got := byField[f]
		if got.State != wf.state || got.Value != wf.value || got.System+" "+got.ExternalID != wf.winner || got.Reason != wf.reason {
			t.Errorf("%s = %+v\nwant %+v", f, got, wf)
		}
		winners := 0
		for _, a := range got.Assertions {
			if a.Winner {
				winners++
				if a.System+" "+a.ExternalID != wf.winner {
					t.Errorf("%s: winner marked on %s %s", f, a.System, a.ExternalID)
				}
			}
		}
		if winners != 1 || len(got.Assertions) != 3 {
			t.Errorf("%s: %d assertions, %d winners: %+v", f, len(got.Assertions), winners, got.Assertions)
		}
	}
	states := func(f string) string {
		var out []string
		for _, a := range byField[f].Assertions {
			out = append(out, a.System+":"+a.State)
		}
		return strings.Join(out, " ")
	}
	if got := states("city"); got != "crm:silent erp:cleared finance:value" {
		t.Errorf("city assertions %s: the CRM never held a city, the ERP cleared it, finance holds one", got)
	}
	if got := states("phone"); got != "crm:value erp:value finance:silent" {
		t.Errorf("phone assertions %s", got)
	}
	if got := byField["name"].Strategies; strings.Join(got, ", ") != "trusted_source erp, most_complete, most_recent" {
		t.Errorf("name strategies %v", got)
	}
	if got := byField["city"].Strategies; strings.Join(got, ", ") != "source_priority [erp finance crm], most_recent" {
		t.Errorf("city strategies %v: want the entity's ranking resolved", got)
	}

	// Under other rules the stored name is not what they choose: explain says so.
	other, err := config.Load(w.cfg.Dir)
	if err != nil {
		t.Fatal(err)
	}
	other.Golden["customer"].Survivorship.Fields["name"] = []config.Strategy{{Name: config.StrategySourcePriority, Priority: []string{"crm"}}}
	ex, err = master.Explain(w.ctx, w.s.Read(), other.Golden, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ex.Fields {
		if f.Field == "name" && (f.Value != "Acme" || !strings.Contains(f.Stale, `the golden record holds "Acme Co., Ltd.", these rules choose "Acme"`)) {
			t.Errorf("name under a CRM-first rule: %+v", f)
		}
	}

	// A second CRM record linked and then deleted there no longer counts; a golden record merged
	// into this one is explained as this one.
	w.read("crm", "C-2", map[string]any{"name": "Acme Trading", "tax_id": "T1"})
	w.ingest("crm", connectors.Record{ID: "C-2", Deleted: true})
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
		old := &store.Golden{ID: "old", Entity: "customer", Version: 1, FieldsJSON: []byte(`{}`), CreatedAt: w.now, UpdatedAt: w.now}
		if err := tx.SaveGolden(w.ctx, old, 0, "test", nil); err != nil {
			return err
		}
		return tx.MarkMerged(w.ctx, "old", id, w.now)
	}); err != nil {
		t.Fatal(err)
	}
	ex, err = master.Explain(w.ctx, w.s.Read(), w.cfg.Golden, "old")
	if err != nil {
		t.Fatal(err)
	}
	if ex.ID != id || ex.Requested != "old" || len(ex.Unlinked) != 1 || ex.Unlinked[0].ExternalID != "C-2" {
		t.Fatalf("explain of a merged-away record: %+v", ex)
	}
	for _, f := range ex.Fields {
		if len(f.Assertions) != 3 || f.Stale != "" {
			t.Errorf("%s: the deleted CRM record counts: %+v", f.Field, f)
		}
	}
}

func TestHistory(t *testing.T) {
	w := newExplainWorld(t)
	id := explainScenario(w)
	h, err := master.LoadHistory(w.ctx, w.s.Read(), id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range h.Versions {
		var changes []string
		for _, c := range v.Changes {
			changes = append(changes, c.Field+" "+c.Old.String()+" → "+c.New.String()+" by "+c.System+" "+c.Rule)
		}
		got = append(got, fmt.Sprintf("%s v%d %s: %s", v.At.Format("15:04"), v.Version, v.Reason, strings.Join(changes, "; ")))
	}
	// The finance read changed nothing the golden record says, so it wrote no version.
	want := []string{
		`08:01 v1 read erp record: city (none) → "深圳" by erp all agree; name (none) → "Acme Co., Ltd." by erp all agree; phone (none) → "+8613800138000" by erp all agree; tax_id (none) → "T1" by erp all agree`,
		`08:02 v2 read crm record: email (none) → "sales@acme.example" by crm all agree; phone "+8613800138000" → "+8613900002026" by crm most_recent`,
		`08:04 v3 read erp record: city "深圳" → (cleared) by erp source_priority: erp ranks first and cleared it`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := master.LoadHistory(w.ctx, w.s.Read(), "no-such-id"); err == nil {
		t.Error("history of an unknown ID succeeded")
	}
}

// TestModelsFromRecorded: the survivorship rules come back whole from a configuration encoded as
// the worker records it (runner.recordConfig).
func TestModelsFromRecorded(t *testing.T) {
	w := newExplainWorld(t)
	content, err := json.Marshal(struct {
		Systems map[string]*config.System `json:"systems"`
		Golden  map[string]*config.Golden `json:"golden"`
	}{w.cfg.Systems, w.cfg.Golden})
	if err != nil {
		t.Fatal(err)
	}
	models, err := master.ModelsFromRecorded(content)
	if err != nil {
		t.Fatal(err)
	}
	got, want := models["customer"], w.cfg.Golden["customer"]
	if got == nil || got.Entity != "customer" {
		t.Fatalf("models = %+v", models)
	}
	for f := range want.Fields {
		if !reflect.DeepEqual(got.Strategies(f), want.Strategies(f)) {
			t.Errorf("%s: recorded %+v, configured %+v", f, got.Strategies(f), want.Strategies(f))
		}
	}
	if !reflect.DeepEqual(got.Survivorship.SourcePriority, want.Survivorship.SourcePriority) {
		t.Errorf("source priority %v, want %v", got.Survivorship.SourcePriority, want.Survivorship.SourcePriority)
	}
	if _, err := master.ModelsFromRecorded([]byte("{")); err == nil {
		t.Error("a broken record decoded")
	}
}
