package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/demo"
	"github.com/accord-mdm/accord/plugins"
	"github.com/accord-mdm/accord/runner"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/store/storetest"
	"github.com/accord-mdm/accord/workflows"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestMain makes the test binary serve its built-in connectors when re-executed as
// `<test binary> connector serve <name>`, as the accord binary does.
func TestMain(m *testing.M) {
	plugins.ServeIfLaunched(builtins)
	os.Exit(m.Run())
}

var builtins = connectors.Registry{"sqltable": sqltable.New}

// TestDemoOnce runs the whole demo on a real embedded Temporal server as `accord demo` does,
// every connector in a plugin process behind the gRPC boundary: generated systems, first sync,
// convergence, the propagated edit — and checks that no customer data entered a workflow
// history.
func TestDemoOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs an embedded Temporal server")
	}
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
	defer host.Close()
	runDemo(t, "", 700, host.Registry(), true)
}

// TestDemoOncePostgres runs the same with the golden store on PostgreSQL and the connectors
// in process.
func TestDemoOncePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs an embedded Temporal server")
	}
	runDemo(t, storetest.PostgresURL(t), 400, builtins, false)
}

// runDemo runs the demo with connectors from conns; boundary says they are plugin processes.
func runDemo(t *testing.T, database string, companies int, conns connectors.Registry, boundary bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var out bytes.Buffer
	var leaked []string
	var served int
	var facts map[string]int64
	rep, err := demo.Run(ctx, demo.Options{
		DataDir: t.TempDir(), Database: database, Companies: companies, Seed: 3, Once: true, Timeout: 5 * time.Minute,
		FrontendPort: freePort(t), UIPort: freePort(t), Out: &out,
		Connectors: conns,
		Inspect: func(ctx context.Context, node *runner.Node) error {
			served = pluginProcesses()
			facts = map[string]int64{}
			for _, e := range []string{"order", "invoice"} {
				st, err := node.Store.Read().Stats(ctx, e)
				if err != nil {
					return err
				}
				for sys, n := range st.Read {
					facts[e+" read from "+sys] = n
				}
				for sys, n := range st.Quarantined {
					facts[e+" quarantined from "+sys] = n
				}
			}
			var err error
			leaked, err = historyLeaks(ctx, node)
			return err
		},
	})
	t.Log(out.String())
	if boundary && served == 0 {
		t.Errorf("no `connector serve` process ran the demo's connectors")
	}
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	s := rep.Stats
	if s.Golden != int64(rep.Truth.Companies) {
		t.Errorf("golden records = %d, want %d (one per real company)", s.Golden, rep.Truth.Companies)
	}
	for sys, n := range rep.Truth.Rows {
		if got := s.Read[sys] + s.Quarantined[sys]; got != int64(n) {
			t.Errorf("%s: %d records read or quarantined, want %d", sys, got, n)
		}
		if s.Quarantined[sys] != int64(rep.Truth.Invalid[sys]) {
			t.Errorf("%s: %d quarantined, want %d", sys, s.Quarantined[sys], rep.Truth.Invalid[sys])
		}
	}
	if s.Writes["finance"]["created"] != 0 {
		t.Errorf("finance has create: false but got %d creates", s.Writes["finance"]["created"])
	}
	if s.Writes["erp"]["created"] == 0 || s.Writes["crm"]["created"] == 0 {
		t.Errorf("expected creates in the CRM and the ERP, got %v", s.Writes)
	}
	if s.Outbox[store.OutboxPending]+s.Outbox[store.OutboxClaimed]+s.Outbox[store.OutboxFailed] != 0 {
		t.Errorf("outbox not drained: %v", s.Outbox)
	}
	if rep.Duplicates != 0 {
		t.Errorf("%d customers held twice by one system", rep.Duplicates)
	}
	if rep.EditPropagate <= 0 || rep.EditedGolden == "" {
		t.Errorf("edit not propagated: %+v", rep)
	}
	// Every order and invoice is read (none quarantined for a customer not linked yet), and
	// every customer of the ERP or the finance system is classified as its transactions were drawn.
	if facts["order read from erp"] != int64(rep.Truth.Orders) || facts["invoice read from finance"] != int64(rep.Truth.Invoices) ||
		facts["order quarantined from erp"]+facts["invoice quarantined from finance"] != 0 {
		t.Errorf("facts %v, want %d orders and %d invoices read, none quarantined", facts, rep.Truth.Orders, rep.Truth.Invoices)
	}
	if c := rep.Classes; c.Checked == 0 || c.Agree != c.Checked {
		t.Errorf("classification agrees with the truth for %d of %d customers: %v", c.Agree, c.Checked, c.Wrong)
	}
	if len(leaked) > 0 {
		t.Errorf("customer data in workflow histories: %v", leaked)
	}
	for _, want := range []string{"Converged in", "golden customers:", "lifecycle  potential", "Temporal UI: http://127.0.0.1:", "phone = +8613900002026"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

// historyLeaks looks for golden field values (names, e-mails, phones, tax IDs) in the histories
// of every Accord workflow, and checks the search attributes are set.
func historyLeaks(ctx context.Context, node *runner.Node) ([]string, error) {
	gs, err := node.Store.Read().ListGolden(ctx, "customer", 300, 0)
	if err != nil {
		return nil, err
	}
	var needles []string
	for _, g := range gs {
		f, err := g.Fields()
		if err != nil {
			return nil, err
		}
		for _, k := range []string{"name", "email", "phone", "tax_id"} {
			if v, ok := f[k].(string); ok && len(v) > 5 {
				needles = append(needles, v)
			}
		}
	}
	needles = append(needles, "+8613900002026")
	var leaks []string
	ids := []string{}
	for _, sys := range node.Config.Sources("customer") {
		ids = append(ids, workflows.SyncWorkflowID(sys, "customer"))
	}
	for _, sys := range node.Config.Targets("customer") {
		ids = append(ids, workflows.PushWorkflowID(sys, "customer"))
	}
	for _, id := range ids {
		it := node.Client.GetWorkflowHistory(ctx, id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		var buf bytes.Buffer
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return nil, err
			}
			b, _ := json.Marshal(ev)
			buf.Write(b)
		}
		if buf.Len() == 0 {
			leaks = append(leaks, id+": empty history")
		}
		h := buf.String()
		for _, n := range needles {
			if strings.Contains(h, n) {
				leaks = append(leaks, id+": "+n)
			}
		}
		desc, err := node.Client.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return nil, err
		}
		sa := desc.WorkflowExecutionInfo.GetSearchAttributes().GetIndexedFields()
		if _, ok := sa["AccordSystem"]; !ok {
			leaks = append(leaks, id+": no AccordSystem search attribute")
		}
	}
	return leaks, nil
}

// pluginProcesses counts the child processes of this test serving a connector.
func pluginProcesses() int {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", os.Getpid()))
	n := 0
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		for _, pid := range strings.Fields(string(raw)) {
			cmd, _ := os.ReadFile("/proc/" + pid + "/cmdline")
			if strings.Contains(string(cmd), "connector\x00serve") {
				n++
			}
		}
	}
	return n
}
