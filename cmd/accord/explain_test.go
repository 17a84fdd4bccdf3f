package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// TestGoldenExplainAndHistory merges one customer from the demo's three systems through the real
// ingest (the ERP later clears its city), records the configuration as a worker does, then
// explains the golden record with the recorded rules and with an edited directory, and lists its
// history, as text and as JSON.
func TestGoldenExplainAndHistory(t *testing.T) {
	ctx := context.Background()
	dataDir, cfgDir, cfg, s, engine := demoStore(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	read := func(system, id string, fields map[string]any) {
		t.Helper()
		at = at.Add(time.Minute)
		_, b, err := cfg.Binding(system, "customer")
		if err != nil {
			t.Fatal(err)
		}
		m, err := mapping.Compile(system, "customer", b)
		if err != nil {
			t.Fatal(err)
		}
		recs := []connectors.Record{{ID: id, UpdatedAt: at, Fields: fields}}
		if err := s.InTx(ctx, func(tx *store.Tx) error { _, err := engine.Ingest(ctx, tx, m, system, b, recs, nil); return err }); err != nil {
			t.Fatal(err)
		}
	}
	const taxID = "91440300708461136T"
	read("erp", "E-1", map[string]any{"name": "Acme Co., Ltd.", "tax_no": taxID, "phone": "+86 138 0013 8000", "city": "深圳"})
	read("crm", "C-1", map[string]any{"account_name": "Acme", "tax_id": taxID, "email": "sales@acme.example", "phone": "+86 139 0000 2026", "city": "深圳"})
	read("finance", "F-1", map[string]any{"legal_name": "ACME CO., LTD.", "tax_id": taxID, "billing_email": "ap@acme.example"})
	read("erp", "E-1", map[string]any{"name": "Acme Co., Ltd.", "tax_no": taxID, "phone": "+86 138 0013 8000", "city": nil})
	x, err := s.Read().GetXref(ctx, "erp", "customer", "E-1")
	if err != nil {
		t.Fatal(err)
	}
	id := x.GoldenID
	// As runner.recordConfig stores the configuration a worker runs with.
	content, err := json.Marshal(struct {
		Systems map[string]*config.System `json:"systems"`
		Golden  map[string]*config.Golden `json:"golden"`
	}{cfg.Systems, cfg.Golden})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.SaveConfigVersion(ctx, cfg.Hash, content, at)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()

	run := func(args ...string) string {
		t.Helper()
		out, err := runAccord(t, append([]string{"--data-dir", dataDir}, args...)...)
		if err != nil {
			t.Fatalf("accord %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	out := run("golden", "explain", id)
	for _, want := range []string{
		"rules: configuration version 1 (" + cfg.Hash + "), recorded last by a worker",
		"name = \"Acme Co., Ltd.\"\n  why:   erp E-1 ranks first among the systems holding a value (source priority erp, finance, crm)\n  rules: source_priority [erp finance crm], most_recent\n",
		"phone = \"+8613900002026\"\n  why:   crm C-1 changed it last at 2026-03-01 08:02:00 UTC (most recent)\n",
		"email = \"sales@acme.example\"\n  why:   crm C-1 ranks first among the systems holding a value (source priority crm, finance, erp)\n",
		"city = (cleared)\n  why:   cleared by erp E-1 at 2026-03-01 08:04:00 UTC, which decides this field",
		"contact_name = (none)\n  why:   no linked record holds a value\n",
		"  * erp        E-1          cleared                            2026-03-01 08:04:00 UTC\n",
		"    crm        C-1          \"深圳\"",
		"    finance    F-1          silent\n",
		"  * finance    F-1          \"91440300708461136T\"               2026-03-01 08:03:00 UTC",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NOTE") {
		t.Errorf("explain under the rules the record was computed with flags a stale value:\n%s", out)
	}

	var ex struct {
		Rules  string `json:"rules"`
		ID     string `json:"id"`
		Fields []master.FieldExplanation
	}
	if err := json.Unmarshal([]byte(run("golden", "explain", id, "--json")), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.ID != id || !strings.HasPrefix(ex.Rules, "configuration version 1") || len(ex.Fields) != 8 { // six survived, lifecycle and tier classified
		t.Fatalf("explain --json = %+v", ex)
	}
	for _, f := range ex.Fields {
		if f.Field == "city" && (f.State != "cleared" || f.System != "erp" || len(f.Assertions) != 3 || !f.Assertions[1].Winner) {
			t.Errorf("city in JSON: %+v", f)
		}
	}

	// A steward tries a rule that trusts the CRM for names: explain with the edited directory
	// shows its choice and that the stored name is not it.
	golden := filepath.Join(cfgDir, "golden", "customer.yaml")
	raw, _ := os.ReadFile(golden)
	edited := strings.Replace(string(raw), "  fields:\n", "  fields:\n    name: [{trusted_source: crm}, most_complete]\n", 1)
	if err := os.WriteFile(golden, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out = run("golden", "explain", id, "-f", cfgDir)
	for _, want := range []string{
		"rules: configuration " + cfgDir,
		"name = \"Acme\"\n  why:   crm C-1 is the trusted source for this field (trusted_source crm)\n  rules: trusted_source crm, most_complete\n" +
			"  NOTE:  the golden record holds \"Acme Co., Ltd.\", these rules choose \"Acme\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain -f lacks %q:\n%s", want, out)
		}
	}

	out = run("golden", "history", id)
	for _, want := range []string{
		"golden customer " + id + ": 3 version(s)",
		"read erp record\n  city           (none) → \"深圳\"  (erp E-1: all agree)\n",
		"read crm record\n  email          (none) → \"sales@acme.example\"  (crm C-1: all agree)\n  phone          \"+8613800138000\" → \"+8613900002026\"  (crm C-1: most_recent)\n",
		"read erp record\n  city           \"深圳\" → (cleared)  (erp E-1: source_priority: erp ranks first and cleared it)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	var h master.History
	if err := json.Unmarshal([]byte(run("golden", "history", id, "--json")), &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Versions) != 3 || h.Versions[2].Changes[0].Old.Value != "深圳" || h.Versions[2].Changes[0].New.State != "cleared" {
		t.Errorf("history --json = %+v", h)
	}

	if _, err := runAccord(t, "--data-dir", dataDir, "golden", "explain", "no-such-id"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("explain of an unknown ID: %v", err)
	}
	if _, err := runAccord(t, "--data-dir", t.TempDir(), "golden", "explain", id); err == nil || !strings.Contains(err.Error(), "pass -f DIR") {
		t.Errorf("explain with no recorded configuration and no -f: %v", err)
	}
}
