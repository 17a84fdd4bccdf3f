// Package sqltabletest is the acceptance harness of the sqltable connector: fresh accounts
// tables in SQLite files or in PostgreSQL schemas (each with a login role of its own), and the
// edits and failures a user or the database would cause behind the connector's back. Both the
// in-process test of sqltable and the plugin boundary's tests run the suite with it.
package sqltabletest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq"  // the harness reaches the systems behind the connector's back
	_ "modernc.org/sqlite" // likewise

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
)

// Entity is the entity (table) the harness's systems hold.
const Entity = "accounts"

const entity = Entity

// The accounts table: a column for every kind of value fields writes.
const (
	accountsSQLite = `CREATE TABLE %s (id TEXT PRIMARY KEY, name TEXT, email TEXT, score INTEGER,
		amount NUMERIC, active BOOLEAN, updated_at TEXT, is_deleted INTEGER NOT NULL DEFAULT 0)`
	accountsPostgres = `CREATE TABLE %s (id TEXT PRIMARY KEY, name TEXT, email TEXT, score INTEGER,
		amount NUMERIC(12,2), active BOOLEAN, updated_at TIMESTAMPTZ, is_deleted BOOLEAN NOT NULL DEFAULT false)`
)

var accountsTable = map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "is_deleted"}

// fields is a valid accounts row for record i; amounts have the two decimals NUMERIC(12,2)
// keeps, so they read back as written.
func fields(i int) map[string]any {
	return map[string]any{
		"name": fmt.Sprintf("Customer %d", i), "email": fmt.Sprintf("customer-%d@example.com", i),
		"score": i, "amount": json.Number(fmt.Sprintf("%d.25", i)), "active": i%2 == 0,
	}
}

// Database is one database the suite runs on and the systems (accounts tables) made in it.
type Database struct {
	driver   string
	adminURL string // PostgreSQL: ACCORD_TEST_DATABASE_URL
	noRoles  string // PostgreSQL: why systems share the admin login, "" when each has a role
	mu       sync.Mutex
	systems  map[string]*system // by the dsn of their settings
}

// system is one fresh accounts table and how to reach it behind the connector's back.
type system struct {
	adminDSN string
	table    string // quoted, schema-qualified on PostgreSQL
	schema   string // PostgreSQL: the system's own schema
	role     string // PostgreSQL: the connector's login role, "" if none
}

// SQLite is a database of SQLite files, one per system.
func SQLite() *Database {
	return &Database{driver: "sqlite", systems: map[string]*system{}}
}

// Postgres connects to ACCORD_TEST_DATABASE_URL (default: the local server's database test).
// An unreachable server skips t, except in CI (CI=true), where it fails it; so does a user that
// may not create roles, without which the harness cannot make the connector fail with Auth or
// RateLimited.
func Postgres(t testing.TB) *Database {
	d := &Database{driver: "postgres", adminURL: os.Getenv("ACCORD_TEST_DATABASE_URL"), systems: map[string]*system{}}
	if d.adminURL == "" {
		d.adminURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("postgres", d.adminURL)
	if err == nil {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var mayCreateRoles bool
		err = db.QueryRowContext(ctx, `SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user`).Scan(&mayCreateRoles)
		if u, perr := url.Parse(d.adminURL); perr != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			d.noRoles = "ACCORD_TEST_DATABASE_URL is not a postgres:// URL, so the harness cannot log in as another role"
		} else if !mayCreateRoles {
			d.noRoles = "the user of ACCORD_TEST_DATABASE_URL may not create roles"
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable (ACCORD_TEST_DATABASE_URL): %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set ACCORD_TEST_DATABASE_URL; CI=true makes this fail): %v", err)
	}
	if d.noRoles != "" && os.Getenv("CI") == "true" {
		t.Fatalf("%s: the suite needs a role per system", d.noRoles)
	}
	return d
}

// Harness is the suite's harness for sqltable on d, with connectors from newConn
// (sqltable.New in process, or a plugin host's factory).
func (d *Database) Harness(t testing.TB, newConn func(testing.TB) connectors.Connector) acceptance.Harness {
	valid := d.settings(t) // a real table for the settings that name missing ones
	var s struct{ DSN string }
	if err := json.Unmarshal(valid, &s); err != nil {
		t.Fatal(err)
	}
	return acceptance.Harness{
		New:             newConn,
		Settings:        d.settings,
		InvalidSettings: invalidSettings(d.driver, s.DSN),
		Entity:          entity,
		Seed:            d.seed,
		Touch:           d.touch,
		Fields:          fields,
		UnknownField:    "favourite_colour",
		Fail:            d.fail,
		FailKinds:       d.failKinds(),
	}
}

// invalidSettings are settings Configure must reject, dsn reaching a real accounts table.
func invalidSettings(driver, dsn string) []json.RawMessage {
	tables := func(ts map[string]string) map[string]any { return map[string]any{entity: ts} }
	cases := []map[string]any{
		{"driver": "mysql", "dsn": dsn, "tables": tables(accountsTable)},
		{"driver": driver, "tables": tables(accountsTable)},
		{"driver": driver, "dsn": dsn},
		{"driver": driver, "dsn": dsn, "tables": tables(accountsTable), "extra": true},
		{"driver": driver, "dsn": dsn, "overlap": "-1s", "tables": tables(accountsTable)},
		{"driver": driver, "dsn": dsn, "tables": map[string]any{"acc_no_such_table": accountsTable}},
		{"driver": driver, "dsn": dsn, "tables": tables(map[string]string{"key": "nope", "updated_at": "updated_at"})},
		{"driver": driver, "dsn": dsn, "tables": tables(map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "gone"})},
	}
	if driver == "postgres" {
		cases = append(cases, map[string]any{"driver": driver, "dsn": dsn, "tables": tables(map[string]string{"key": "id", "updated_at": "name"})})
	}
	out := []json.RawMessage{json.RawMessage(`not json`)}
	for _, c := range cases {
		raw, _ := json.Marshal(c) // maps of strings always marshal
		out = append(out, raw)
	}
	return out
}

// settings makes a fresh, empty accounts table, removed at t's cleanup, and returns settings
// for it: a new SQLite file, or a new PostgreSQL schema with a login role of its own.
func (d *Database) settings(t testing.TB) json.RawMessage {
	t.Helper()
	var dsn string
	sys := &system{}
	if d.driver == "sqlite" {
		dsn = filepath.Join(t.TempDir(), "accord.db")
		sys.adminDSN, sys.table = "file:"+dsn+"?_pragma=busy_timeout(5000)", `"accounts"`
		d.exec(t, sys, fmt.Sprintf(accountsSQLite, sys.table))
	} else {
		name := "acc_" + randomHex(t)
		sys.adminDSN, sys.schema, sys.table = d.adminURL, name, fmt.Sprintf(`"%s"."accounts"`, name)
		t.Cleanup(func() { // the schema with everything in it, then the role
			d.run(t.Errorf, sys, fmt.Sprintf(`DROP SCHEMA IF EXISTS "%s" CASCADE`, name))
			if sys.role != "" {
				d.run(t.Errorf, sys, fmt.Sprintf(`DROP ROLE IF EXISTS "%s"`, sys.role))
			}
		})
		d.exec(t, sys, fmt.Sprintf(`CREATE SCHEMA "%s"`, name), fmt.Sprintf(accountsPostgres, sys.table))
		dsn = d.postgresDSN(t, sys, name)
	}
	d.mu.Lock()
	d.systems[dsn] = sys
	d.mu.Unlock()
	t.Cleanup(func() {
		d.mu.Lock()
		delete(d.systems, dsn)
		d.mu.Unlock()
	})
	raw, err := json.Marshal(map[string]any{"driver": d.driver, "dsn": dsn, "tables": map[string]any{entity: accountsTable}})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// postgresDSN creates the system's login role, where the test user may, and returns the DSN
// of the connector: that role, with the system's schema as its search_path.
func (d *Database) postgresDSN(t testing.TB, sys *system, schema string) string {
	if d.noRoles == "" {
		sys.role = schema
		d.exec(t, sys,
			fmt.Sprintf(`CREATE ROLE "%[1]s" LOGIN PASSWORD '%[1]s'`, schema),
			fmt.Sprintf(`GRANT USAGE ON SCHEMA "%[1]s" TO "%[1]s"`, schema),
			fmt.Sprintf(`GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO "%s"`, sys.table, schema))
	}
	u, err := url.Parse(d.adminURL)
	if err != nil || u.Scheme == "" { // key=value form
		return d.adminURL + " search_path=" + schema
	}
	if sys.role != "" {
		u.User = url.UserPassword(sys.role, sys.role)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// lookup returns the system that settings reach.
func (d *Database) lookup(t testing.TB, settings json.RawMessage) *system {
	t.Helper()
	var s struct{ DSN string }
	if err := json.Unmarshal(settings, &s); err != nil {
		t.Fatalf("settings: %v", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	sys, ok := d.systems[s.DSN]
	if !ok {
		t.Fatalf("no system for settings %s", settings)
	}
	return sys
}

// open opens an admin handle on the system's database; the caller closes it.
func (d *Database) open(t testing.TB, sys *system) *sql.DB {
	t.Helper()
	db, err := sql.Open(d.driver, sys.adminDSN)
	if err != nil {
		t.Fatalf("open %s: %v", d.driver, err)
	}
	return db
}

// exec runs statements on the system's database behind the connector's back.
func (d *Database) exec(t testing.TB, sys *system, stmts ...string) {
	t.Helper()
	d.run(t.Fatalf, sys, stmts...)
}

// run runs statements, reporting a failure with report: t.Fatalf, or t.Errorf in a cleanup.
func (d *Database) run(report func(string, ...any), sys *system, stmts ...string) {
	db, err := sql.Open(d.driver, sys.adminDSN)
	if err != nil {
		report("open %s: %v", d.driver, err)
		return
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			report("%s: %v", q, err)
			return
		}
	}
}

// mark is the n-th (1-based) placeholder of the driver.
func (d *Database) mark(n int) string {
	if d.driver == "sqlite" {
		return "?"
	}
	return fmt.Sprintf("$%d", n)
}

// ts is a timestamp as the updated_at column takes it: fixed-width UTC text in SQLite.
func (d *Database) ts(at time.Time) any {
	at = at.UTC().Truncate(time.Microsecond)
	if d.driver == "sqlite" {
		return at.Format("2006-01-02T15:04:05.000000Z")
	}
	return at
}

// seed inserts n accounts, 1ms apart an hour ago, in statements of up to 500 rows.
func (d *Database) seed(t testing.TB, settings json.RawMessage, n int) []string {
	t.Helper()
	sys := d.lookup(t, settings)
	db := d.open(t, sys)
	defer db.Close()
	prefix, start := randomHex(t), time.Now().Add(-time.Hour)
	ids := make([]string, n)
	for lo := 0; lo < n; lo += 500 {
		var rows []string
		var args []any
		for i := lo; i < min(lo+500, n); i++ {
			ids[i] = fmt.Sprintf("seed-%s-%05d", prefix, i)
			vals := []any{ids[i], fmt.Sprintf("Seeded %d", i), fmt.Sprintf("seeded-%d@example.com", i), i,
				fmt.Sprintf("%d.25", i), i%2 == 0, d.ts(start.Add(time.Duration(i) * time.Millisecond))}
			marks := make([]string, len(vals))
			for j, v := range vals {
				args = append(args, v)
				marks[j] = d.mark(len(args))
			}
			rows = append(rows, "("+strings.Join(marks, ", ")+")")
		}
		q := fmt.Sprintf("INSERT INTO %s (id, name, email, score, amount, active, updated_at) VALUES %s",
			sys.table, strings.Join(rows, ", "))
		if _, err := db.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	return ids
}

// touch edits an account's name as a user would, moving its updated_at to now.
func (d *Database) touch(t testing.TB, settings json.RawMessage, id string) {
	t.Helper()
	sys := d.lookup(t, settings)
	db := d.open(t, sys)
	defer db.Close()
	q := fmt.Sprintf(`UPDATE %s SET name = name || ' (edited)', updated_at = %s WHERE id = %s`, sys.table, d.mark(1), d.mark(2))
	res, err := db.ExecContext(t.Context(), q, d.ts(time.Now()), id)
	if err != nil {
		t.Fatalf("touch %s: %v", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("touch %s: %d rows, want 1", id, n)
	}
}

// fail makes the next update fail with kind, the way the database itself would fail it.
func (d *Database) fail(t testing.TB, settings json.RawMessage, kind connectors.ErrorKind) {
	t.Helper()
	sys := d.lookup(t, settings)
	sqlite := d.driver == "sqlite"
	switch {
	case kind == connectors.Conflict: // another user deleted the record
		d.exec(t, sys, "DELETE FROM "+sys.table)
	case kind == connectors.Permanent && sqlite: // a rule of the database that no update passes
		d.exec(t, sys, `CREATE TRIGGER acc_rule BEFORE UPDATE ON accounts BEGIN SELECT RAISE(ABORT, 'rejected by rule'); END`)
	case kind == connectors.Permanent:
		d.exec(t, sys, fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT acc_rule CHECK (false) NOT VALID`, sys.table))
	case kind == connectors.Retryable && sqlite: // SQLITE_BUSY once the 5s busy_timeout runs out
		d.holdWriteLock(t, sys)
	case kind == connectors.Retryable: // what a concurrent SERIALIZABLE transaction would cause
		d.exec(t, sys,
			fmt.Sprintf(`CREATE FUNCTION "%s".acc_serialization_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
				RAISE EXCEPTION 'could not serialize access' USING ERRCODE = 'serialization_failure'; END $$`, sys.schema),
			fmt.Sprintf(`CREATE TRIGGER acc_serialization_failure BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION "%s".acc_serialization_failure()`, sys.table, sys.schema))
	case kind == connectors.Auth && sys.role != "": // the login is revoked and the open sessions ended
		d.exec(t, sys, fmt.Sprintf(`ALTER ROLE "%s" NOLOGIN`, sys.role),
			fmt.Sprintf(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%s'`, sys.role))
	case kind == connectors.RateLimited && sys.role != "": // the role's connection quota is used up
		d.exec(t, sys, fmt.Sprintf(`ALTER ROLE "%s" CONNECTION LIMIT 0`, sys.role),
			fmt.Sprintf(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%s'`, sys.role))
	default:
		t.Fatalf("the harness cannot make %s fail with %s (not in FailKinds)", d.driver, kind)
	}
}

// failKinds are the failures the harness can cause: SQLite has no logins and no connection
// quota, so sqltable never returns Auth or RateLimited for it; PostgreSQL has both, given a
// role per system.
func (d *Database) failKinds() []connectors.ErrorKind {
	kinds := []connectors.ErrorKind{connectors.Retryable, connectors.Conflict, connectors.Permanent}
	if d.driver == "postgres" && d.noRoles == "" {
		kinds = append(kinds, connectors.Auth, connectors.RateLimited)
	}
	return kinds
}

// holdWriteLock takes SQLite's write lock until t's cleanup, as a long transaction elsewhere
// would.
func (d *Database) holdWriteLock(t testing.TB, sys *system) {
	t.Helper()
	db := d.open(t, sys)
	conn, err := db.Conn(t.Context())
	if err == nil {
		_, err = conn.ExecContext(t.Context(), "BEGIN IMMEDIATE")
	}
	if err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	t.Cleanup(func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		_ = conn.Close()
		_ = db.Close()
	})
}

func randomHex(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random name: %v", err)
	}
	return hex.EncodeToString(b[:])
}
