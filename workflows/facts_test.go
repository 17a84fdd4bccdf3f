package workflows

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/store"
)

// TestFactsWaitForTheirCustomers runs the sync activity over an ERP holding customers and their
// orders. Orders are not read before the customers' first full read; an order read before its
// new customer is quarantined, and read again by itself once the customer sync links it: the
// customer ends up active, nothing stays quarantined.
func TestFactsWaitForTheirCustomers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	erp := filepath.Join(dir, "erp.db")
	stamp := func(d time.Duration) string { return time.Now().UTC().Add(d).Format("2006-01-02T15:04:05.000000Z") }
	today := time.Now().UTC().Format(time.DateOnly)
	execSQL(t, erp,
		`CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, tax_no TEXT, updated_at TEXT NOT NULL)`,
		`CREATE TABLE orders (id TEXT PRIMARY KEY, customer_id TEXT, order_date TEXT, total TEXT, updated_at TEXT NOT NULL)`,
		`INSERT INTO customers VALUES ('E-1', '深圳甲公司', 'T1', '`+stamp(-time.Hour)+`')`,
		`INSERT INTO orders VALUES ('SO-1', 'E-1', '`+today+`', '1200.00', '`+stamp(-time.Hour)+`')`)
	cfgDir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": `entity: customer
fields:
  name: {}
  tax_id: {}
  lifecycle: {type: enum, values: [potential, active, silent, churned]}
match:
  keys:
    - {kind: tax_id, field: tax_id}
classification:
  facts: [{entity: order, customer: customer, date: date, amount: total}]
  lifecycle: {field: lifecycle, active_days: 30, churned_days: 180}
`,
		"golden/order.yaml": "entity: order\nfields:\n  customer: {}\n  date: {type: date}\n  total: {type: decimal}\n",
		"systems/erp.yaml": `connector: sqltable
settings: {driver: sqlite, dsn: ` + erp + `, tables: {customers: {key: id, updated_at: updated_at}, orders: {key: id, updated_at: updated_at}}}
entities:
  customer:
    object: customers
    direction: inbound
    fields:
      - {golden: name, from: name}
      - {golden: tax_id, from: tax_no}
  order:
    object: orders
    direction: inbound
    fields:
      - {golden: customer, from: customer_id, lookup: {xref: customer}}
      - {golden: date, from: order_date}
      - {golden: total, from: total}
`,
	})
	cfg, err := config.Load(cfgDir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := &Activities{Store: s, Config: cfg, Connectors: connectors.Registry{"sqltable": sqltable.New}}
	defer a.Close()
	sync := func(entity string) SyncPageResult {
		t.Helper()
		res, err := a.SyncPage(ctx, SyncPageInput{System: "erp", Entity: entity})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	lifecycle := func(id string) string {
		t.Helper()
		x, err := s.Read().GetXref(ctx, "erp", "customer", id)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.Read().GetGolden(ctx, x.GoldenID)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := g.Fields()
		return f["lifecycle"].(string)
	}

	if res := sync("order"); res.Read != 0 || !res.CaughtUp {
		t.Fatalf("orders read before the customers were: %+v", res)
	}
	sync("customer")
	if res := sync("order"); res.Read != 1 || res.Quarantined != 0 {
		t.Fatalf("orders after the customers: %+v", res)
	}
	if got := lifecycle("E-1"); got != "active" {
		t.Fatalf("E-1 is %s, want active", got)
	}

	execSQL(t, erp,
		`INSERT INTO customers VALUES ('E-2', '深圳乙公司', 'T2', '`+stamp(0)+`')`,
		`INSERT INTO orders VALUES ('SO-2', 'E-2', '`+today+`', '99.00', '`+stamp(0)+`')`)
	if res := sync("order"); res.Quarantined != 1 {
		t.Fatalf("an order of a customer not read yet: %+v, want it quarantined", res)
	}
	sync("customer")
	if got := lifecycle("E-2"); got != "active" {
		t.Fatalf("E-2 is %s, want active: its order was not taken again", got)
	}
	if q, err := s.Read().ListQuarantine(ctx, 10); err != nil || len(q) != 0 {
		t.Fatalf("still quarantined: %+v, %v", q, err)
	}
}
