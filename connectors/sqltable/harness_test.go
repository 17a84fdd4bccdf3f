package sqltable

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/accord-mdm/accord/connectors"
)

const defaultTestDatabaseURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// backend is one database under test, with a table name of its own and an admin handle to
// arrange and inspect rows behind the connector's back.
type backend struct {
	driver string
	dsn    string
	db     *sqlx.DB
	table  string
}

// eachBackend runs fn against SQLite and PostgreSQL, in parallel subtests.
func eachBackend(t *testing.T, fn func(t *testing.T, b *backend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, newSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, newPostgres(t))
	})
}

func newSQLite(t *testing.T) *backend {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "test.db")
	db, err := sqlx.Open(driverSQLite, sqliteDSN(dsn))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &backend{driver: driverSQLite, dsn: dsn, db: db, table: uniqueName(t)}
}

// newPostgres connects to ACCORD_TEST_DATABASE_URL. An unreachable server skips the test,
// except in CI, where it fails it.
func newPostgres(t *testing.T) *backend {
	t.Helper()
	dsn := os.Getenv("ACCORD_TEST_DATABASE_URL")
	if dsn == "" {
		dsn = defaultTestDatabaseURL
	}
	db, err := sqlx.Open(driverPostgres, dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable (ACCORD_TEST_DATABASE_URL): %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set ACCORD_TEST_DATABASE_URL; CI=true makes this fail): %v", err)
	}
	b := &backend{driver: driverPostgres, dsn: dsn, db: db, table: uniqueName(t)}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+quoteIdent(b.table))
		_ = db.Close()
	})
	return b
}

func uniqueName(t *testing.T) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random table name: %v", err)
	}
	return "sqltable_" + hex.EncodeToString(b[:])
}

// Standard test table: every kind of column the tests need.
const (
	accountsSQLite = `CREATE TABLE %s (id TEXT PRIMARY KEY, name TEXT, email TEXT UNIQUE, score INTEGER,
		amount NUMERIC(30,10), note TEXT, big BIGINT, active BOOLEAN, updated_at TEXT,
		is_deleted INTEGER NOT NULL DEFAULT 0)`
	accountsPostgres = `CREATE TABLE %s (id TEXT PRIMARY KEY, name TEXT, email TEXT UNIQUE, score INTEGER,
		amount NUMERIC(30,10), note TEXT, big BIGINT, active BOOLEAN, updated_at TIMESTAMPTZ,
		is_deleted BOOLEAN NOT NULL DEFAULT false)`
)

// exec runs a statement on the admin handle, %s being the test table.
func (b *backend) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	q := b.db.Rebind(fmt.Sprintf(query, quoteIdent(b.table)))
	if _, err := b.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("exec %q: %v", q, err)
	}
}

func (b *backend) createAccounts(t *testing.T) {
	t.Helper()
	if b.driver == driverSQLite {
		b.exec(t, accountsSQLite)
	} else {
		b.exec(t, accountsPostgres)
	}
}

// tsArg is how a test writes an updated_at behind the connector's back.
func (b *backend) tsArg(ts time.Time) any {
	if b.driver == driverSQLite {
		return formatTS(ts)
	}
	return ts
}

// insert adds an accounts row directly.
func (b *backend) insert(t *testing.T, id, name string, ts time.Time) {
	t.Helper()
	b.exec(t, `INSERT INTO %s (id, name, updated_at) VALUES (?, ?, ?)`, id, name, b.tsArg(ts))
}

// settings renders connector settings for the test table.
func (b *backend) settings(t *testing.T, table map[string]string) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"driver": b.driver, "dsn": b.dsn, "tables": map[string]any{b.table: table},
	})
	if err != nil {
		t.Fatalf("marshal settings: %v", err)
	}
	return raw
}

var softTable = map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "is_deleted"}

// connector configures a connector for the test table, closed at the end of the test.
func (b *backend) connector(t *testing.T, table map[string]string) *connector {
	t.Helper()
	c := New().(*connector)
	if err := c.Configure(context.Background(), b.settings(t, table)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// readAll reads pages of limit until caught up, returning the records and the final cursor.
func readAll(t *testing.T, c *connector, entity, cursor string, limit int) ([]connectors.Record, string) {
	t.Helper()
	var all []connectors.Record
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatal("readAll: no end after 1000 pages")
		}
		resp, err := c.Read(context.Background(), connectors.ReadRequest{Entity: entity, Cursor: cursor, Limit: limit})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		all = append(all, resp.Records...)
		cursor = resp.NextCursor
		if !resp.More {
			return all, cursor
		}
	}
}

func ids(recs []connectors.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// write runs one op and returns its result, failing on a call error.
func write(t *testing.T, c *connector, entity string, op connectors.WriteOp) connectors.WriteResult {
	t.Helper()
	resp, err := c.Write(context.Background(), connectors.WriteRequest{Entity: entity, Ops: []connectors.WriteOp{op}})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if len(resp.Results) != 1 {
		t.Fatalf("Write: %d results, want 1", len(resp.Results))
	}
	return resp.Results[0]
}

func mustOK(t *testing.T, res connectors.WriteResult) {
	t.Helper()
	if res.Err != nil {
		t.Fatalf("op failed: %v", res.Err)
	}
}

// clock returns a write clock that starts at start and ticks by step on every call.
func clock(start time.Time, step time.Duration) func() time.Time {
	now := start.Add(-step)
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
