// Package demo runs `accord demo`: it generates three messy demo systems, syncs them through a
// full Accord node, reports what happened, and shows an edit travelling from the CRM to the
// other systems.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/demo/generate"
	"github.com/accord-mdm/accord/examples"
	"github.com/accord-mdm/accord/runner"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/workflows"
)

const entity = "customer"

// Options configure the demo.
type Options struct {
	// DataDir is the base data directory; the demo owns <DataDir>/demo and recreates it.
	DataDir        string
	Database       string // default: SQLite in the demo directory
	Companies      int    // default 2600 (≈2,000 CRM, 1,500 ERP, 1,200 finance records)
	Seed           uint64
	FrontendPort   int
	UIPort         int
	Timeout        time.Duration // for convergence and for the edit (default 5m)
	Once           bool          // stop after the edit instead of running until ctx ends
	Connectors     connectors.Registry
	Out            io.Writer
	ExecutablePath string // how to tell the user to run accord (default "accord")
	// Inspect, if set, runs after the edit has propagated, while the node still runs (tests use
	// it to look at workflow histories).
	Inspect func(ctx context.Context, node *runner.Node) error
}

// Report is what the demo measured.
type Report struct {
	Truth         generate.Truth
	Stats         store.Stats
	ConvergedIn   time.Duration
	EditPropagate time.Duration
	EditedCRMID   string
	Duplicates    int64 // golden records linked to two records of one system
	EditedGolden  string
	NewPhone      string
	UIURL         string
	Classes       Classes
}

// Run runs the demo. With Once it returns after the edit has propagated; otherwise it keeps the
// node running until ctx is cancelled.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	dir, err := filepath.Abs(filepath.Join(o.DataDir, "demo"))
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("reset demo directory: %w", err)
	}
	cfgDir := filepath.Join(dir, "config")
	if err := WriteConfig(cfgDir); err != nil {
		return nil, err
	}
	if err := os.Setenv("ACCORD_DEMO_DIR", dir); err != nil {
		return nil, err
	}
	p := newPrinter(o.Out)
	p.step("Generating three demo systems in %s", dir)
	truth, err := generate.Generate(ctx, generate.Options{Dir: dir, Companies: o.Companies, Seed: o.Seed, Now: time.Now().UTC()})
	if err != nil {
		return nil, fmt.Errorf("generate demo systems: %w", err)
	}
	p.line("CRM %d accounts, ERP %d customers, finance %d billing accounts: %d companies, %d of them in two or more systems",
		truth.Rows["crm"], truth.Rows["erp"], truth.Rows["finance"], truth.Companies+truth.Invalid["crm"], truth.Overlapping)

	p.step("Starting Accord: embedded Temporal server and UI, golden store, worker")
	node, err := runner.Start(ctx, runner.Options{
		DataDir: dir, Database: o.Database, FrontendPort: o.FrontendPort, UIPort: o.UIPort,
		ConfigDir: cfgDir, Worker: true, Connectors: o.Connectors,
	})
	if err != nil {
		return nil, err
	}
	defer node.Stop()
	rep := &Report{Truth: truth, UIURL: node.Dev.UIURL()}

	start := time.Now()
	p.step("Syncing: reading every system into the golden store and pushing golden records back")
	// Syncs and pushes start together, as in production: pushes create records in a system only
	// once every source has been read in full.
	if err := node.StartWorkflows(ctx, true); err != nil {
		return rep, err
	}
	settled := func() (bool, error) { return quiet(ctx, node) }
	if err := waitFor(ctx, o.Timeout, settled); err != nil {
		return rep, fmt.Errorf("sync did not converge: %w", err)
	}
	rep.ConvergedIn = time.Since(start)
	if rep.Stats, err = node.Store.Read().Stats(ctx, entity); err != nil {
		return rep, err
	}
	if cl := node.Config.Golden[entity].Classification; cl != nil {
		if rep.Classes, err = countClasses(ctx, node.Store, cl, truth); err != nil {
			return rep, err
		}
	}
	p.summary(rep, node)

	if err := edit(ctx, node, dir, rep, o.Timeout, p); err != nil {
		return rep, err
	}
	// The edit's echo and the pushes it caused settle too before the final count.
	if err := waitFor(ctx, o.Timeout, settled); err != nil {
		return rep, fmt.Errorf("sync did not settle after the edit: %w", err)
	}
	if rep.Stats, err = node.Store.Read().Stats(ctx, entity); err != nil {
		return rep, err
	}
	if n := rep.Stats.Outbox[store.OutboxFailed]; n > 0 {
		return rep, fmt.Errorf("%d pushes failed; see `accord status`", n)
	}
	if rep.Duplicates, err = node.Store.Read().DuplicateLinks(ctx, entity); err != nil {
		return rep, err
	}
	if rep.Duplicates > 0 {
		return rep, fmt.Errorf("%d customers are held twice by one system", rep.Duplicates)
	}
	if o.Inspect != nil {
		if err := o.Inspect(ctx, node); err != nil {
			return rep, err
		}
	}
	p.next(rep, o)
	if o.Once {
		return rep, nil
	}
	p.line("\nAccord keeps syncing. Edit the demo databases in %s and watch; Ctrl-C stops.", dir)
	<-ctx.Done()
	return rep, nil
}

func (o *Options) defaults() {
	if o.Companies == 0 {
		o.Companies = 2600
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.ExecutablePath == "" {
		o.ExecutablePath = "accord"
	}
}

// WriteConfig writes the demo's configuration directory (golden/, systems/) into dir. Its
// systems read the SQLite files of $ACCORD_DEMO_DIR.
func WriteConfig(dir string) error {
	return fs.WalkDir(examples.Demo, "demo", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := examples.Demo.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("demo", path)
		target := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// quiet reports whether every entity's syncs and pushes have settled: customers, and the
// orders and invoices that classify them.
func quiet(ctx context.Context, node *runner.Node) (bool, error) {
	for _, e := range slices.Sorted(maps.Keys(node.Config.Golden)) {
		ok, err := node.Store.Read().Quiet(ctx, e, node.Config.Sources(e))
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// waitFor polls cond until it holds.
func waitFor(ctx context.Context, timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not settled after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// edit changes a phone number in the CRM and waits until the ERP and finance records of the
// same customer hold it.
func edit(ctx context.Context, node *runner.Node, dir string, rep *Report, timeout time.Duration, p *printer) error {
	crmID, ok := generate.PickOverlapping(ctx, rep.Truth)
	if !ok {
		return errors.New("the demo data has no customer held by all three systems")
	}
	x, err := node.Store.Read().GetXref(ctx, "crm", entity, crmID)
	if err != nil {
		return err
	}
	erp, err := node.Store.Read().XrefIn(ctx, x.GoldenID, "erp", entity)
	if err != nil {
		return fmt.Errorf("customer %s has no ERP record: %w", x.GoldenID, err)
	}
	fin, err := node.Store.Read().XrefIn(ctx, x.GoldenID, "finance", entity)
	if err != nil {
		return fmt.Errorf("customer %s has no finance record: %w", x.GoldenID, err)
	}
	rep.EditedCRMID, rep.EditedGolden, rep.NewPhone = crmID, x.GoldenID, "+86 139 0000 2026"
	p.step("Editing the phone of CRM account %s (golden %s) to %q", crmID, x.GoldenID, rep.NewPhone)
	start := time.Now()
	if err := generate.EditPhone(ctx, filepath.Join(dir, "crm.db"), "accounts", crmID, rep.NewPhone, time.Now().UTC()); err != nil {
		return err
	}
	// The CRM is polled every second anyway; the signal just skips the wait.
	_ = node.Client.SignalWorkflow(ctx, workflows.SyncWorkflowID("crm", entity), "", workflows.SignalSyncNow, nil)
	want := "+8613900002026"
	targets := []struct{ system, db, table, id string }{
		{"erp", "erp.db", "customers", erp.ExternalID},
		{"finance", "finance.db", "billing_accounts", fin.ExternalID},
	}
	deadline := time.Now().Add(timeout)
	for _, t := range targets {
		for {
			got, err := phoneOf(ctx, filepath.Join(dir, t.db), t.table, t.id)
			if err != nil {
				return err
			}
			if got == want {
				p.line("  %-8s %s phone = %s  (after %s)", t.system, t.id, got, time.Since(start).Round(10*time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("the edit did not reach %s record %s within %s (phone is %q)", t.system, t.id, timeout, got)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	rep.EditPropagate = time.Since(start)
	return nil
}

func phoneOf(ctx context.Context, path, table, id string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var phone sql.NullString
	// table is one of two constants above, never input.
	if err := db.QueryRowContext(ctx, `SELECT phone FROM "`+table+`" WHERE id = ?`, id).Scan(&phone); err != nil {
		return "", fmt.Errorf("read %s %s: %w", table, id, err)
	}
	return phone.String, nil
}
