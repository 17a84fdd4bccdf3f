package tryton_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the CRM and finance systems are SQLite files

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/connectors/tryton"
	"github.com/accord-mdm/accord/connectors/tryton/trytontest"
	"github.com/accord-mdm/accord/plugins"
	"github.com/accord-mdm/accord/runner"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/workflows"
)

var builtins = connectors.Registry{"sqltable": sqltable.New, "tryton": tryton.New}

// TestMain serves the built-in connectors when re-executed as a plugin, and starts Tryton.
func TestMain(m *testing.M) {
	plugins.ServeIfLaunched(builtins)
	trytontest.Main(m)
}

const entity = "customer"

// example is this directory's configuration running against a fresh Tryton database and
// fresh CRM and finance files, every connector in a plugin process.
type example struct {
	node   *runner.Node
	tryton *trytontest.Client
	dir    string
}

func startExample(t *testing.T, ctx context.Context, before func(e *example)) *example {
	t.Helper()
	srv := trytontest.Get(t)
	db := srv.NewDatabase(t)
	dir := t.TempDir()
	t.Setenv("ACCORD_EXAMPLE_DIR", dir)
	t.Setenv("TRYTON_URL", srv.URL(db))
	t.Setenv("TRYTON_USER", "admin")
	t.Setenv("TRYTON_PASSWORD", "admin")
	for _, name := range []string{"crm", "finance"} {
		schema, err := os.ReadFile(name + ".sql")
		if err != nil {
			t.Fatal(err)
		}
		execSQL(t, filepath.Join(dir, name+".db"), string(schema))
	}
	e := &example{tryton: trytontest.Admin(t, srv.URL(db)), dir: dir}
	before(e)

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	launches, err := plugins.Builtins(exe, builtins.Names())
	if err != nil {
		t.Fatal(err)
	}
	host, err := plugins.NewHost(launches, plugins.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close() })
	e.node, err = runner.Start(ctx, runner.Options{DataDir: filepath.Join(dir, "accord"), ConfigDir: ".", Worker: true,
		Connectors: host.Registry(), FrontendPort: freePort(t), UIPort: freePort(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.node.Stop)
	if err := e.node.StartWorkflows(ctx, true); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestExample syncs Tryton with the CRM and the finance system: customers created and edited
// in Tryton reach the other systems, an edit in the CRM reaches Tryton, a party deleted in
// Tryton is unlinked, and once settled nothing is written again (no ping-pong).
func TestExample(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs an embedded Temporal server and Tryton")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()
	var first string
	e := startExample(t, ctx, func(e *example) {
		first = e.createParty(t, "Hangzhou Lakeside Trading Co., Ltd.", "sales@lakeside.example", "Hangzhou")
		execSQL(t, filepath.Join(e.dir, "crm.db"), `INSERT INTO accounts (id, account_name, email, phone, city, updated_at)
			VALUES ('crm-1', 'Beijing North Star Ltd.', 'info@northstar.example', '+86 10 5555 0101', 'Beijing', '2026-01-01T00:00:00.000000Z')`)
	})
	e.settle(t, ctx)

	// 1. The Tryton party reached the golden store, the CRM and finance.
	crmID := e.linked(t, ctx, "tryton", first, "crm")
	finID := e.linked(t, ctx, "tryton", first, "finance")
	if got := queryOne(t, e.dir, "crm", "SELECT email FROM accounts WHERE id = ?", crmID); got != "sales@lakeside.example" {
		t.Errorf("CRM account %s email %q", crmID, got)
	}
	// 2. The CRM-only customer was created in Tryton.
	northStar := e.linked(t, ctx, "crm", "crm-1", "tryton")
	if got := e.partyField(t, northStar, "email"); got != "info@northstar.example" {
		t.Errorf("Tryton party %s email %q, want the CRM's", northStar, got)
	}

	// 3. An address edit in Tryton (which leaves the party's write_date alone) reaches finance
	// and the CRM; a party created in Tryton while running reaches both.
	addr := e.firstChild(t, first, "addresses")
	e.tryton.Model(t, "party.address", "write", nil, []any{addr}, map[string]any{"city": "Ningbo", "street": "8 Harbour Road"})
	second := e.createParty(t, "Suzhou Canal Works", "hello@canal.example", "Suzhou")
	// Quiet alone does not say the edits were read: wait for their effects, then for quiet.
	eventually(t, "the Tryton address edit reaches finance and the CRM", func() bool {
		return queryOne(t, e.dir, "finance", "SELECT city || '|' || street FROM billing_accounts WHERE id = ?", finID) == "Ningbo|8 Harbour Road" &&
			queryOne(t, e.dir, "crm", "SELECT city FROM accounts WHERE id = ?", crmID) == "Ningbo"
	})
	eventually(t, "the party created in Tryton reaches the CRM and finance", func() bool {
		return e.isLinked(ctx, "tryton", second, "crm") && e.isLinked(ctx, "tryton", second, "finance")
	})
	e.settle(t, ctx)

	// 4. An email edit in the CRM reaches Tryton.
	execSQL(t, filepath.Join(e.dir, "crm.db"), `UPDATE accounts SET email = 'orders@lakeside.example', updated_at = '`+
		time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")+`' WHERE id = '`+crmID+`'`)
	eventually(t, "the CRM email edit reaches Tryton", func() bool {
		return e.partyField(t, first, "email") == "orders@lakeside.example"
	})
	e.settle(t, ctx)

	// 4b. A confirmed sale in Tryton becomes a golden sale fact whose customer is the golden
	// customer of its party (lookup: {xref: customer}), its total exact.
	if got := queryOne(t, e.dir, "crm", "SELECT lifecycle || '/' || tier FROM accounts WHERE id = ?", crmID); got != "potential/low" {
		t.Errorf("before any sale the CRM holds %q for the customer, want potential/low", got)
	}
	sale, _ := trytontest.ConfirmedSale(t, e.tryton, first, "2")
	customer := e.goldenOf(t, ctx, "tryton", "customer", first)
	eventually(t, "the Tryton sale becomes a golden fact of its customer", func() bool {
		x, err := e.node.Store.Read().GetXref(ctx, "tryton", "sale", sale)
		if err != nil {
			return false
		}
		g, err := e.node.Store.Read().GetGolden(ctx, x.GoldenID)
		if err != nil {
			return false
		}
		f, _ := g.Fields()
		return f["customer"] == customer && f["total"] == "226.00" && f["currency"] == "CNY"
	})
	// …and classifies it: the CRM, which held it as a potential customer, now shows it active.
	eventually(t, "the sale makes the customer active in the CRM", func() bool {
		return queryOne(t, e.dir, "crm", "SELECT lifecycle || '/' || tier FROM accounts WHERE id = ?", crmID) == "active/low"
	})

	// 5. A party deleted in Tryton is unlinked (delete_policy: unlink): its golden customer
	// and the other systems' records stay.
	x, err := e.node.Store.Read().GetXref(ctx, "tryton", entity, second)
	if err != nil {
		t.Fatal(err)
	}
	e.tryton.Model(t, "party.party", "delete", nil, []any{json.Number(second)})
	// Nothing is pushed for an unlink, so quiet alone does not say the deletion was read.
	eventually(t, "the deleted party's xref is marked deleted", func() bool {
		x2, err := e.node.Store.Read().GetXref(ctx, "tryton", entity, second)
		return err == nil && x2.Deleted
	})
	e.settle(t, ctx)
	if _, err := e.node.Store.Read().XrefIn(ctx, x.GoldenID, "crm", entity); err != nil {
		t.Errorf("the golden customer of the deleted party lost its CRM record: %v", err)
	}

	// 6. Settled means settled: no writes and no Tryton changes over several polls.
	before := e.writes(t, ctx)
	mark := e.latestPartyChange(t)
	time.Sleep(6 * time.Second)
	e.settle(t, ctx)
	if after := e.writes(t, ctx); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("writes after settling: %v, then %v (ping-pong)", before, after)
	}
	if now := e.latestPartyChange(t); now != mark {
		t.Errorf("Tryton parties changed after settling: %s, then %s", mark, now)
	}
	st, _ := e.node.Store.Read().Stats(ctx, entity)
	t.Logf("golden %d, xrefs %v, writes %v, quarantined %v", st.Golden, st.Xrefs, st.Writes, st.Quarantined)
	if n := st.Outbox[store.OutboxFailed]; n > 0 {
		t.Errorf("%d pushes failed", n)
	}
}

// goldenOf is the golden ID of a system's record of entity.
func (e *example) goldenOf(t *testing.T, ctx context.Context, system, ent, id string) string {
	t.Helper()
	x, err := e.node.Store.Read().GetXref(ctx, system, ent, id)
	if err != nil {
		t.Fatalf("%s %s %s: %v", system, ent, id, err)
	}
	return x.GoldenID
}

// settle signals every sync and waits until the store is quiet.
func (e *example) settle(t *testing.T, ctx context.Context) {
	t.Helper()
	sources := e.node.Config.Sources(entity)
	for _, s := range sources {
		_ = e.node.Client.SignalWorkflow(ctx, workflows.SyncWorkflowID(s, entity), "", workflows.SignalSyncNow, nil)
	}
	deadline := time.Now().Add(3 * time.Minute)
	time.Sleep(1500 * time.Millisecond) // let the polls that the change needs start
	for {
		quiet, err := e.node.Store.Read().Quiet(ctx, entity, sources)
		if err != nil {
			t.Fatal(err)
		}
		if quiet {
			return
		}
		if time.Now().After(deadline) {
			st, _ := e.node.Store.Read().Stats(ctx, entity)
			t.Fatalf("not quiet after 3 minutes: %+v", st)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// eventually waits up to two minutes (a loaded CI machine under -race) for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after two minutes, still not: %s", what)
		}
	}
}

// isLinked reports whether record id of system from has a golden customer with a record in to.
func (e *example) isLinked(ctx context.Context, from, id, to string) bool {
	x, err := e.node.Store.Read().GetXref(ctx, from, entity, id)
	if err != nil {
		return false
	}
	_, err = e.node.Store.Read().XrefIn(ctx, x.GoldenID, to, entity)
	return err == nil
}

// linked returns the external ID in system to of the golden customer of record id in from.
func (e *example) linked(t *testing.T, ctx context.Context, from, id, to string) string {
	t.Helper()
	x, err := e.node.Store.Read().GetXref(ctx, from, entity, id)
	if err != nil {
		t.Fatalf("%s record %s is not linked to a golden customer: %v", from, id, err)
	}
	y, err := e.node.Store.Read().XrefIn(ctx, x.GoldenID, to, entity)
	if err != nil {
		t.Fatalf("golden customer %s (from %s %s) has no %s record: %v", x.GoldenID, from, id, to, err)
	}
	return y.ExternalID
}

func (e *example) writes(t *testing.T, ctx context.Context) map[string]map[string]int64 {
	st, err := e.node.Store.Read().Stats(ctx, entity)
	if err != nil {
		t.Fatal(err)
	}
	return st.Writes
}

// createParty creates a party in Tryton as a user would, with an address and an email.
func (e *example) createParty(t *testing.T, name, email, city string) string {
	t.Helper()
	var ids []json.Number
	e.tryton.Model(t, "party.party", "create", &ids, []any{map[string]any{"name": name,
		"addresses":          []any{[]any{"create", []any{map[string]any{"street": "1 Main Street", "city": city, "postal_code": "310000"}}}},
		"contact_mechanisms": []any{[]any{"create", []any{map[string]any{"type": "email", "value": email}}}},
	}})
	return ids[0].String()
}

func (e *example) firstChild(t *testing.T, party, field string) json.Number {
	t.Helper()
	var rows []map[string]any
	e.tryton.Model(t, "party.party", "read", &rows, []any{json.Number(party)}, []string{field})
	ids, _ := rows[0][field].([]any)
	if len(ids) == 0 {
		t.Fatalf("party %s has no %s", party, field)
	}
	return ids[0].(json.Number)
}

func (e *example) partyField(t *testing.T, party, field string) string {
	t.Helper()
	var rows []map[string]any
	e.tryton.Model(t, "party.party", "read", &rows, []any{json.Number(party)}, []string{field})
	s, _ := rows[0][field].(string)
	return s
}

// latestPartyChange is the latest write or create time of any party, address or contact.
func (e *example) latestPartyChange(t *testing.T) string {
	t.Helper()
	var out string
	for _, model := range []string{"party.party", "party.address", "party.contact_mechanism", "party.identifier"} {
		for _, f := range []string{"write_date", "create_date"} {
			var rows []map[string]any
			e.tryton.Model(t, model, "search_read", &rows, []any{[]any{f, "!=", nil}}, 0, 1, [][]string{{f, "DESC"}}, []string{f})
			if len(rows) == 1 {
				b, _ := json.Marshal(rows[0][f])
				out += model + "." + f + "=" + string(b) + " "
			}
		}
	}
	return out
}

func execSQL(t *testing.T, path, stmts string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), stmts); err != nil {
		t.Fatalf("%s: %v", stmts, err)
	}
}

func queryOne(t *testing.T, dir, system, query string, args ...any) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, system+".db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s sql.NullString
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s.String
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
