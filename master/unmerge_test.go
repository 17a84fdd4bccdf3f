package master_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// TestUnmergeSplitsAWrongMerge: a CRM record carrying another company's tax ID was merged into
// the ERP's customer, and the merged values were pushed into it. Unmerged, it is a golden record of its own; each half reaches the system
// that lacks it (a create), the history says who split them, and the shared tax ID never merges
// them again.
func TestUnmergeSplitsAWrongMerge(t *testing.T) {
	w := newClearWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "Acme Co., Ltd.", "tax_id": "T1", "city": "深圳"})
	w.read("crm", "C-1", map[string]any{"name": "Globex Inc.", "tax_id": "T1", "city": "上海"})
	merged := w.goldenOf("erp", "E-1")
	if w.goldenOf("crm", "C-1") != merged {
		t.Fatal("setup: the shared tax ID did not merge the two")
	}
	if got := w.push("crm", "C-1"); got["name"] != "Acme Co., Ltd." {
		t.Fatalf("setup: the CRM was given %v, want the merged name", got)
	}

	var split string
	err := w.s.InTx(w.ctx, func(tx *store.Tx) (err error) {
		split, err = w.engine.Unmerge(w.ctx, tx, merged, "crm", "C-1", "steward@test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if w.goldenOf("crm", "C-1") != split || w.goldenOf("erp", "E-1") != merged || split == merged {
		t.Fatalf("after unmerge: C-1 in %s, E-1 in %s", w.goldenOf("crm", "C-1"), w.goldenOf("erp", "E-1"))
	}
	if g := w.goldenByID(split); g["name"] != "Globex Inc." || g["city"] != "上海" {
		t.Fatalf("split golden record %v, want the CRM's values", g)
	}
	if g := w.goldenByID(merged); g["name"] != "Acme Co., Ltd." || g["city"] != "深圳" {
		t.Fatalf("remaining golden record %v, want the ERP's values", g)
	}
	// The CRM gets the ERP's customer as a new record, and its own record its values back.
	if got := w.pushAll("crm", "C-new"); len(got) != 2 || got[0]["name"] != "Acme Co., Ltd." && got[1]["name"] != "Acme Co., Ltd." ||
		got[0]["name"] != "Globex Inc." && got[1]["name"] != "Globex Inc." {
		t.Fatalf("push to crm wrote %v, want Acme created and Globex restored", got)
	}
	if got := w.push("erp", "E-new"); got["name"] != "Globex Inc." {
		t.Fatalf("push to erp wrote %v, want the CRM's customer created", got)
	}
	var reasons []string
	if err := w.s.DB().SelectContext(w.ctx, &reasons, `SELECT reason FROM golden_versions WHERE golden_id = ? ORDER BY version`, split); err != nil ||
		len(reasons) == 0 || reasons[0] != "split from "+merged+" by steward@test" {
		t.Fatalf("history of the split record %q, %v", reasons, err)
	}

	// A third record with the same tax ID links to one of them and merges nothing.
	w.read("crm", "C-2", map[string]any{"name": "Acme", "tax_id": "T1"})
	if g := w.goldenOf("crm", "C-2"); g != merged && g != split {
		t.Fatalf("C-2 in %s", g)
	}
	if w.goldenOf("crm", "C-1") == w.goldenOf("erp", "E-1") {
		t.Fatal("the split pair was merged again by its shared tax ID")
	}
	err = w.s.InTx(w.ctx, func(tx *store.Tx) error {
		_, err := w.engine.Unmerge(w.ctx, tx, merged, "crm", "C-1", "x")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "belongs to golden record "+split) {
		t.Fatalf("unmerging a record from a golden record it is not in: %v", err)
	}
}

func (w *clearWorld) goldenByID(id string) map[string]any {
	w.t.Helper()
	g, err := w.s.Read().GetGolden(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	f, err := g.Fields()
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

// pushAll plans a push to system and returns the fields of every write.
func (w *clearWorld) pushAll(system, externalID string) []map[string]any {
	w.t.Helper()
	b, m := w.mapping(system)
	var written []map[string]any
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
		for i, it := range items {
			if it.Op != nil {
				written = append(written, it.Op.Fields)
				results = append(results, connectors.WriteResult{ExternalID: fmt.Sprint(externalID, i), Version: "v"})
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
