package master_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// pickWorld holds the ERP's customer, whose name carries a typo (技木), and a CRM record of the
// same company with the right name, held for review against it. The ERP ranks first.
func pickWorld(t *testing.T) (*clearWorld, store.ReviewCase) {
	t.Helper()
	w := newFuzzyWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "深圳市华为技木有限公司", "city": "深圳"})
	w.read("crm", "C-3", map[string]any{"name": "华为技术有限公司", "city": "深圳"})
	cases, err := w.s.Read().ListReviews(w.ctx, store.ReviewOpen, 10)
	if err != nil || len(cases) != 1 {
		t.Fatalf("setup: open cases %+v, %v; want C-3 held against E-1", cases, err)
	}
	return w, cases[0]
}

func (w *clearWorld) decidePicks(id int64, action string, picks ...string) error {
	w.t.Helper()
	ps := mustPicks(w.t, picks)
	return w.s.InTx(w.ctx, func(tx *store.Tx) error { return w.engine.Decide(w.ctx, tx, id, action, "alice", ps...) })
}

func (w *clearWorld) explainField(id, field string) master.FieldExplanation {
	w.t.Helper()
	ex, err := master.Explain(w.ctx, w.s.Read(), w.cfg.Golden, id)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, f := range ex.Fields {
		if f.Field == field {
			return f
		}
	}
	w.t.Fatalf("explain %s: no field %s", id, field)
	return master.FieldExplanation{}
}

// TestPickWinsOverSourcePriority: the steward merges and picks the CRM's name; the golden record
// takes it although the ERP ranks first, the lineage and explain say who picked it in which
// case, and the push writes it into the ERP. The city, not picked, follows the rules.
func TestPickWinsOverSourcePriority(t *testing.T) {
	w, rc := pickWorld(t)
	if err := w.decidePicks(rc.ID, master.DecideMerge, "name=crm"); err != nil {
		t.Fatal(err)
	}
	id := w.goldenOf("erp", "E-1")
	if w.goldenOf("crm", "C-3") != id {
		t.Fatal("the merge did not fold C-3 into E-1's golden record")
	}
	if g := w.goldenByID(id); g["name"] != "华为技术有限公司" || g["city"] != "深圳" {
		t.Fatalf("golden record %v, want the CRM's name picked", g)
	}
	f := w.explainField(id, "name")
	if f.Rule != "steward pick (review case 1, by alice)" || f.System != "crm" || f.ExternalID != "C-3" ||
		!strings.HasPrefix(f.Reason, "picked by alice in review case 1: crm C-3") || !strings.Contains(f.Reason, "erp E-1 ranks first") || f.Stale != "" {
		t.Fatalf("explain name: %+v", f)
	}
	if f := w.explainField(id, "city"); f.Rule != master.RuleAllAgree {
		t.Fatalf("explain city: %+v", f)
	}
	if got := w.push("erp", "E-1"); got["name"] != "华为技术有限公司" {
		t.Fatalf("push to erp wrote %v, want the picked name", got)
	}
	ls, err := w.s.Read().Lineage(w.ctx, id, w.version(id))
	if err != nil || len(ls) == 0 || ls[1].Field != "name" || ls[1].Rule != "steward pick (review case 1, by alice)" {
		t.Fatalf("lineage %+v, %v", ls, err)
	}
}

// TestBadPickChangesNothing: a pick naming a system without a value for the field, a field the
// model lacks, or an ambiguous record fails the decision with an error naming the field and the
// system; the case stays open and nothing is merged or pinned.
func TestBadPickChangesNothing(t *testing.T) {
	w, rc := pickWorld(t)
	held := w.goldenOf("crm", "C-3")
	for _, tc := range []struct {
		action string
		picks  []string
		want   string
	}{
		{master.DecideMerge, []string{"name=finance"}, "name=finance: finance holds no value for name"},
		{master.DecideMerge, []string{"city=crm", "tax_id=erp"}, "tax_id=erp: erp holds no value for tax_id"},
		{master.DecideMerge, []string{"name=crm:C-9"}, "crm record C-9 holds no value for name"},
		{master.DecideMerge, []string{"phone=crm"}, "customer has no field phone"},
		{master.DecideMerge, []string{"name=crm", "name=erp"}, "field name is picked twice"},
		{master.DecideReject, []string{"name=crm"}, "with a merge"},
	} {
		err := w.decidePicks(rc.ID, tc.action, tc.picks...)
		if !errors.Is(err, master.ErrBadPick) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: %v, want %q", tc.action, tc.picks, err, tc.want)
		}
		if err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
			return master.CheckPicks(w.ctx, tx, w.cfg.Golden, rc.ID, mustPicks(t, tc.picks))
		}); tc.action == master.DecideMerge && !errors.Is(err, master.ErrBadPick) {
			t.Errorf("CheckPicks %v: %v, want ErrBadPick", tc.picks, err)
		}
	}
	after, err := w.s.Read().GetReview(w.ctx, rc.ID)
	if err != nil || after.Status != store.ReviewOpen || w.goldenOf("crm", "C-3") != held {
		t.Fatalf("after bad picks: case %+v, %v; C-3 in %s, want it still held in %s", after, err, w.goldenOf("crm", "C-3"), held)
	}
	for _, id := range []string{held, w.goldenOf("erp", "E-1")} {
		if ps, err := w.s.Read().PinsOf(w.ctx, id); err != nil || len(ps) != 0 {
			t.Fatalf("pins of %s after bad picks: %+v, %v", id, ps, err)
		}
	}
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) error {
		return master.CheckPicks(w.ctx, tx, w.cfg.Golden, rc.ID, mustPicks(t, []string{"name=crm", "city=erp:E-1"}))
	}); err != nil {
		t.Fatalf("CheckPicks of good picks: %v", err)
	}
}

// TestPickPinsTheSource: the pick pins the CRM record, not its value. A newer ERP name does not
// take the field back; a newer CRM name wins by the pick; while the CRM record holds no name,
// the rules decide (a pick never blanks a field), and its next name wins again.
func TestPickPinsTheSource(t *testing.T) {
	w, rc := pickWorld(t)
	if err := w.decidePicks(rc.ID, master.DecideMerge, "name=crm"); err != nil {
		t.Fatal(err)
	}
	id := w.goldenOf("erp", "E-1")
	w.push("erp", "E-1")
	w.read("erp", "E-1", map[string]any{"name": "深圳市华为技术有限公司", "city": "深圳市"})
	if g := w.goldenByID(id); g["name"] != "华为技术有限公司" || g["city"] != "深圳市" {
		t.Fatalf("after the ERP changed: %v, want the picked CRM name and the ERP's new city", g)
	}
	w.read("crm", "C-3", map[string]any{"name": "华为技术有限公司（总部）", "city": "深圳"})
	if g := w.goldenByID(id); g["name"] != "华为技术有限公司（总部）" {
		t.Fatalf("after the CRM changed: %v, want its new name (the pick pins the record)", g)
	}
	w.read("crm", "C-3", map[string]any{"name": "", "city": "深圳"})
	if g := w.goldenByID(id); g["name"] != "深圳市华为技术有限公司" {
		t.Fatalf("the CRM record holds no name: %v, want the ERP's", g)
	}
	if f := w.explainField(id, "name"); !strings.Contains(f.Reason, "the steward pick of crm C-3 (review case 1, by alice) waits") {
		t.Fatalf("explain a waiting pick: %+v", f)
	}
	w.read("crm", "C-3", map[string]any{"name": "华为技术有限公司", "city": "深圳"})
	if g := w.goldenByID(id); g["name"] != "华为技术有限公司" {
		t.Fatalf("the CRM record holds a name again: %v, want it", g)
	}
}

// TestPickTakesTheRecordsOwnValue: the CRM record C-1, merged with the ERP's by score, was given
// the ERP's name by a push; picked, it gives the name it asserted itself, which the next push
// writes back to it. With two CRM records in the merged record, a bare "crm" is ambiguous.
func TestPickTakesTheRecordsOwnValue(t *testing.T) {
	w := newFuzzyWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "深圳市华为技术有限公司", "city": "深圳"})
	w.read("crm", "C-1", map[string]any{"name": "华为技术（深圳）有限公司", "city": "深圳"})
	if got := w.push("crm", "C-1"); got["name"] != "深圳市华为技术有限公司" {
		t.Fatalf("setup: the CRM was given %v, want the ERP's name", got)
	}
	w.read("crm", "C-3", map[string]any{"name": "华为技木有限公司", "city": "深圳"})
	cases, err := w.s.Read().ListReviews(w.ctx, store.ReviewOpen, 10)
	if err != nil || len(cases) != 1 {
		t.Fatalf("setup: open cases %+v, %v", cases, err)
	}
	v, err := master.DescribeReview(w.ctx, w.s.Read(), cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, r := range v.Records {
		shown = append(shown, r.Side+" "+r.System+":"+r.ExternalID+" "+r.Values["name"])
	}
	if strings.Join(shown, "; ") != "held crm:C-3 华为技木有限公司; candidate crm:C-1 华为技术（深圳）有限公司; candidate erp:E-1 深圳市华为技术有限公司" {
		t.Fatalf("review records: %q", shown)
	}
	if err := w.decidePicks(cases[0].ID, master.DecideMerge, "name=crm"); !errors.Is(err, master.ErrBadPick) ||
		!strings.Contains(err.Error(), "crm has 2 records holding name (C-1, C-3)") {
		t.Fatalf("a bare crm pick with two CRM records: %v", err)
	}
	if err := w.decidePicks(cases[0].ID, master.DecideMerge, "name=crm:C-1"); err != nil {
		t.Fatal(err)
	}
	if g := w.goldenByID(w.goldenOf("erp", "E-1")); g["name"] != "华为技术（深圳）有限公司" {
		t.Fatalf("golden record %v, want C-1's own name", g)
	}
	if got := w.push("crm", "C-1"); got["name"] != "华为技术（深圳）有限公司" {
		t.Fatalf("push to crm wrote %v, want C-1 given its own name back", got)
	}
}

// TestUnmergeDropsThePick: unmerging the picked record drops its pin: the remaining golden
// record follows the rules again, the split-out record keeps its own name, and the history
// still shows the pick.
func TestUnmergeDropsThePick(t *testing.T) {
	w, rc := pickWorld(t)
	if err := w.decidePicks(rc.ID, master.DecideMerge, "name=crm"); err != nil {
		t.Fatal(err)
	}
	id := w.goldenOf("erp", "E-1")
	var split string
	if err := w.s.InTx(w.ctx, func(tx *store.Tx) (err error) {
		split, err = w.engine.Unmerge(w.ctx, tx, id, "crm", "C-3", "alice")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if g := w.goldenByID(id); g["name"] != "深圳市华为技木有限公司" {
		t.Fatalf("after unmerge: %v, want the ERP's name back", g)
	}
	if g := w.goldenByID(split); g["name"] != "华为技术有限公司" {
		t.Fatalf("split record: %v", g)
	}
	for _, g := range []string{id, split} {
		if ps, err := w.s.Read().PinsOf(w.ctx, g); err != nil || len(ps) != 0 {
			t.Fatalf("pins of %s after unmerge: %+v, %v", g, ps, err)
		}
	}
	if f := w.explainField(id, "name"); f.Rule != master.RuleAllAgree {
		t.Fatalf("explain after unmerge: %+v", f)
	}
	h, err := master.LoadHistory(w.ctx, w.s.Read(), id)
	if err != nil {
		t.Fatal(err)
	}
	picked := false
	for _, v := range h.Versions {
		for _, c := range v.Changes {
			picked = picked || c.Field == "name" && c.Rule == "steward pick (review case 1, by alice)"
		}
	}
	if !picked {
		t.Fatalf("history lost the pick: %+v", h.Versions)
	}
}

// TestPickMovesWithAMerge: a pinned golden record merged into an older one by a shared key
// brings its pick along.
func TestPickMovesWithAMerge(t *testing.T) {
	w := newFuzzyWorld(t)
	w.read("erp", "E-0", map[string]any{"name": "华为投资控股", "tax_id": "T-HW"})
	w.read("erp", "E-1", map[string]any{"name": "深圳市华为技木有限公司", "city": "深圳"})
	w.read("crm", "C-3", map[string]any{"name": "华为技术有限公司", "city": "深圳"})
	cases, err := w.s.Read().ListReviews(w.ctx, store.ReviewOpen, 10)
	if err != nil || len(cases) != 1 {
		t.Fatalf("setup: open cases %+v, %v", cases, err)
	}
	if err := w.decidePicks(cases[0].ID, master.DecideMerge, "name=crm"); err != nil {
		t.Fatal(err)
	}
	pinned := w.goldenOf("erp", "E-1")
	// The CRM learns the tax ID; a new CRM record with it proves E-0's and E-1's customers one.
	w.read("crm", "C-3", map[string]any{"name": "华为技术有限公司", "city": "深圳", "tax_id": "T-HW"})
	w.read("crm", "C-8", map[string]any{"name": "华为", "tax_id": "T-HW"})
	id := w.goldenOf("erp", "E-0")
	if w.goldenOf("erp", "E-1") != id || id == pinned {
		t.Fatalf("setup: E-1 in %s, E-0 in %s; want E-1's golden record merged into E-0's", w.goldenOf("erp", "E-1"), id)
	}
	if g := w.goldenByID(id); g["name"] != "华为技术有限公司" {
		t.Fatalf("after a key merge: %v, want the picked CRM name", g)
	}
	if ps, err := w.s.Read().PinsOf(w.ctx, id); err != nil || len(ps) != 1 || ps[0].ExternalID != "C-3" {
		t.Fatalf("pins of the survivor: %+v, %v", ps, err)
	}
}

func mustPicks(t *testing.T, ss []string) []master.Pick {
	t.Helper()
	var ps []master.Pick
	for _, s := range ss {
		p, err := master.ParsePick(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func (w *clearWorld) version(id string) int64 {
	w.t.Helper()
	g, err := w.s.Read().GetGolden(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return g.Version
}
