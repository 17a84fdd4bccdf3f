package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/demo/generate"
	"github.com/accord-mdm/accord/plugins"
	"github.com/accord-mdm/accord/store"
)

// TestMain serves the built-in connectors when a command under test starts one as a plugin
// process: the plugin host re-executes this test binary, as it re-executes accord.
func TestMain(m *testing.M) {
	plugins.ServeIfLaunched(builtins())
	os.Exit(m.Run())
}

// TestGoldenLoad loads the demo's three systems into an empty store through the connectors: one
// golden record per company (every copy shares a key), every valid record linked, a push per
// record and target; a second load is refused.
func TestGoldenLoad(t *testing.T) {
	dataDir := t.TempDir()
	truth, err := generate.Generate(context.Background(), generate.Options{Dir: filepath.Join(dataDir, "systems"), Companies: 300, Seed: 3,
		Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ACCORD_DEMO_DIR", filepath.Join(dataDir, "systems"))
	cfgDir := copyDir(t, "../../examples/demo")
	out, err := runAccord(t, "--data-dir", dataDir, "golden", "load", "-f", cfgDir)
	if err != nil {
		t.Fatalf("golden load: %v\n%s", err, out)
	}
	for _, want := range []string{"crm: read", "erp: read", "finance: read", "golden records"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	s, err := store.Open(context.Background(), filepath.Join(dataDir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Read().Stats(context.Background(), "customer")
	if err != nil {
		t.Fatal(err)
	}
	valid := truth.Rows["crm"] + truth.Rows["erp"] + truth.Rows["finance"] - truth.Invalid["crm"]
	linked := st.Xrefs["crm"] + st.Xrefs["erp"] + st.Xrefs["finance"]
	if st.Golden != int64(truth.Companies) || linked != int64(valid) {
		t.Errorf("store holds %d golden records linking %d records, want %d and %d", st.Golden, linked, truth.Companies, valid)
	}
	if st.Outbox["pending"] != 3*st.Golden {
		t.Errorf("%d pending pushes, want one per golden record and system (%d)", st.Outbox["pending"], 3*st.Golden)
	}
	if out, err := runAccord(t, "--data-dir", dataDir, "golden", "load", "-f", cfgDir); err == nil || !strings.Contains(err.Error(), "golden records already") {
		t.Errorf("second load: %v, want a refusal\n%s", err, out)
	}
}
