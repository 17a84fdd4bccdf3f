package main

import (
	"context"
	"database/sql"
	"fmt"

	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	_ "modernc.org/sqlite"

	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/runner"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/workflows"
)

// TestReviewMergeReachesEverySystem runs a worker on a real embedded Temporal server over three
// SQLite systems. The finance system's 华为科技 scores between the thresholds against the ERP's
// 华为技术: a review case opens, its workflow starts, and the record is created in no other
// system while held. `accord review show` lists each record's values to pick from; a pick of a
// system without a value is refused before anything is sent, and one that reaches the workflow
// fails it without deciding, so that the next decision starts it anew. `accord review merge
// --pick name=crm` decides it: the golden record takes the CRM's name although the ERP ranks
// first, it reaches the finance record and the ERP's, and neither the CRM nor the ERP ever gets
// a duplicate. Unmerged again, each half reaches every system; the CRM's name stays picked.
func TestReviewMergeReachesEverySystem(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs an embedded Temporal server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	at := time.Now().UTC().Add(-time.Minute).Format("2006-01-02T15:04:05.000000Z")
	dbs := map[string]string{}
	for sys, row := range map[string]string{
		"erp":     `('E-1', '深圳市华为技术有限公司', '深圳', '` + at + `')`,
		"crm":     `('C-1', '华为技术（深圳）有限公司', '深圳', '` + at + `')`,
		"finance": "", // F-2 arrives once the others are read: the record scored is the finance one
	} {
		dbs[sys] = filepath.Join(dir, sys+".db")
		sqliteExec(t, dbs[sys], `CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, city TEXT, updated_at TEXT NOT NULL)`)
		if row != "" {
			sqliteExec(t, dbs[sys], `INSERT INTO customers VALUES `+row)
		}
	}
	files := map[string]string{"golden/customer.yaml": `entity: customer
fields: {name: {}, city: {}}
match:
  blocking:
    - {kind: name2, of: [{field: name, use: company_name_key, length: 2}]}
  rules:
    - {field: name, compare: company_name, weight: 0.7}
    - {field: city, compare: text, weight: 0.3}
survivorship:
  source_priority: [erp, finance, crm]
`}
	for sys, db := range dbs {
		files["systems/"+sys+".yaml"] = `connector: sqltable
settings: {driver: sqlite, dsn: ` + db + `, tables: {customers: {key: id, updated_at: updated_at}}}
entities:
  customer:
    object: customers
    poll_interval: 200ms
    push_interval: 200ms
    fields:
      - {golden: name, from: name}
      - {golden: city, from: city}
`
	}
	cfgDir := configtest.Dir(t, files)
	database := filepath.Join(dir, "accord.db")
	port, _ := strconv.Atoi(freePort(t))
	node, err := runner.Start(ctx, runner.Options{DataDir: dir, Database: database, Ephemeral: true, FrontendPort: port, UIPort: -1,
		ConfigDir: cfgDir, Worker: true, Connectors: connectors.Registry{"sqltable": sqltable.New}})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Stop()
	if err := node.StartWorkflows(ctx, true); err != nil {
		t.Fatal(err)
	}

	waitFor(ctx, t, "the ERP and the CRM read", func() bool {
		for _, sys := range []string{"erp", "crm"} {
			c, err := node.Store.Read().GetCursor(ctx, sys, "customer")
			if err != nil || c.RecordsRead == 0 || !c.CaughtUp {
				return false
			}
		}
		return true
	})
	sqliteExec(t, dbs["finance"], `INSERT INTO customers VALUES ('F-2', '华为科技有限公司', '深圳', '`+
		time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")+`')`)
	var rc store.ReviewCase
	waitFor(ctx, t, "a review case with its workflow started", func() bool {
		cs, err := node.Store.Read().ListReviews(ctx, store.ReviewOpen, 10)
		if err != nil || len(cs) != 1 || !cs[0].WorkflowStarted {
			return false
		}
		rc = cs[0]
		return true
	})
	time.Sleep(2 * time.Second) // pushes run every 200ms: give them time to (wrongly) create the held record
	for _, sys := range []string{"erp", "crm"} {
		if n := countRows(t, dbs[sys]); n != 1 {
			t.Fatalf("%s holds %d customers while finance's is held for review, want 1", sys, n)
		}
	}

	out, err := runAccord(t, "review", "show", fmt.Sprint(rc.ID), "--database", database)
	if err != nil || !strings.Contains(out, "values to pick from") || !strings.Contains(out, "crm:C-1                  华为技术（深圳）有限公司") ||
		!strings.Contains(out, "held       finance:F-2") {
		t.Fatalf("review show: %v\n%s", err, out)
	}
	temporalAddr := fmt.Sprintf("127.0.0.1:%d", port)
	out, err = runAccord(t, "review", "merge", fmt.Sprint(rc.ID), "--pick", "name=hr", "--database", database, "--temporal-address", temporalAddr)
	if err == nil || !strings.Contains(err.Error(), "name=hr: hr holds no value for name") {
		t.Fatalf("review merge --pick name=hr: %v\n%s", err, out)
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: temporalAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bad := workflows.ReviewDecision{Action: master.DecideMerge, By: "x", Picks: []master.Pick{{Field: "city", System: "hr"}}}
	if _, err := workflows.SendDecision(ctx, c, "customer", rc.ID, bad); err == nil || !strings.Contains(err.Error(), "hr holds no value for city") {
		t.Fatalf("a bad pick sent to the workflow: %v", err)
	}

	out, err = runAccord(t, "review", "merge", fmt.Sprint(rc.ID), "--by", "steward@example.com", "--pick", "name=crm",
		"--database", database, "--temporal-address", temporalAddr)
	if err != nil || !strings.Contains(out, fmt.Sprintf("case %d: merge (by steward@example.com), picked name=crm", rc.ID)) {
		t.Fatalf("review merge: %v\n%s", err, out)
	}
	waitFor(ctx, t, "the picked golden name in the finance and ERP records", func() bool {
		return nameOf(t, dbs["finance"], "F-2") == "华为技术（深圳）有限公司" && nameOf(t, dbs["erp"], "E-1") == "华为技术（深圳）有限公司"
	})
	after, err := node.Store.Read().GetReview(ctx, rc.ID)
	if err != nil || after.Status != store.ReviewMerged || after.DecidedBy != "steward@example.com" {
		t.Fatalf("case after the decision: %+v, %v", after, err)
	}
	time.Sleep(time.Second)
	for _, sys := range []string{"erp", "crm"} {
		if n := countRows(t, dbs[sys]); n != 1 {
			t.Fatalf("%s holds %d customers after the merge, want 1", sys, n)
		}
	}
	if out, err := runAccord(t, "review", "merge", fmt.Sprint(rc.ID), "--database", database); err == nil || !strings.Contains(err.Error(), "merged already") {
		t.Fatalf("deciding twice: %v %s", err, out)
	}

	// The steward was wrong: unmerge. The finance record gets its own name back, and its
	// customer is created in the ERP and the CRM; the ERP's customer keeps the CRM's name, picked.
	out, err = runAccord(t, "golden", "unmerge", rc.CandidateID, "--contributor", "finance:F-2", "-f", cfgDir, "--by", "steward@example.com",
		"--database", database)
	if err != nil || !strings.Contains(out, "finance:F-2 split out of "+rc.CandidateID) {
		t.Fatalf("golden unmerge: %v\n%s", err, out)
	}
	waitFor(ctx, t, "both halves in every system", func() bool {
		return nameOf(t, dbs["finance"], "F-2") == "华为科技有限公司" && countRows(t, dbs["erp"]) == 2 && countRows(t, dbs["crm"]) == 2
	})
	if got := nameOf(t, dbs["erp"], "E-1"); got != "华为技术（深圳）有限公司" {
		t.Fatalf("the ERP's own customer is now %q, want the picked CRM name", got)
	}
}

func waitFor(ctx context.Context, t *testing.T, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func sqliteExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func countRows(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM customers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func nameOf(t *testing.T, path, id string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name sql.NullString
	_ = db.QueryRow(`SELECT name FROM customers WHERE id = ?`, id).Scan(&name)
	return name.String
}

// TestPad: Chinese and Latin values take the same columns.
func TestPad(t *testing.T) {
	for _, tc := range []struct{ in, want string }{{"佛山市", "佛山市    "}, {"Acme", "Acme      "}, {"ＡＢ", "ＡＢ      "}, {"0123456789AB", "0123456789AB"}} {
		if got := pad(tc.in, 10); got != tc.want {
			t.Errorf("pad(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
