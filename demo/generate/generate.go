// Package generate creates the three demo systems Accord reconciles — a CRM, an ERP and a
// finance system, each a SQLite file — filled with overlapping, messily typed customer data,
// and returns the ground truth: which row belongs to which real-world company.
//
// The data is built so that an exact-key matcher can be checked against the truth: after
// normalisation (tax ID trimmed and upper-cased; email NFKC and lower-cased; phone as E.164)
// every two rows of one company are linked through a chain of shared tax IDs, emails or phones
// (unless Options.Unlinked), and no two companies share any such value.
package generate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"golang.org/x/sync/errgroup"
)

// DefaultCompanies gives about 2000 CRM, 1500 ERP and 1200 finance rows.
const DefaultCompanies = 2600

// seedStream is the second PCG word; Options.Seed is the first. hardStream is that of the
// unlinked data set's hard cases.
const seedStream, hardStream = 0xacc0_4d00_6e4e_7261, 0xacc0_4d00_6861_7264

// Options configure Generate. Zero values take the documented defaults.
type Options struct {
	// Dir receives crm.db, erp.db and finance.db, replacing files of those names. It is created
	// if missing. Required.
	Dir string
	// Companies is the number of distinct real-world companies; row counts scale linearly with
	// it (about 0.77, 0.58 and 0.46 rows per company). Default DefaultCompanies.
	Companies int
	// Seed makes the output reproducible: the same Seed, Companies and Now give byte-identical
	// files and the same Truth.
	Seed uint64
	// Now is the reference time; every updated_at lies in the 90 days before it. Default
	// time.Now(), which makes the output differ from run to run.
	Now time.Time
	// Unlinked leaves out the keys added so that every copy of a company shares a tax ID, e-mail
	// or phone with another: copies may then be linked by nothing but a similar name, city or
	// phone, as in real systems. It tests fuzzy matching; Truth.Companies still counts companies.
	// The same Seed draws the same companies and values either way, except that unlinked data
	// are also harder, from a random stream of their own: companies that moved city (some copies
	// keep the former one), tax IDs written as the old 15-character 税务登记号, and look-alike
	// companies named like another one (the same name in another city, the same brand in another
	// industry, a 分公司 branch on the other's e-mail domain). Truth counts them.
	Unlinked bool
}

// Truth is the ground truth about the generated rows.
type Truth struct {
	// Rows is the number of rows written per system: "crm", "erp", "finance".
	Rows map[string]int
	// Invalid is the number of rows per system that carry an invalid value on purpose: CRM rows
	// of CRM-only companies whose only key is a malformed email. They should be quarantined.
	Invalid map[string]int
	// Companies is the number of distinct companies among valid rows: the number of golden
	// records a correct exact-key matcher produces.
	Companies int
	// Overlapping is the number of companies held by two or more systems.
	Overlapping int
	// Cluster maps "system/id" (for example "crm/C000123") to a company ID, for every row.
	Cluster map[string]string
	// Facts are the transactions drawn per company ID: the ERP's orders and the finance
	// system's invoices, Orders and Invoices rows in all.
	Facts            map[string]CompanyFacts
	Orders, Invoices int
	// Moved, OldTaxIDs and LookAlikes count the hard cases of unlinked data: companies that
	// moved city, rows carrying an old 税务登记号, and companies named like another one.
	Moved, OldTaxIDs, LookAlikes int
}

// Generate writes the three demo databases into opts.Dir, with the ERP's orders and the finance
// system's invoices of the companies they hold, and returns their ground truth. The
// files are built under temporary names and renamed into place, so a reader never sees a
// half-written file; stale -wal, -shm and -journal files of the old ones are removed.
func Generate(ctx context.Context, opts Options) (Truth, error) {
	if opts.Dir == "" {
		return Truth{}, fmt.Errorf("generate demo data: %w", ErrNoDir)
	}
	n := opts.Companies
	switch {
	case n < 0:
		return Truth{}, fmt.Errorf("generate demo data: %w: %d", ErrBadCompanies, n)
	case n == 0:
		n = DefaultCompanies
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Truth{}, fmt.Errorf("create demo directory: %w", err)
	}
	var h *hard
	if opts.Unlinked {
		h = &hard{r: rand.New(rand.NewPCG(opts.Seed, hardStream))}
	}
	ds := build(rand.New(rand.NewPCG(opts.Seed, seedStream)), n, now, h)
	if err := ctx.Err(); err != nil {
		return Truth{}, fmt.Errorf("generate demo data: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	for s := range numSystems {
		g.Go(func() error { return writeDB(gctx, opts.Dir, s, ds.rows[s]) })
	}
	if err := g.Wait(); err != nil {
		return Truth{}, err
	}
	f := drawFacts(rand.New(rand.NewPCG(opts.Seed, factStream)), &ds, now)
	if err := writeFacts(ctx, opts.Dir, f); err != nil {
		return Truth{}, err
	}
	ds.truth.Facts, ds.truth.Orders, ds.truth.Invoices = f.truth, len(f.orders), len(f.invoices)
	return ds.truth, nil
}
