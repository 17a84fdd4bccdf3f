package plugins_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the tests reach the systems behind the connector
)

// The systems of these tests are SQLite files with one accounts table, reached by sqltable in
// a plugin process and, behind its back, by the test.
const (
	entity        = "accounts"
	accountsTable = `CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT, email TEXT, score INTEGER,
		amount NUMERIC, note TEXT, active BOOLEAN, updated_at TEXT, is_deleted INTEGER NOT NULL DEFAULT 0)`
	tsLayout = "2006-01-02T15:04:05.000000Z"
)

// sqliteSystems makes fresh accounts tables and remembers them by the dsn of their settings.
type sqliteSystems struct {
	mu   sync.Mutex
	dsns map[string]bool
}

// settings makes a fresh SQLite file with an accounts table and returns sqltable settings for
// it, with extra top-level settings merged in (the test plugin's "test" hooks).
func (s *sqliteSystems) settings(t testing.TB, extra map[string]any) json.RawMessage {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "accord.db")
	execSQL(t, dsn, accountsTable)
	s.mu.Lock()
	if s.dsns == nil {
		s.dsns = map[string]bool{}
	}
	s.dsns[dsn] = true
	s.mu.Unlock()
	m := map[string]any{"driver": "sqlite", "dsn": dsn, "tables": map[string]any{
		entity: map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "is_deleted"}}}
	for k, v := range extra {
		m[k] = v
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// dsnOf returns the file that settings reach.
func dsnOf(t testing.TB, settings json.RawMessage) string {
	t.Helper()
	var s struct{ DSN string }
	if err := json.Unmarshal(settings, &s); err != nil || s.DSN == "" {
		t.Fatalf("settings %s: no dsn (%v)", settings, err)
	}
	return s.DSN
}

// open opens the system's database behind the connector's back; closed at t's cleanup.
func open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func execSQL(t testing.TB, dsn string, stmts ...string) {
	t.Helper()
	db := open(t, dsn)
	for _, q := range stmts {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// count returns how many rows of accounts match where.
func count(t testing.TB, dsn, where string) int {
	t.Helper()
	var n int
	if err := open(t, dsn).QueryRowContext(context.Background(), "SELECT count(*) FROM accounts WHERE "+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fields is a valid accounts row for record i.
func fields(i int) map[string]any {
	return map[string]any{"name": fmt.Sprintf("Customer %d", i), "email": fmt.Sprintf("c-%d@example.com", i),
		"score": i, "note": fmt.Sprintf("%d.123456789012345678901234567890", i), "active": i%2 == 0}
}

// seed inserts n accounts, 1ms apart an hour ago, in statements of up to 500 rows.
func seed(t testing.TB, settings json.RawMessage, n int) []string {
	t.Helper()
	db := open(t, dsnOf(t, settings))
	prefix, start := fmt.Sprint(time.Now().UnixNano()), time.Now().Add(-time.Hour)
	ids := make([]string, n)
	for lo := 0; lo < n; lo += 500 {
		var rows []string
		var args []any
		for i := lo; i < min(lo+500, n); i++ {
			ids[i] = fmt.Sprintf("seed-%s-%05d", prefix, i)
			rows = append(rows, "(?, ?, ?, ?, ?)")
			args = append(args, ids[i], fmt.Sprintf("Seeded %d", i), fmt.Sprintf("s-%d@example.com", i), i,
				start.Add(time.Duration(i)*time.Millisecond).UTC().Format(tsLayout))
		}
		q := "INSERT INTO accounts (id, name, email, score, updated_at) VALUES " + strings.Join(rows, ", ")
		if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	return ids
}
