package generate

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUnlinkedHardCases checks the unlinked data set's hard cases against its truth: no key is
// shared between companies, old tax IDs are the 税务登记号 of a credit code of their company,
// branches sit on their head office's e-mail domain, and the linked data set is untouched.
func TestUnlinkedHardCases(t *testing.T) {
	linkedDir, linked := generateDefault(t, 4)
	dir := t.TempDir()
	truth, err := Generate(t.Context(), Options{Dir: dir, Seed: 4, Now: testNow(), Unlinked: true})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	t.Logf("moved %d, old tax IDs %d, look-alikes %d", truth.Moved, truth.OldTaxIDs, truth.LookAlikes)
	if linked.Moved+linked.OldTaxIDs+linked.LookAlikes != 0 {
		t.Errorf("linked data set has hard cases: %+v", linked)
	}
	n := DefaultCompanies
	for name, got := range map[string]int{"moved": truth.Moved, "look-alikes": truth.LookAlikes} {
		if got < n*2/100 || got > n*8/100 {
			t.Errorf("%d %s of %d companies, want 2–8%%", got, name, n)
		}
	}
	rows := loadRows(t, dir, truth)
	owner := map[string]string{} // key value → company
	old, full := 0, map[string]string{}
	for _, r := range rows {
		for _, k := range []string{r.tax, r.email, r.phone} {
			if k == "" {
				continue
			}
			if o, ok := owner[k]; ok && o != r.company {
				t.Errorf("%s: key %q also belongs to %s", r.key, k, o)
			}
			owner[k] = r.company
		}
		if len(r.tax) == 18 {
			full[r.tax[2:17]] = r.company
		}
	}
	for _, r := range rows {
		if len(r.tax) == 15 {
			old++
			if co, ok := full[r.tax]; ok && co != r.company {
				t.Errorf("%s: old tax ID %s is company %s's", r.key, r.tax, co)
			}
		}
	}
	if old != truth.OldTaxIDs || old == 0 {
		t.Errorf("%d old tax IDs in the files, truth says %d", old, truth.OldTaxIDs)
	}
	branches := 0
	db := openTestDB(t, filepath.Join(dir, "crm.db"))
	res, err := db.QueryContext(t.Context(), "SELECT account_name FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	for res.Next() {
		var name string
		if err := res.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "分公司") {
			branches++
		}
	}
	if branches == 0 {
		t.Error("no CRM row names a branch (分公司)")
	}
	if hashFile(t, linkedDir, "crm.db") == hashFile(t, dir, "crm.db") {
		t.Error("crm.db is the same linked and unlinked")
	}
}
