package master_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// clearWorld is a CRM and an ERP syncing customers both ways through a real SQLite store; the
// ERP ranks first for every field.
type clearWorld struct {
	t      *testing.T
	ctx    context.Context
	s      *store.Store
	engine *master.Engine
	cfg    *config.Config
	now    time.Time
}

func newClearWorld(t *testing.T) *clearWorld {
	return newWorld(t, "entity: customer\nfields:\n  name: {}\n  tax_id: {}\n  city: {}\n"+
		"match:\n  keys:\n    - {kind: tax_id, field: tax_id}\nsurvivorship:\n  source_priority: [erp, crm]\n  default: [source_priority, most_recent]\n")
}

// newWorld is a CRM and an ERP mapping name, tax_id and city both ways, with the golden model
// golden, over a fresh SQLite store.
func newWorld(t *testing.T, golden string) *clearWorld {
	return newWorldWith(t, golden, nil)
}

// newWorldWith is newWorld with more (or other) configuration files: path → content.
func newWorldWith(t *testing.T, golden string, files map[string]string) *clearWorld {
	t.Helper()
	ctx := context.Background()
	both := "    direction: both\n    fields:\n      - {golden: name, from: name}\n      - {golden: tax_id, from: tax_id}\n      - {golden: city, from: city}\n"
	all := map[string]string{
		"golden/customer.yaml": golden,
		"systems/crm.yaml":     "connector: sqltable\nentities:\n  customer:\n    object: accounts\n" + both,
		"systems/erp.yaml":     "connector: sqltable\nentities:\n  customer:\n    object: customers\n" + both,
	}
	for path, content := range files {
		all[path] = content
	}
	dir := configtest.Dir(t, all)
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
	return &clearWorld{t: t, ctx: ctx, s: s, engine: engine, cfg: cfg, now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (w *clearWorld) mapping(system string) (*config.Binding, *mapping.Mapping) {
	_, b, err := w.cfg.Binding(system, "customer")
	if err != nil {
		w.t.Fatal(err)
	}
	m, err := mapping.Compile(system, "customer", b)
	if err != nil {
		w.t.Fatal(err)
	}
	return b, m
}

// read ingests one record of system, a minute after the previous read.
func (w *clearWorld) read(system, id string, fields map[string]any) {
	w.t.Helper()
	w.now = w.now.Add(time.Minute)
	b, m := w.mapping(system)
	rec := connectors.Record{ID: id, UpdatedAt: w.now, Fields: fields}
	err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
		_, err := w.engine.Ingest(w.ctx, tx, m, system, b, []connectors.Record{rec}, nil)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// push plans a push to system and returns the fields of its single write (nil: no write).
func (w *clearWorld) push(system, externalID string) map[string]any {
	w.t.Helper()
	b, m := w.mapping(system)
	var written map[string]any
	err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
		rows, err := tx.Claim(w.ctx, system, "customer", 10, time.Now().UTC(), time.Minute)
		if err != nil {
			return err
		}
		items, err := w.engine.PlanPush(w.ctx, tx, m, system, b, rows, true, nil)
		if err != nil {
			return err
		}
		var results []connectors.WriteResult
		for _, it := range items {
			if it.Op != nil {
				written = it.Op.Fields
				results = append(results, connectors.WriteResult{ExternalID: externalID, Version: "v"})
			}
		}
		var res master.PushResult
		return w.engine.FinishPush(w.ctx, tx, m, system, items, results, &res)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return written
}

func (w *clearWorld) golden() map[string]any {
	w.t.Helper()
	x, err := w.s.Read().GetXref(w.ctx, "erp", "customer", "E-1")
	if err != nil {
		w.t.Fatal(err)
	}
	g, err := w.s.Read().GetGolden(w.ctx, x.GoldenID)
	if err != nil {
		w.t.Fatal(err)
	}
	f, err := g.Fields()
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

// TestNullAbsentEmpty follows the three states through matching, survivorship, the golden store
// and a push: absent changes nothing, "" never beats a value, a null the ERP (ranked first)
// asserts clears the golden field and reaches the CRM as null, a CRM null does not.
func TestNullAbsentEmpty(t *testing.T) {
	w := newClearWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "Acme Co., Ltd.", "tax_id": "T1", "city": "深圳"})
	w.read("crm", "C-1", map[string]any{"name": "Acme", "tax_id": "T1", "city": nil})
	if g := w.golden(); g["city"] != "深圳" || g["name"] != "Acme Co., Ltd." {
		t.Fatalf("golden %v: a CRM null it never filled must not clear the ERP's city", g)
	}
	if got := w.push("crm", "C-1"); len(got) != 2 || got["city"] != "深圳" || got["name"] != "Acme Co., Ltd." {
		t.Fatalf("push to crm wrote %v, want name and city", got)
	}

	// Absent: the ERP record comes without a city; "": the ERP's name is empty.
	w.read("erp", "E-1", map[string]any{"tax_id": "T1", "name": ""})
	if g := w.golden(); g["name"] != "Acme Co., Ltd." || g["city"] != "深圳" {
		t.Fatalf("golden %v: an absent city changes nothing and an empty name never beats a value", g)
	}

	// The ERP clears the city it held: the ERP decides, so the golden city is cleared and the
	// CRM, which holds one, is told to clear it too.
	w.read("erp", "E-1", map[string]any{"tax_id": "T1", "city": nil})
	g := w.golden()
	if v, ok := g["city"]; !ok || v != nil {
		t.Fatalf("golden %v: want city present as null (cleared)", g)
	}
	got := w.push("crm", "C-1")
	if v, ok := got["city"]; !ok || v != nil || len(got) != 1 {
		t.Fatalf("push to crm wrote %v, want only city = null", got)
	}
	if again := w.push("crm", "C-1"); again != nil {
		t.Fatalf("a second push wrote %v, want nothing", again)
	}
	// The CRM's read-back of the null is an echo: nothing changes. The ERP, whose name is empty,
	// is given the golden name; its cleared city is left alone.
	w.read("crm", "C-1", map[string]any{"name": "Acme Co., Ltd.", "tax_id": "T1", "city": nil})
	if got := w.push("erp", "E-1"); len(got) != 1 || got["name"] != "Acme Co., Ltd." {
		t.Fatalf("push to erp wrote %v, want only the name", got)
	}
}

// TestClearByNonAuthority: the CRM ranks last; its clear leaves the golden city and every
// system alone, as a CRM value that loses survivorship would.
func TestClearByNonAuthority(t *testing.T) {
	w := newClearWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "Acme", "tax_id": "T1", "city": "深圳"})
	w.read("crm", "C-1", map[string]any{"name": "Acme", "tax_id": "T1", "city": "深圳"})
	w.read("crm", "C-1", map[string]any{"name": "Acme", "tax_id": "T1", "city": nil})
	if g := w.golden(); g["city"] != "深圳" {
		t.Fatalf("golden %v: a CRM clear must not blank a field the ERP decides", g)
	}
	if got := w.push("erp", "E-1"); got != nil {
		t.Fatalf("push to erp wrote %v, want nothing", got)
	}
}
