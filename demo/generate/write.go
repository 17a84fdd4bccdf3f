package generate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Table names of the three demo systems.
const (
	CRMTable     = "accounts"
	ERPTable     = "customers"
	FinanceTable = "billing_accounts"
)

// table describes one system's database file and table. Columns are in record order.
type table struct {
	file, name string
	columns    []string
}

// tableOf returns system s's table.
func tableOf(s system) table {
	switch s {
	case crm:
		return table{"crm.db", CRMTable, []string{
			"id", "account_name", "contact_name", "email", "phone", "tax_id", "city", "updated_at", "is_deleted"}}
	case erp:
		return table{"erp.db", ERPTable, []string{
			"id", "name", "tax_no", "phone", "email", "city", "updated_at", "is_deleted"}}
	default:
		return table{"finance.db", FinanceTable, []string{
			"id", "legal_name", "tax_id", "billing_email", "phone", "updated_at", "is_deleted"}}
	}
}

// createSQL returns the CREATE TABLE statement: every column TEXT except is_deleted.
func (t table) createSQL() string {
	defs := make([]string, len(t.columns))
	for i, c := range t.columns {
		switch c {
		case "id":
			defs[i] = "id TEXT NOT NULL PRIMARY KEY"
		case "updated_at":
			defs[i] = "updated_at TEXT NOT NULL"
		case "is_deleted":
			defs[i] = "is_deleted INTEGER NOT NULL DEFAULT 0"
		default:
			defs[i] = c + " TEXT"
		}
	}
	return fmt.Sprintf("CREATE TABLE %s (%s)", t.name, strings.Join(defs, ", "))
}

// indexSQL returns the statement creating the (updated_at, id) index change readers page on.
func (t table) indexSQL() string {
	return fmt.Sprintf("CREATE INDEX %s_updated_at_id ON %s (updated_at, id)", t.name, t.name)
}

// insertSQL returns an INSERT statement for n rows, with one placeholder per column.
func (t table) insertSQL(n int) string {
	tuple := "(?" + strings.Repeat(", ?", len(t.columns)-1) + ")"
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES %s",
		t.name, strings.Join(t.columns, ", "), strings.Repeat(tuple+", ", n-1)+tuple)
}

// batchRows is how many rows one execution of the prepared INSERT carries. Fewer, larger
// executions amortise the driver's per-call cost; 64 × 9 columns stays far below SQLite's
// limit on placeholders.
const batchRows = 64

// insertRows inserts rows batchRows at a time, and the remainder in one go.
func insertRows(ctx context.Context, tx *sql.Tx, t table, rows []record) error {
	full := len(rows) / batchRows * batchRows
	if err := insertBatches(ctx, tx, t, rows[:full], batchRows); err != nil {
		return err
	}
	return insertBatches(ctx, tx, t, rows[full:], len(rows)-full)
}

// insertBatches inserts rows, a multiple of size, executing one prepared statement for size
// rows as often as needed.
func insertBatches(ctx context.Context, tx *sql.Tx, t table, rows []record, size int) error {
	if len(rows) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, t.insertSQL(size))
	if err != nil {
		return fmt.Errorf("prepare insert into %s: %w", t.name, err)
	}
	defer stmt.Close()
	// The driver starts a watcher goroutine per call for a cancellable context, so the calls get
	// one that is never cancelled and ctx is checked here instead.
	quiet := context.WithoutCancel(ctx)
	args := make([]any, 0, size*len(t.columns))
	for i := 0; i < len(rows); i += size {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("insert into %s: %w", t.name, err)
		}
		args = args[:0]
		for _, r := range rows[i : i+size] {
			args = append(args, r.cols...)
		}
		if _, err := stmt.ExecContext(quiet, args...); err != nil {
			return fmt.Errorf("insert rows from %v into %s: %w", rows[i].cols[0], t.name, err)
		}
	}
	return nil
}

// writeDB writes system s's rows to a temporary file in one transaction and renames it over
// the system's file. Journal and sync are off: until the rename, nobody else sees the file.
func writeDB(ctx context.Context, dir string, s system, rows []record) error {
	t := tableOf(s)
	final := filepath.Join(dir, t.file)
	tmp := filepath.Join(dir, "."+t.file+".tmp")
	if err := removeFiles(tmp, "", "-journal"); err != nil {
		return err
	}
	if err := fill(ctx, tmp, t, rows); err != nil {
		_ = removeFiles(tmp, "", "-journal") // the fill error is the one worth reporting
		return err
	}
	// A stale WAL next to the replaced database would otherwise be replayed into the new one.
	if err := removeFiles(final, "-journal", "-wal", "-shm"); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("rename %s into place: %w", t.file, err)
	}
	return nil
}

// fill creates the table in a new database at path and inserts rows in one transaction.
func fill(ctx context.Context, path string, t table, rows []record) error {
	return withDB(path+"?_journal_mode=OFF&_synchronous=OFF", t.file, func(db *sql.DB) error { return load(ctx, db, t, rows) })
}

// withDB opens the SQLite database dsn (file name for errors), runs fn on it and closes it,
// reporting a failed close when fn succeeded.
func withDB(dsn, name string, fn func(*sql.DB) error) (err error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", name, cerr)
		}
	}()
	return fn(db)
}

// load creates table t in db and inserts rows in one transaction, indexing after the load
// (cheaper than maintaining the index row by row).
func load(ctx context.Context, db *sql.DB, t table, rows []record) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin %s: %w", t.file, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	if _, err := tx.ExecContext(ctx, t.createSQL()); err != nil {
		return fmt.Errorf("create table %s: %w", t.name, err)
	}
	if err := insertRows(ctx, tx, t, rows); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, t.indexSQL()); err != nil {
		return fmt.Errorf("index %s: %w", t.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", t.file, err)
	}
	return nil
}

// removeFiles removes path+suffix for each suffix, ignoring files that do not exist.
func removeFiles(path string, suffixes ...string) error {
	for _, suffix := range suffixes {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", filepath.Base(path+suffix), err)
		}
	}
	return nil
}
