package workflows

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/store"
)

// TestLookups runs the sync and push activities over two SQLite systems through the sqltable
// connector. The CRM's accounts hold an owner's user ID and a parent account's ID; the golden
// record keeps the owner's e-mail (looked up in the CRM's users) and the parent's golden ID (a
// cross-reference). Pushed to the ERP, the e-mail becomes the ERP staff member's ID, and the
// golden ID the ERP's ID of the parent, created in the same push.
func TestLookups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	crm, erp := filepath.Join(dir, "crm.db"), filepath.Join(dir, "erp.db")
	at := time.Now().UTC().Add(-time.Minute).Format("2006-01-02T15:04:05.000000Z")
	execSQL(t, crm,
		`CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, updated_at TEXT NOT NULL)`,
		`CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT, owner_id TEXT, parent_id TEXT, updated_at TEXT NOT NULL)`,
		`INSERT INTO users VALUES ('U1', 'Li.Lei@Example.com', '`+at+`'), ('U2', 'han@example.com', '`+at+`')`,
		// A2 refers to A1, read before it (pages are merged last record first): it waits for
		// the rest of the page instead of being quarantined. A3's owner is unknown.
		`INSERT INTO accounts VALUES ('A1', '深圳甲公司', 'U1', NULL, '`+at+`'), ('A2', '深圳乙公司', 'U2', 'A1', '`+at+`'),
		  ('A3', '深圳丙公司', 'U9', NULL, '`+at+`')`)
	execSQL(t, erp,
		`CREATE TABLE staff (id TEXT PRIMARY KEY, mail TEXT, updated_at TEXT NOT NULL)`,
		`CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, owner TEXT, parent TEXT, updated_at TEXT NOT NULL)`,
		`INSERT INTO staff VALUES ('S-7', 'li.lei@example.com', '`+at+`'), ('S-8', 'han@example.com', '`+at+`')`)
	cfgDir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {}\n  owner: {}\n  parent: {}\n" +
			"match:\n  keys:\n    - {kind: name, field: name}\n",
		"systems/crm.yaml": `connector: sqltable
settings: {driver: sqlite, dsn: ` + crm + `, tables: {accounts: {key: id, updated_at: updated_at}, users: {key: id, updated_at: updated_at}}}
entities:
  customer:
    object: accounts
    direction: inbound
    fields:
      - {golden: name, from: name}
      - {golden: owner, from: owner_id, standardize: email, lookup: {object: users, value: email}}
      - {golden: parent, from: parent_id, lookup: {xref: customer}}
`,
		"systems/erp.yaml": `connector: sqltable
settings: {driver: sqlite, dsn: ` + erp + `, tables: {customers: {key: id, updated_at: updated_at}, staff: {key: id, updated_at: updated_at}}}
entities:
  customer:
    object: customers
    direction: outbound
    fields:
      - {golden: name, to: name}
      - {golden: owner, to: owner, lookup: {object: staff, value: mail}}
      - {golden: parent, to: parent, lookup: {xref: customer}}
`,
	})
	cfg, err := config.Load(cfgDir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := &Activities{Store: s, Config: cfg, Connectors: connectors.Registry{"sqltable": sqltable.New}}
	defer a.Close()

	res, err := a.SyncPage(ctx, SyncPageInput{System: "crm", Entity: "customer"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Quarantined != 1 {
		t.Fatalf("sync %+v, want 2 golden records created and A3 quarantined", res.PageResult)
	}
	q, err := s.Read().ListQuarantine(ctx, 10)
	if err != nil || len(q) != 1 || q[0].Error != `crm record A3: field owner: no users row has ID "U9" (lookup of its email)` {
		t.Fatalf("quarantine %+v, %v", q, err)
	}

	// The parent is created in the ERP first; the child's push waits for it (a retry) and then
	// refers to the parent by the ERP's ID.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := a.PushBatch(ctx, PushBatchInput{System: "erp", Entity: "customer"}); err != nil {
			t.Fatal(err)
		}
		rows := queryRows(t, erp, `SELECT c.name, c.owner, COALESCE(p.name, '') FROM customers c LEFT JOIN customers p ON p.id = c.parent ORDER BY c.name`)
		// By code point 乙 sorts before 甲: the child first.
		want := [][3]string{{"深圳乙公司", "S-8", "深圳甲公司"}, {"深圳甲公司", "S-7", ""}}
		if len(rows) == 2 && rows[0][2] != "" {
			if rows[0] != want[0] || rows[1] != want[1] {
				t.Fatalf("erp customers %v, want %v", rows, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("erp customers %v: the child never got its parent", rows)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, st := range stmts {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

func queryRows(t *testing.T, path, query string) [][3]string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out [][3]string
	for rs.Next() {
		var r [3]string
		var owner sql.NullString
		if err := rs.Scan(&r[0], &owner, &r[2]); err != nil {
			t.Fatal(err)
		}
		r[1] = owner.String
		out = append(out, r)
	}
	return out
}
