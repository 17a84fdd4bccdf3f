package workflows

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// TestReviewPicksReachEverySystem runs the review workflow with the real activities over three
// SQLite systems. The ERP and the CRM hold one customer (merged by score); the finance system's
// 华为科技 is held for review against it. A merge signal picking a system that holds no city
// fails the workflow and changes nothing; the steward's next decision starts the workflow anew
// and picks the CRM's name, although the ERP ranks first: through the outbox, every system gets
// it.
func TestReviewPicksReachEverySystem(t *testing.T) {
	ctx := context.Background()
	a, dbs := pickSystems(t)
	for _, sys := range []string{"erp", "crm", "finance"} {
		for caught := false; !caught; {
			res, err := a.SyncPage(ctx, SyncPageInput{System: sys, Entity: "customer"})
			if err != nil {
				t.Fatal(err)
			}
			caught = res.CaughtUp
		}
	}
	cases, err := a.Store.Read().ListReviews(ctx, store.ReviewOpen, 10)
	if err != nil || len(cases) != 1 {
		t.Fatalf("open cases %+v, %v; want finance's F-2 held", cases, err)
	}
	rc := cases[0]

	bad := ReviewDecision{Action: master.DecideMerge, By: "alice", Picks: []master.Pick{{Field: "city", System: "hr"}}}
	err = runReview(t, a, rc.ID, bad)
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != errTypeBadDecision || !strings.Contains(err.Error(), "city=hr: hr holds no value for city") {
		t.Fatalf("a pick of a record without a value: %v", err)
	}
	if after, err := a.Store.Read().GetReview(ctx, rc.ID); err != nil || after.Status != store.ReviewOpen {
		t.Fatalf("after a bad pick the case is %+v, %v; want it open", after, err)
	}

	good := ReviewDecision{Action: master.DecideMerge, By: "alice", Picks: []master.Pick{{Field: "name", System: "crm"}}}
	if err := runReview(t, a, rc.ID, good); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		for _, sys := range []string{"erp", "crm", "finance"} {
			if _, err := a.PushBatch(ctx, PushBatchInput{System: sys, Entity: "customer"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for sys, id := range map[string]string{"erp": "E-1", "crm": "C-1", "finance": "F-2"} {
		rows := queryRows(t, dbs[sys], `SELECT id, name, city FROM customers ORDER BY id`)
		if len(rows) != 1 || rows[0] != [3]string{id, "华为技术（深圳）有限公司", "深圳"} {
			t.Errorf("%s customers %v, want %s with the CRM's name", sys, rows, id)
		}
	}
}

// runReview runs case id's workflow with the real activities until decision d is applied.
func runReview(t *testing.T, a *Activities, id int64, d ReviewDecision) error {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ReviewWorkflow, workflow.RegisterOptions{Name: ReviewWorkflowName})
	env.RegisterActivityWithOptions(a.DecideReview, activity.RegisterOptions{Name: DecideReviewActivity})
	env.RegisterActivityWithOptions(a.EscalateReview, activity.RegisterOptions{Name: EscalateReviewActivity})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDecide, d) }, time.Minute)
	env.ExecuteWorkflow(ReviewWorkflowName, ReviewInput{CaseID: id, Entity: "customer", EscalateAfter: 48 * time.Hour})
	if err := env.GetWorkflowError(); err != nil {
		return err
	}
	var got string
	if err := env.GetWorkflowResult(&got); err != nil || got != d.Action {
		t.Fatalf("result %q, %v; want %s", got, err, d.Action)
	}
	return nil
}

// pickSystems is the ERP, the CRM and the finance system as SQLite databases behind the
// sqltable connector, each holding one record of one company.
func pickSystems(t *testing.T) (*Activities, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	at := time.Now().UTC().Add(-time.Minute).Format("2006-01-02T15:04:05.000000Z")
	dbs := map[string]string{}
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
	for sys, row := range map[string]string{
		"erp":     `('E-1', '深圳市华为技术有限公司', '深圳', '` + at + `')`,
		"crm":     `('C-1', '华为技术（深圳）有限公司', '深圳', '` + at + `')`,
		"finance": `('F-2', '华为科技有限公司', '深圳', '` + at + `')`,
	} {
		dbs[sys] = filepath.Join(dir, sys+".db")
		execSQL(t, dbs[sys], `CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, city TEXT, updated_at TEXT NOT NULL)`,
			`INSERT INTO customers VALUES `+row)
		files["systems/"+sys+".yaml"] = `connector: sqltable
settings: {driver: sqlite, dsn: ` + dbs[sys] + `, tables: {customers: {key: id, updated_at: updated_at}}}
entities:
  customer:
    object: customers
    fields:
      - {golden: name, from: name}
      - {golden: city, from: city}
`
	}
	cfg, err := config.Load(configtest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), filepath.Join(dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a := &Activities{Store: s, Config: cfg, Connectors: connectors.Registry{"sqltable": sqltable.New}}
	t.Cleanup(func() { a.Close() })
	return a, dbs
}
