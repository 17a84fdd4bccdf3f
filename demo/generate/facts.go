package generate

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"
)

// Fact tables: the ERP's sales orders and the finance system's invoices for services (never
// for the same sale as an order, so both add up to what a customer spends).
const (
	OrderTable   = "orders"
	InvoiceTable = "invoices"
)

// factStream is the second PCG word of the facts' own random stream: drawing facts leaves the
// customer rows of a seed exactly as they were.
const factStream = 0xfac7_5eed_0bad_cafe

// Classification windows the facts are drawn around, matching the demo's golden/customer.yaml
// (active within 90 days, churned after 365, tier over 365 days). Dates keep a margin from each
// boundary so that a demo run a day later classifies the same.
const (
	WindowDays = 365
	windowEdge = 350 // a fact in the window is at most this old…
	outsideAge = 380 // …and one outside at least this old
)

// Lifecycle profiles a company's facts are drawn for.
const (
	Potential = "potential"
	Active    = "active"
	Silent    = "silent"
	Churned   = "churned"
)

// CompanyFacts is the truth about one company's transactions.
type CompanyFacts struct {
	// Lifecycle is the profile drawn: potential (no transaction), active (last within 80 days),
	// silent (last 100–340 days ago) or churned (last over 380 days ago).
	Lifecycle string
	// WindowCents is the value in CNY cents of its CNY transactions of the last WindowDays.
	WindowCents int64
	Orders      int
	Invoices    int
	// OtherCurrency counts its invoices in another currency (never added up).
	OtherCurrency int
}

// facts are the fact rows of both systems and their truth.
type facts struct {
	orders, invoices []record
	truth            map[string]CompanyFacts
}

// drawFacts draws the transactions of the companies the ERP or the finance system holds.
func drawFacts(r *rand.Rand, ds *dataset, now time.Time) facts {
	erpOf, finOf := map[string]string{}, map[string]string{}
	var order []string
	for s, by := range map[system]map[string]string{erp: erpOf, finance: finOf} {
		for _, row := range ds.rows[s] {
			by[row.company] = row.cols[0].(string)
		}
	}
	seen := map[string]bool{}
	for s := range numSystems { // every company once, in the rows' (seeded) order
		for _, row := range ds.rows[s] {
			if !seen[row.company] {
				seen[row.company] = true
				order = append(order, row.company)
			}
		}
	}
	f := facts{truth: make(map[string]CompanyFacts, len(order))}
	for _, c := range order {
		f.truth[c] = f.draw(r, c, erpOf[c], finOf[c], now)
	}
	return f
}

// draw draws one company's transactions: orders when the ERP holds it, service invoices when
// the finance system does (or only invoices when it is not in the ERP).
func (f *facts) draw(r *rand.Rand, company, erpID, finID string, now time.Time) CompanyFacts {
	cf := CompanyFacts{Lifecycle: Potential}
	if erpID == "" && finID == "" {
		return cf
	}
	var last int
	switch p := r.IntN(100); {
	case p < 25:
		return cf
	case p < 65:
		cf.Lifecycle, last = Active, 1+r.IntN(80)
	case p < 82:
		cf.Lifecycle, last = Silent, 100+r.IntN(241)
	default:
		cf.Lifecycle, last = Churned, outsideAge+r.IntN(620)
	}
	// What it spends in a year: 10% high (over 1M CNY), 30% mid, 60% low.
	var yearly int64
	switch p := r.IntN(10); {
	case p == 0:
		yearly = 120_000_000 + r.Int64N(380_000_000)
	case p < 4:
		yearly = 12_000_000 + r.Int64N(78_000_000)
	default:
		yearly = 500_000 + r.Int64N(8_500_000)
	}
	n := 1 + r.IntN(6)
	ages := make([]int, n)
	ages[0] = last
	inWindow := 0
	for i := 1; i < n; i++ {
		a := last + r.IntN(700)
		if a > windowEdge && a < outsideAge {
			a = outsideAge + r.IntN(30)
		}
		ages[i] = a
	}
	for _, a := range ages {
		if a <= windowEdge {
			inWindow++
		}
	}
	for _, a := range ages {
		cents := 100_000 + r.Int64N(5_000_000) // outside the window: anything
		if a <= windowEdge {
			cents = yearly / int64(inWindow)
			cf.WindowCents += cents
		}
		day := now.AddDate(0, 0, -a).UTC()
		stamp := day.Add(time.Duration(r.IntN(86400)) * time.Second).Format(TimeLayout)
		amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
		if erpID != "" && (finID == "" || r.IntN(3) > 0) {
			id := fmt.Sprintf("SO%07d", len(f.orders)+1)
			f.orders = append(f.orders, record{company, []any{id, erpID, day.Format(time.DateOnly), amount, "CNY", stamp, 0}})
			cf.Orders++
			continue
		}
		id := fmt.Sprintf("INV%07d", len(f.invoices)+1)
		f.invoices = append(f.invoices, record{company, []any{id, finID, day.Format(time.DateOnly), amount, "CNY", stamp, 0}})
		cf.Invoices++
	}
	if finID != "" && r.IntN(30) == 0 { // a fee billed in dollars: never added to the CNY tier
		id := fmt.Sprintf("INV%07d", len(f.invoices)+1)
		day := now.AddDate(0, 0, -(last + r.IntN(30))).UTC()
		f.invoices = append(f.invoices, record{company, []any{id, finID, day.Format(time.DateOnly), "1999.00", "USD", day.Format(TimeLayout), 0}})
		cf.Invoices++
		cf.OtherCurrency++
	}
	return cf
}

// factTables are the fact tables: in the ERP's and the finance system's files.
var (
	orderTable   = table{"erp.db", OrderTable, []string{"id", "customer_id", "order_date", "total", "currency", "updated_at", "is_deleted"}}
	invoiceTable = table{"finance.db", InvoiceTable, []string{"id", "account_id", "invoice_date", "amount", "currency", "updated_at", "is_deleted"}}
)

// writeFacts adds the fact tables to the ERP's and the finance system's files, and to the CRM's
// accounts the lifecycle and tier columns Accord writes.
func writeFacts(ctx context.Context, dir string, f facts) error {
	if err := addTable(ctx, dir, orderTable, f.orders); err != nil {
		return err
	}
	if err := addTable(ctx, dir, invoiceTable, f.invoices); err != nil {
		return err
	}
	return alter(ctx, filepath.Join(dir, "crm.db"),
		`ALTER TABLE `+CRMTable+` ADD COLUMN lifecycle TEXT`, `ALTER TABLE `+CRMTable+` ADD COLUMN tier TEXT`)
}

// addTable creates table t in its system's file and fills it, in one transaction.
func addTable(ctx context.Context, dir string, t table, rows []record) error {
	return withDB(filepath.Join(dir, t.file), t.file, func(db *sql.DB) error { return load(ctx, db, t, rows) })
}

// alter runs stmts on the database at path.
func alter(ctx context.Context, path string, stmts ...string) error {
	return withDB(path, filepath.Base(path), func(db *sql.DB) error {
		for _, s := range stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", filepath.Base(path), err)
			}
		}
		return nil
	})
}
