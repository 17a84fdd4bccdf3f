package generate

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// testNow is the fixed reference time of the tests.
func testNow() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC) }

// generateDefault generates the default data set for seed into a temporary directory.
func generateDefault(t testing.TB, seed uint64) (string, Truth) {
	t.Helper()
	dir := t.TempDir()
	truth, err := Generate(t.Context(), Options{Dir: dir, Seed: seed, Now: testNow()})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return dir, truth
}

// TestDefaultDataSet checks the default data set of one seed, generated once.
func TestDefaultDataSet(t *testing.T) {
	dir, truth := generateDefault(t, 1)
	t.Logf("rows %v, invalid %v, companies %d, overlapping %d",
		truth.Rows, truth.Invalid, truth.Companies, truth.Overlapping)
	t.Run("counts", func(t *testing.T) { checkCounts(t, dir, truth) })
	t.Run("timestamps", func(t *testing.T) { checkTimestamps(t, dir) })
	t.Run("keys", func(t *testing.T) { checkKeys(t, loadRows(t, dir, truth), truth) })
	t.Run("messiness", func(t *testing.T) { checkMessiness(t, dir) })
	t.Run("deterministic", func(t *testing.T) {
		again, truthAgain := generateDefault(t, 1)
		other, truthOther := generateDefault(t, 2)
		for _, file := range []string{"crm.db", "erp.db", "finance.db"} {
			a, b, c := hashFile(t, dir, file), hashFile(t, again, file), hashFile(t, other, file)
			if a != b {
				t.Errorf("%s differs between two runs with the same seed", file)
			}
			if a == c {
				t.Errorf("%s is the same for seeds 1 and 2", file)
			}
		}
		if !reflect.DeepEqual(truth, truthAgain) {
			t.Error("Truth differs between two runs with the same seed")
		}
		checkKeys(t, loadRows(t, other, truthOther), truthOther)
	})
}

// checkCounts checks the row counts against the targets and the truth against the files.
func checkCounts(t *testing.T, dir string, truth Truth) {
	targets := map[string]int{"crm": 2000, "erp": 1500, "finance": 1200}
	total := 0
	for sys, want := range targets {
		got := truth.Rows[sys]
		if got < want*94/100 || got > want*106/100 {
			t.Errorf("Rows[%s] = %d, want %d ± 6%%", sys, got, want)
		}
		if n := countRows(t, dir, sys); n != got {
			t.Errorf("%s holds %d rows, Truth says %d", sys, n, got)
		}
		total += got
	}
	if len(truth.Cluster) != total {
		t.Errorf("len(Cluster) = %d, want %d", len(truth.Cluster), total)
	}
	if inv := truth.Invalid["crm"]; inv < 3 || inv > 8 {
		t.Errorf("Invalid[crm] = %d, want about 0.25%% of CRM rows", inv)
	}
	if truth.Invalid["erp"] != 0 || truth.Invalid["finance"] != 0 {
		t.Errorf("Invalid = %v, want invalid rows in CRM only", truth.Invalid)
	}
	if want := DefaultCompanies - truth.Invalid["crm"]; truth.Companies != want {
		t.Errorf("Companies = %d, want %d", truth.Companies, want)
	}
	if truth.Overlapping < 1400 || truth.Overlapping > 1800 {
		t.Errorf("Overlapping = %d, want about 1600", truth.Overlapping)
	}
}

// checkTimestamps checks updated_at, is_deleted and the (updated_at, id) index.
func checkTimestamps(t *testing.T, dir string) {
	oldest := testNow().Add(-updatedWindow).UTC().Format(TimeLayout)
	newest := testNow().UTC().Format(TimeLayout)
	for s := range numSystems {
		tb := tableOf(s)
		db := openTestDB(t, filepath.Join(dir, tb.file))
		var minT, maxT string
		var deleted, distinct, n int
		err := db.QueryRowContext(t.Context(), "SELECT MIN(updated_at), MAX(updated_at), SUM(is_deleted), "+
			"COUNT(DISTINCT updated_at), COUNT(*) FROM "+tb.name).Scan(&minT, &maxT, &deleted, &distinct, &n)
		if err != nil {
			t.Fatalf("query %s: %v", tb.name, err)
		}
		if minT < oldest || maxT >= newest || len(minT) != len(TimeLayout) {
			t.Errorf("%s: updated_at in [%s, %s], want within [%s, %s)", tb.name, minT, maxT, oldest, newest)
		}
		if deleted != 0 {
			t.Errorf("%s: %d deleted rows, want 0", tb.name, deleted)
		}
		if distinct < n*99/100 {
			t.Errorf("%s: %d distinct updated_at among %d rows", tb.name, distinct, n)
		}
		var index string
		err = db.QueryRowContext(t.Context(),
			"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE '%(updated_at, id)'",
			tb.name).Scan(&index)
		if err != nil {
			t.Errorf("%s: no (updated_at, id) index: %v", tb.name, err)
		}
	}
}

func TestGenerateReplacesFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "crm.db-wal")
	if err := os.WriteFile(stale, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{Dir: dir, Companies: 300, Seed: 5, Now: testNow()}
	first, err := Generate(t.Context(), opts)
	if err != nil {
		t.Fatalf("first Generate: %v", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale WAL survived: %v", err)
	}
	opts.Seed = 6
	second, err := Generate(t.Context(), opts)
	if err != nil {
		t.Fatalf("second Generate: %v", err)
	}
	if got := countRows(t, dir, "crm"); got != second.Rows["crm"] {
		t.Errorf("crm.db holds %d rows after regenerating, want %d (first run had %d)",
			got, second.Rows["crm"], first.Rows["crm"])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries, want the 3 databases", len(entries))
	}
}

func TestGenerateErrors(t *testing.T) {
	if _, err := Generate(t.Context(), Options{}); !errors.Is(err, ErrNoDir) {
		t.Errorf("Generate without Dir: %v, want ErrNoDir", err)
	}
	if _, err := Generate(t.Context(), Options{Dir: t.TempDir(), Companies: -1}); !errors.Is(err, ErrBadCompanies) {
		t.Errorf("Generate with -1 companies: %v, want ErrBadCompanies", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Generate(ctx, Options{Dir: t.TempDir(), Companies: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate with a cancelled context: %v, want context.Canceled", err)
	}
}

func BenchmarkGenerate130k(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		truth, err := Generate(b.Context(), Options{Dir: dir, Companies: 130_000, Seed: 1, Now: testNow()})
		if err != nil {
			b.Fatalf("Generate: %v", err)
		}
		b.ReportMetric(float64(truth.Rows["crm"]), "crm-rows")
	}
}

// countRows counts the rows in system sys's table.
func countRows(t *testing.T, dir, sys string) int {
	t.Helper()
	for s := range numSystems {
		if s.String() != sys {
			continue
		}
		tb := tableOf(s)
		var n int
		db := openTestDB(t, filepath.Join(dir, tb.file))
		if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM "+tb.name).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb.name, err)
		}
		return n
	}
	t.Fatalf("unknown system %q", sys)
	return 0
}

// openTestDB opens a database read-only and closes it when the test ends.
func openTestDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// hashFile returns the SHA-256 of dir/name.
func hashFile(t *testing.T, dir, name string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return sha256.Sum256(b)
}

// companiesOf returns the set of company IDs in a truth.
func companiesOf(truth Truth) map[string]bool {
	set := make(map[string]bool)
	for v := range maps.Values(truth.Cluster) {
		set[v] = true
	}
	return set
}
