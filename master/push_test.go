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

// TestPushQuarantinesWhatTheMappingCannotTranslate: the ERP's status value map has no code for
// "churned". That customer's push is quarantined, naming the field and the value; the other
// customer of the same batch is created.
func TestPushQuarantinesWhatTheMappingCannotTranslate(t *testing.T) {
	ctx := context.Background()
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {type: string}\n  status: {type: string}\n" +
			"match:\n  keys:\n    - {kind: name, field: name}\n",
		"systems/crm.yaml": "connector: sqltable\nentities:\n  customer:\n    object: accounts\n    direction: inbound\n" +
			"    fields:\n      - {golden: name, from: name}\n      - {golden: status, from: status}\n",
		"systems/erp.yaml": "connector: sqltable\nvalue_maps:\n  status:\n    values: {A: active, I: inactive}\n" +
			"entities:\n  customer:\n    object: customers\n    direction: outbound\n" +
			"    fields:\n      - {golden: name, to: name}\n      - {golden: status, to: status, value_map: status}\n",
	})
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	engine, err := master.NewEngine(cfg, "customer")
	if err != nil {
		t.Fatal(err)
	}
	compile := func(system string) (*config.Binding, *mapping.Mapping) {
		_, b, err := cfg.Binding(system, "customer")
		if err != nil {
			t.Fatal(err)
		}
		m, err := mapping.Compile(system, "customer", b)
		if err != nil {
			t.Fatal(err)
		}
		return b, m
	}
	crmB, crmM := compile("crm")
	erpB, erpM := compile("erp")
	now := time.Now().UTC()
	recs := []connectors.Record{
		{ID: "C-1", UpdatedAt: now, Fields: map[string]any{"name": "Acme", "status": "active"}},
		{ID: "C-2", UpdatedAt: now, Fields: map[string]any{"name": "Gone Ltd", "status": "churned"}},
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error { _, err := engine.Ingest(ctx, tx, crmM, "crm", crmB, recs, nil); return err }); err != nil {
		t.Fatal(err)
	}

	var res master.PushResult
	err = s.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Claim(ctx, "erp", "customer", 10, time.Now().UTC(), time.Minute)
		if err != nil {
			return err
		}
		items, err := engine.PlanPush(ctx, tx, erpM, "erp", erpB, rows, true, nil)
		if err != nil {
			return err
		}
		var results []connectors.WriteResult
		for _, it := range items {
			if it.Op != nil {
				if it.Op.Fields["status"] != "A" {
					t.Errorf("op fields %v, want status A", it.Op.Fields)
				}
				results = append(results, connectors.WriteResult{ExternalID: "E-1", Version: "1"})
			}
		}
		return engine.FinishPush(ctx, tx, erpM, "erp", items, results, &res)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Failed != 1 {
		t.Errorf("push result %+v, want 1 created, 1 failed", res)
	}
	q, err := s.Read().ListQuarantine(ctx, 10)
	if err != nil || len(q) != 1 {
		t.Fatalf("quarantine = %+v, %v; want the churned customer's push", q, err)
	}
	if e := q[0]; e.System != "erp" || e.Stage != "outbound" || !strings.HasPrefix(e.ExternalID, "(new) ") ||
		!strings.Contains(e.Error, `field status: golden value "churned" has no value in value map status`) {
		t.Errorf("quarantine entry %+v", e)
	}
}
