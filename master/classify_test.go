package master_test

import (
	"context"
	"path/filepath"
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

const classifiedCustomer = `entity: customer
fields:
  name: {}
  tax_id: {}
  email: {}
  lifecycle: {type: enum, values: [potential, active, silent, churned]}
  tier: {type: enum, values: [high, mid, low]}
match:
  keys:
    - {kind: tax_id, field: tax_id}
    - {kind: email, field: email}
classification:
  facts:
    - {entity: order, customer: customer, date: date, amount: total, currency: currency}
  lifecycle: {field: lifecycle, active_days: 90, churned_days: 365}
  tier: {field: tier, window_days: 365, currency: CNY, high: 100000, mid: 10000}
`

// classWorld is an ERP holding customers and their orders and a CRM receiving the customers with
// their lifecycle and tier, over a fresh SQLite store, on a clock the test moves.
type classWorld struct {
	t          *testing.T
	ctx        context.Context
	s          *store.Store
	cfg        *config.Config
	cust, ordr *master.Engine
	now        time.Time
}

func newClassWorld(t *testing.T) *classWorld {
	t.Helper()
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": classifiedCustomer,
		"golden/order.yaml":    "entity: order\nfields:\n  customer: {}\n  date: {type: date}\n  total: {type: decimal, scale: 2}\n  currency: {}\n",
		"systems/erp.yaml": `connector: sqltable
entities:
  customer:
    object: customers
    direction: both
    fields:
      - {golden: name, from: name}
      - {golden: tax_id, from: tax_id}
      - {golden: email, from: email}
  order:
    object: orders
    direction: inbound
    fields:
      - {golden: customer, from: customer_id, lookup: {xref: customer}}
      - {golden: date, from: date}
      - {golden: total, from: total}
      - {golden: currency, from: currency}
`,
		"systems/crm.yaml": `connector: sqltable
entities:
  customer:
    object: accounts
    direction: both
    fields:
      - {golden: name, from: name}
      - {golden: tax_id, from: tax_id}
      - {golden: email, from: email}
      - {golden: lifecycle, to: stage, direction: outbound}
      - {golden: tier, to: tier, direction: outbound}
`,
	})
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w := &classWorld{t: t, ctx: context.Background(), s: s, cfg: cfg, now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	if w.cust, err = master.NewEngine(cfg, "customer"); err != nil {
		t.Fatal(err)
	}
	if w.ordr, err = master.NewEngine(cfg, "order"); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return w.now }
	w.cust.Now, w.ordr.Now = clock, clock
	return w
}

func (w *classWorld) read(e *master.Engine, system, entity, id string, fields map[string]any) {
	w.t.Helper()
	_, b, err := w.cfg.Binding(system, entity)
	if err != nil {
		w.t.Fatal(err)
	}
	m, err := mapping.Compile(system, entity, b)
	if err != nil {
		w.t.Fatal(err)
	}
	rec := connectors.Record{ID: id, UpdatedAt: w.now, Fields: fields}
	err = w.s.InTx(w.ctx, func(tx *store.Tx) error {
		res, err := e.Ingest(w.ctx, tx, m, system, b, []connectors.Record{rec}, nil)
		if err == nil && res.Quarantined > 0 {
			w.t.Fatalf("%s %s quarantined", system, id)
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *classWorld) order(id, customer string, daysAgo int, total, currency string) {
	w.t.Helper()
	w.read(w.ordr, "erp", "order", id, map[string]any{"customer_id": customer,
		"date": w.now.AddDate(0, 0, -daysAgo).Format(time.DateOnly), "total": total, "currency": currency})
}

// class returns the lifecycle and tier of the golden customer of ERP customer id.
func (w *classWorld) class(id string) (lifecycle, tier string, version int64) {
	w.t.Helper()
	x, err := w.s.Read().GetXref(w.ctx, "erp", "customer", id)
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
	l, _ := f["lifecycle"].(string)
	tr, _ := f["tier"].(string)
	return l, tr, g.Version
}

func (w *classWorld) want(id, lifecycle, tier string) {
	w.t.Helper()
	if l, tr, _ := w.class(id); l != lifecycle || tr != tier {
		w.t.Fatalf("customer %s is %s/%s, want %s/%s", id, l, tr, lifecycle, tier)
	}
}

// pushCRM plans the CRM's due pushes and returns the fields of the last write.
func (w *classWorld) pushCRM() map[string]any {
	w.t.Helper()
	_, b, err := w.cfg.Binding("crm", "customer")
	if err != nil {
		w.t.Fatal(err)
	}
	m, err := mapping.Compile("crm", "customer", b)
	if err != nil {
		w.t.Fatal(err)
	}
	var got map[string]any
	err = w.s.InTx(w.ctx, func(tx *store.Tx) error {
		rows, err := tx.Claim(w.ctx, "crm", "customer", 10, time.Now().UTC(), time.Minute)
		if err != nil {
			return err
		}
		items, err := w.cust.PlanPush(w.ctx, tx, m, "crm", b, rows, true, nil)
		for _, it := range items {
			if it.Op != nil {
				got = it.Op.Fields
			}
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

func (w *classWorld) reclassify() int {
	w.t.Helper()
	total := 0
	after := ""
	for {
		var last string
		var n int
		err := w.s.InTx(w.ctx, func(tx *store.Tx) (err error) {
			last, n, err = w.cust.Reclassify(w.ctx, tx, after, 2)
			return err
		})
		if err != nil {
			w.t.Fatal(err)
		}
		total += n
		if last == "" {
			return total
		}
		after = last
	}
}

// TestClassification: a customer without orders is a potential one; orders make it active and
// raise its tier (in the tier's currency only); as time passes with no order it turns silent,
// then churned, and its tier falls as orders leave the window. Every change is a new version
// queued for the CRM, and explain says why.
func TestClassification(t *testing.T) {
	w := newClassWorld(t)
	w.read(w.cust, "erp", "customer", "E-1", map[string]any{"name": "深圳市腾达科技有限公司", "tax_id": "T1"})
	w.want("E-1", "potential", "low")

	w.order("O-1", "E-1", 10, "20000.00", "CNY")
	w.want("E-1", "active", "mid")
	if got := w.pushCRM(); got["stage"] != "active" || got["tier"] != "mid" {
		t.Fatalf("the CRM was given %v, want stage active and tier mid", got)
	}
	w.order("O-2", "E-1", 30, "90000.00", "CNY")
	w.want("E-1", "active", "high")
	w.order("O-3", "E-1", 5, "500000.00", "USD") // another currency: not added up
	_, _, v := w.class("E-1")
	w.order("O-2", "E-1", 30, "70000.00", "CNY") // corrected: the sum falls below high
	w.want("E-1", "active", "mid")
	if _, _, v2 := w.class("E-1"); v2 != v+1 {
		t.Fatalf("version %d after the correction, want %d", v2, v+1)
	}
	if n := w.reclassify(); n != 0 {
		t.Fatalf("a pass with nothing new reclassified %d", n)
	}

	w.now = w.now.AddDate(0, 0, 120) // the last order was 125 days ago
	w.want("E-1", "active", "mid")   // stored until the pass
	if n := w.reclassify(); n != 1 {
		t.Fatalf("the pass reclassified %d, want 1", n)
	}
	w.want("E-1", "silent", "mid")
	w.now = w.now.AddDate(0, 0, 300)
	w.reclassify()
	w.want("E-1", "churned", "low")

	var ex *master.Explanation
	err := w.s.InTx(w.ctx, func(tx *store.Tx) (err error) {
		x, err := tx.GetXref(w.ctx, "erp", "customer", "E-1")
		if err != nil {
			return err
		}
		ex, err = master.Explain(w.ctx, tx, w.cfg.Golden, x.GoldenID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ex.Fields {
		if f.Field == "tier" && !strings.Contains(f.Reason, "1 in other currencies not counted") {
			t.Errorf("tier reason %q does not say the USD order was left out", f.Reason)
		}
		if f.Field == "lifecycle" && !strings.Contains(f.Rule, "last transaction order") {
			t.Errorf("lifecycle rule %q does not name the last order", f.Rule)
		}
	}
}

// TestClassificationFollowsMerges: two golden customers each with orders are merged by a record
// that proves them one; the survivor is classified by both's orders, and an order read later
// for the absorbed one counts for the survivor.
func TestClassificationFollowsMerges(t *testing.T) {
	w := newClassWorld(t)
	w.read(w.cust, "erp", "customer", "E-1", map[string]any{"name": "Acme", "tax_id": "T1"})
	w.read(w.cust, "erp", "customer", "E-2", map[string]any{"name": "Acme Trading", "email": "buy@acme.cn"})
	w.order("O-1", "E-1", 400, "5000.00", "CNY")
	w.order("O-2", "E-2", 100, "8000.00", "CNY")
	w.want("E-1", "churned", "low")
	w.want("E-2", "silent", "low")
	w.read(w.cust, "crm", "customer", "C-1", map[string]any{"name": "Acme", "tax_id": "T1", "email": "buy@acme.cn"})
	w.want("E-1", "silent", "low")             // O-2 counts for the survivor
	w.order("O-3", "E-2", 3, "6000.00", "CNY") // 8000 + 6000 within the window
	w.want("E-1", "active", "mid")
	w.want("E-2", "active", "mid")
}

// TestClassificationConfigErrors: a derived field read from a system, a fact entity without
// the fields named, and thresholds out of order are refused at load, each with its place.
func TestClassificationConfigErrors(t *testing.T) {
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": strings.Replace(classifiedCustomer, "high: 100000, mid: 10000", "high: 100, mid: 1000", 1),
		"golden/order.yaml":    "entity: order\nfields:\n  customer: {}\n  date: {}\n  total: {type: decimal}\n",
		"systems/crm.yaml": "connector: sqltable\nentities:\n  customer:\n    object: accounts\n    fields:\n" +
			"      - {golden: name, from: name}\n      - {golden: lifecycle, from: stage}\n",
	})
	_, err := config.Load(dir)
	if err == nil {
		t.Fatal("loaded")
	}
	for _, want := range []string{
		"lifecycle is derived by classification",
		"date: order.date is a string, not [date timestamp]",
		"currency: order has no field \"currency\"",
		"mid (1000) must be over 0 and high (100) over mid",
		"customer.yaml:",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestClassificationFollowsUnmerge: two ERP customers wrongly merged by a shared tax ID each
// have orders; unmerging one takes its orders along, and both halves are classified by their own.
func TestClassificationFollowsUnmerge(t *testing.T) {
	w := newClassWorld(t)
	w.read(w.cust, "erp", "customer", "E-1", map[string]any{"name": "Acme", "tax_id": "T1"})
	w.read(w.cust, "erp", "customer", "E-2", map[string]any{"name": "Globex", "tax_id": "T1"})
	w.order("O-1", "E-1", 5, "50000.00", "CNY")
	w.order("O-2", "E-2", 200, "3000.00", "CNY")
	w.want("E-1", "active", "mid")
	x, err := w.s.Read().GetXref(w.ctx, "erp", "customer", "E-1")
	if err != nil {
		t.Fatal(err)
	}
	err = w.s.InTx(w.ctx, func(tx *store.Tx) error {
		_, err := w.cust.Unmerge(w.ctx, tx, x.GoldenID, "erp", "E-2", "steward@test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.want("E-1", "active", "mid")
	w.want("E-2", "silent", "low")
	w.order("O-3", "E-2", 1, "20000.00", "CNY") // read after the split: resolves to its own record
	w.want("E-2", "active", "mid")
	w.want("E-1", "active", "mid")
}
