package generate

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestFacts: every order belongs to an ERP customer and every invoice to a finance account of
// the same company; a company's last transaction lies in its lifecycle's range with a margin
// from the boundaries, and its CNY total of the window is what the truth says.
func TestFacts(t *testing.T) {
	dir, truth := generateDefault(t, 7)
	now := testNow().UTC().Truncate(24 * time.Hour)
	last := map[string]int{}
	cents := map[string]int64{}
	for _, src := range []struct{ file, query, system string }{
		{"erp.db", `SELECT customer_id, order_date, total, currency FROM orders`, "erp"},
		{"finance.db", `SELECT account_id, invoice_date, amount, currency FROM invoices`, "finance"},
	} {
		db, err := sql.Open("sqlite", filepath.Join(dir, src.file))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(t.Context(), src.query)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var owner, day, currency string
			var amount float64
			if err := rows.Scan(&owner, &day, &amount, &currency); err != nil {
				t.Fatal(err)
			}
			n++
			company, ok := truth.Cluster[src.system+"/"+owner]
			if !ok {
				t.Fatalf("%s fact of unknown record %s", src.system, owner)
			}
			d, err := time.Parse(time.DateOnly, day)
			if err != nil {
				t.Fatal(err)
			}
			age := int(now.Sub(d).Hours() / 24)
			if l, ok := last[company]; !ok || age < l {
				last[company] = age
			}
			if currency == "CNY" && age <= windowEdge {
				cents[company] += int64(amount*100 + 0.5)
			}
			if age > windowEdge && age < outsideAge {
				t.Errorf("%s fact of %s is %d days old: too near the window's edge", src.system, owner, age)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if want := map[string]int{"erp": truth.Orders, "finance": truth.Invoices}[src.system]; n != want || n == 0 {
			t.Errorf("%s: %d facts, truth says %d", src.system, n, want)
		}
	}
	ranges := map[string][2]int{Active: {1, 80}, Silent: {100, 340}, Churned: {outsideAge, 1100}}
	profiles := map[string]int{}
	for company, f := range truth.Facts {
		profiles[f.Lifecycle]++
		age, had := last[company]
		if f.Lifecycle == Potential {
			if had {
				t.Errorf("potential company %s has transactions", company)
			}
			continue
		}
		if r := ranges[f.Lifecycle]; !had || age < r[0] || age > r[1] {
			t.Errorf("%s company %s: last transaction %d days ago, want %v", f.Lifecycle, company, age, r)
		}
		if f.WindowCents != cents[company] {
			t.Errorf("company %s: window total %d cents, truth %d", company, cents[company], f.WindowCents)
		}
	}
	for _, p := range []string{Potential, Active, Silent, Churned} {
		if profiles[p] < 100 {
			t.Errorf("only %d %s companies: %v", profiles[p], p, profiles)
		}
	}
}
