package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/plugins"
)

// boundaryRows is how many records the connector-level benchmark reads and writes.
const (
	boundaryRows  = 100_000
	boundaryRuns  = 3
	readPage      = 1000
	writeBatch    = 500
	boundaryTable = `CREATE TABLE accounts (id TEXT PRIMARY KEY, account_name TEXT, contact_name TEXT,
		email TEXT, phone TEXT, tax_id TEXT, city TEXT, updated_at TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0)`
)

// callFigures are the best of boundaryRuns of reading and of writing boundaryRows records.
type callFigures struct{ read, write time.Duration }

// measureCalls reads boundaryRows records in pages of readPage and writes as many creates in
// batches of writeBatch with connectors from newConn, on fresh SQLite files under dir; the best
// of boundaryRuns runs of each.
func measureCalls(ctx context.Context, dir string, newConn func() connectors.Connector) (callFigures, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return callFigures{}, err
	}
	src := filepath.Join(dir, "source.db")
	if err := seedAccounts(ctx, src, boundaryRows); err != nil {
		return callFigures{}, err
	}
	var best callFigures
	for run := range boundaryRuns {
		dst := filepath.Join(dir, fmt.Sprintf("target-%d.db", run))
		if err := seedAccounts(ctx, dst, 0); err != nil {
			return callFigures{}, err
		}
		read, err := timeRead(ctx, newConn(), src)
		if err != nil {
			return callFigures{}, fmt.Errorf("read: %w", err)
		}
		write, err := timeWrite(ctx, newConn(), dst)
		if err != nil {
			return callFigures{}, fmt.Errorf("write: %w", err)
		}
		if run == 0 || read < best.read {
			best.read = read
		}
		if run == 0 || write < best.write {
			best.write = write
		}
	}
	return best, nil
}

func settingsFor(path string) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{"driver": "sqlite", "dsn": path, "tables": map[string]any{
		"accounts": map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "is_deleted"}}})
	return raw
}

func timeRead(ctx context.Context, c connectors.Connector, path string) (time.Duration, error) {
	defer c.Close()
	if err := c.Configure(ctx, settingsFor(path)); err != nil {
		return 0, err
	}
	start, cursor, n := time.Now(), "", 0
	for {
		page, err := c.Read(ctx, connectors.ReadRequest{Entity: "accounts", Cursor: cursor, Limit: readPage})
		if err != nil {
			return 0, err
		}
		n += len(page.Records)
		cursor = page.NextCursor
		if !page.More {
			break
		}
	}
	if n < boundaryRows {
		return 0, fmt.Errorf("read %d records, want %d", n, boundaryRows)
	}
	return time.Since(start), nil
}

func timeWrite(ctx context.Context, c connectors.Connector, path string) (time.Duration, error) {
	defer c.Close()
	if err := c.Configure(ctx, settingsFor(path)); err != nil {
		return 0, err
	}
	start := time.Now()
	for lo := 0; lo < boundaryRows; lo += writeBatch {
		ops := make([]connectors.WriteOp, 0, writeBatch)
		for i := lo; i < min(lo+writeBatch, boundaryRows); i++ {
			ops = append(ops, connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: fmt.Sprintf("g-%07d", i), Fields: accountFields(i)})
		}
		resp, err := c.Write(ctx, connectors.WriteRequest{Entity: "accounts", Ops: ops})
		if err != nil {
			return 0, err
		}
		for _, r := range resp.Results {
			if r.Err != nil {
				return 0, r.Err
			}
		}
	}
	return time.Since(start), nil
}

// accountFields is a customer as a CRM holds it, Chinese and English alike.
func accountFields(i int) map[string]any {
	return map[string]any{
		"account_name": fmt.Sprintf("深圳市示例科技有限公司 %d", i), "contact_name": fmt.Sprintf("Contact %d", i),
		"email": fmt.Sprintf("buyer-%d@example.com", i), "phone": fmt.Sprintf("+86 138 %04d %04d", i/10000, i%10000),
		"tax_id": fmt.Sprintf("91440300MA5%07d", i), "city": "深圳",
	}
}

// seedAccounts creates an accounts table at path holding n records, in one transaction.
func seedAccounts(ctx context.Context, path string, n int) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, boundaryTable); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`)
	if err != nil {
		return err
	}
	at := time.Now().Add(-time.Hour).UTC()
	for i := range n {
		f := accountFields(i)
		if _, err := stmt.ExecContext(ctx, fmt.Sprintf("A-%07d", i), f["account_name"], f["contact_name"], f["email"],
			f["phone"], f["tax_id"], f["city"], at.Add(time.Duration(i)*time.Microsecond).Format("2006-01-02T15:04:05.000000Z")); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// boundaryHost is a plugin host whose sqltable is this executable re-executed as
// `connector serve sqltable`, as the accord binary runs its built-ins.
func boundaryHost() (*plugins.Host, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	launches, err := plugins.Builtins(exe, builtins.Names())
	if err != nil {
		return nil, err
	}
	return plugins.NewHost(launches, plugins.Options{})
}

// boundarySection measures the connector calls in process and through the plugin boundary.
func boundarySection(ctx context.Context, dir string) (string, error) {
	host, err := boundaryHost()
	if err != nil {
		return "", err
	}
	defer host.Close()
	in, err := measureCalls(ctx, filepath.Join(dir, "in"), builtins["sqltable"])
	if err != nil {
		return "", fmt.Errorf("in process: %w", err)
	}
	out, err := measureCalls(ctx, filepath.Join(dir, "out"), host.Factory("sqltable"))
	if err != nil {
		return "", fmt.Errorf("through the plugin boundary: %w", err)
	}
	rate := func(d time.Duration) float64 { return boundaryRows / d.Seconds() }
	cost := func(in, out time.Duration) string { // throughput lost to the boundary
		return fmt.Sprintf("%.0f %%", (1-in.Seconds()/out.Seconds())*100)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Connector calls: in process and through the plugin boundary\n\n")
	fmt.Fprintf(&b, "sqltable on SQLite, %d customer records of 7 fields: a full read in pages of %d, and as many creates\n", boundaryRows, readPage)
	fmt.Fprintf(&b, "in write batches of %d. In process the worker calls the connector directly; through the boundary it\n", writeBatch)
	fmt.Fprintf(&b, "calls the same connector in a `connector serve sqltable` process over gRPC with mutual TLS, as `accord`\n")
	fmt.Fprintf(&b, "runs every connector. Best of %d runs each.\n\n", boundaryRuns)
	fmt.Fprintf(&b, "| call | in process | through the boundary | throughput lost |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| read | %.0f records/s | %.0f records/s | %s |\n", rate(in.read), rate(out.read), cost(in.read, out.read))
	fmt.Fprintf(&b, "| write (create) | %.0f records/s | %.0f records/s | %s |\n\n", rate(in.write), rate(out.write), cost(in.write, out.write))
	perPage := func(in, out time.Duration) time.Duration { return (out - in) / (boundaryRows / 1000) }
	fmt.Fprintf(&b, "The boundary adds %s per 1,000 records read and %s per 1,000 written: encoding the fields as JSON\n",
		perPage(in.read, out.read).Round(100*time.Microsecond), perPage(in.write, out.write).Round(100*time.Microsecond))
	fmt.Fprintf(&b, "text on one side and decoding them on the other (a hand-written codec for flat records, 3x faster than\n")
	fmt.Fprintf(&b, "encoding/json), protobuf, TLS and a context switch between two processes on two cores. Against the\n")
	fmt.Fprintf(&b, "store's work on the same records (next section) it is small.\n\n")
	return b.String(), nil
}

// syncSection runs the same demo sync in process and through the plugin boundary.
func syncSection(ctx context.Context, dir string, companies int) (string, error) {
	host, err := boundaryHost()
	if err != nil {
		return "", err
	}
	defer host.Close()
	in, err := pipeline(ctx, filepath.Join(dir, "sync-in"), companies, builtins)
	if err != nil {
		return "", fmt.Errorf("in process: %w", err)
	}
	out, err := pipeline(ctx, filepath.Join(dir, "sync-out"), companies, host.Registry())
	if err != nil {
		return "", fmt.Errorf("through the plugin boundary: %w", err)
	}
	rows := in.rows()
	var b strings.Builder
	fmt.Fprintf(&b, "## The same sync in process and through the plugin boundary\n\n")
	fmt.Fprintf(&b, "The demo pipeline at %d companies (%d source records), once with the connectors called in process\n", companies, rows)
	fmt.Fprintf(&b, "and once, as `accord demo` runs, with each in its own plugin process.\n\n")
	fmt.Fprintf(&b, "| connectors | time to converge | end-to-end throughput |\n|---|---|---|\n")
	for _, r := range []struct {
		what string
		rep  *result
	}{{"in process", in}, {"plugin processes", out}} {
		fmt.Fprintf(&b, "| %s | %s | %.0f source records/s |\n", r.what, r.rep.Report.ConvergedIn.Round(100*time.Millisecond), float64(rows)/r.rep.Report.ConvergedIn.Seconds())
	}
	fmt.Fprintf(&b, "\nThroughput lost to the boundary end to end: %.1f %% (the goal is at most 15 %%).\n\n",
		(1-in.Report.ConvergedIn.Seconds()/out.Report.ConvergedIn.Seconds())*100)
	return b.String(), nil
}

func parseSections(list string) ([]string, error) {
	if list == "" || list == "all" {
		return sections, nil
	}
	var out []string
	for _, s := range strings.Split(list, ",") {
		if !slices.Contains(sections, s) {
			return nil, fmt.Errorf("unknown section %q (have %s)", s, strings.Join(sections, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}
