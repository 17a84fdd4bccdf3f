package master_test

import (
	"testing"

	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// newFuzzyWorld is clearWorld with fuzzy rules: blocking on the first two characters of the
// company-name key and on the city; name (weight 0.7) and city (0.3) scored.
func newFuzzyWorld(t *testing.T) *clearWorld {
	t.Helper()
	return newWorld(t, `entity: customer
fields: {name: {}, tax_id: {}, city: {}}
match:
  keys:
    - {kind: tax_id, field: tax_id}
  blocking:
    - {kind: name2, of: [{field: name, use: company_name_key, length: 2}]}
  rules:
    - {field: name, compare: company_name, weight: 0.7}
    - {field: city, compare: text, weight: 0.3}
    - {field: tax_id, compare: exact, veto: true}
  merge_at: 0.92
  review_at: 0.80
survivorship:
  source_priority: [erp, crm]
`)
}

func (w *clearWorld) goldenOf(system, id string) string {
	w.t.Helper()
	x, err := w.s.Read().GetXref(w.ctx, system, "customer", id)
	if err != nil {
		w.t.Fatal(err)
	}
	return x.GoldenID
}

func (w *clearWorld) decide(id int64, action string) {
	w.t.Helper()
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) error { return w.engine.Decide(w.ctx, tx, id, action, "steward@test") }); err != nil {
		w.t.Fatal(err)
	}
}

// TestFuzzyMatchAndReview: a name written another way (region and legal form moved) merges by
// score; a similar name is held for review, pushed nowhere until a steward decides; "not a match"
// releases it and is remembered; a merge decision folds the held record into its candidate.
func TestFuzzyMatchAndReview(t *testing.T) {
	w := newFuzzyWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "深圳市华为技术有限公司", "city": "深圳"})
	w.read("crm", "C-1", map[string]any{"name": "华为技术（深圳）有限公司", "city": "深圳"})
	if a, b := w.goldenOf("erp", "E-1"), w.goldenOf("crm", "C-1"); a != b {
		t.Fatalf("the same company written two ways: golden %s and %s, want one", a, b)
	}

	// 华为科技 is not 华为技术: similar enough to ask, not to merge.
	w.read("crm", "C-2", map[string]any{"name": "华为科技有限公司", "city": "深圳"})
	held := w.goldenOf("crm", "C-2")
	cases, err := w.s.Read().ListReviews(w.ctx, store.ReviewOpen, 10)
	if err != nil || len(cases) != 1 || cases[0].GoldenID != held || cases[0].CandidateID != w.goldenOf("erp", "E-1") {
		t.Fatalf("review cases %+v, %v; want one holding C-2's golden record against E-1's", cases, err)
	}
	if sc := cases[0].Score; sc < 0.8 || sc >= 0.92 {
		t.Fatalf("score %v, want between the thresholds", sc)
	}
	if got := w.push("erp", "new-1"); got != nil {
		t.Fatalf("a held record was pushed to the ERP: %v", got)
	}

	w.decide(cases[0].ID, master.DecideReject)
	if got := w.push("erp", "E-2"); got["name"] != "华为科技有限公司" {
		t.Fatalf("after 'not a match' the ERP gets C-2's customer, got %v", got)
	}
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) error { return w.engine.Decide(w.ctx, tx, cases[0].ID, master.DecideMerge, "x") }); err == nil {
		t.Fatal("a decided case was decided again")
	}
	var no bool
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) (err error) {
		no, err = tx.NotAMatch(w.ctx, "customer", cases[0].CandidateID, held)
		return err
	}); err != nil || !no {
		t.Fatalf("not-a-match not remembered: %v %v", no, err)
	}

	// A typo: held, then merged by the steward; the CRM record now belongs to E-1's customer.
	w.read("crm", "C-3", map[string]any{"name": "华为技木有限公司", "city": "深圳"})
	cases, _ = w.s.Read().ListReviews(w.ctx, store.ReviewOpen, 10)
	if len(cases) != 1 {
		t.Fatalf("open cases %+v, want the typo's", cases)
	}
	w.decide(cases[0].ID, master.DecideMerge)
	if a, b := w.goldenOf("crm", "C-3"), w.goldenOf("erp", "E-1"); a != b {
		t.Fatalf("after merge C-3 is in %s, E-1 in %s", a, b)
	}

	// A different tax ID vetoes a perfect name match.
	w.read("erp", "E-9", map[string]any{"name": "深圳市华为技术有限公司", "city": "深圳", "tax_id": "T9"})
	w.read("crm", "C-9", map[string]any{"name": "深圳市华为技术有限公司", "city": "深圳", "tax_id": "T8"})
	if w.goldenOf("crm", "C-9") == w.goldenOf("erp", "E-9") {
		t.Fatal("different tax IDs were merged")
	}
}
