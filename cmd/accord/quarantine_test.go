package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/store"
)

// TestQuarantineCommands quarantines two CRM records with bad e-mails through the real
// ingest, then: list and show them; replay one with the same configuration (fails again, one
// more attempt); fix the mapping and replay it (it reaches the golden store); discard the other;
// replay a failed push (the golden record is queued for the system again).
func TestQuarantineCommands(t *testing.T) {
	ctx := context.Background()
	dataDir, cfgDir, cfg, s, engine := demoStore(t)
	_, b, _ := cfg.Binding("crm", "customer")
	m, err := mapping.Compile("crm", "customer", b)
	if err != nil {
		t.Fatal(err)
	}
	recs := []connectors.Record{
		{ID: "C-1", UpdatedAt: time.Now(), Fields: map[string]any{"account_name": "O'Brien Ltd", "email": "a@@b.com", "phone": "+44 20 7946 0001"}},
		{ID: "C-2", UpdatedAt: time.Now(), Fields: map[string]any{"account_name": "Acme", "email": "x@", "phone": "+44 20 7946 0002"}},
		{ID: "C-3", UpdatedAt: time.Now(), Fields: map[string]any{"account_name": "Good Co", "email": "good@example.com"}},
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error { _, err := engine.Ingest(ctx, tx, m, "crm", b, recs, nil); return err }); err != nil {
		t.Fatal(err)
	}
	entries, err := s.Read().ListQuarantine(ctx, 10)
	if err != nil || len(entries) != 2 {
		t.Fatalf("quarantine = %+v, %v; want the two bad e-mails", entries, err)
	}
	_ = s.Close()
	id := map[string]string{}
	for _, e := range entries {
		id[e.ExternalID] = strconv.FormatInt(e.ID, 10)
	}

	run := func(args ...string) (string, error) {
		return runAccord(t, append([]string{"--data-dir", dataDir}, args...)...)
	}
	out, err := run("quarantine", "list")
	if err != nil || !strings.Contains(out, "C-1") || !strings.Contains(out, `field email: invalid email "a@@b.com"`) {
		t.Errorf("list: %v\n%s", err, out)
	}
	out, err = run("quarantine", "show", id["C-1"])
	if err != nil || !strings.Contains(out, `"account_name": "O'Brien Ltd"`) || !strings.Contains(out, "1 attempt(s)") {
		t.Errorf("show: %v\n%s", err, out)
	}
	if _, err := run("quarantine", "replay", id["C-1"], "-f", cfgDir); err == nil || !strings.Contains(err.Error(), "failed again (attempt 2)") {
		t.Errorf("replay with the same mapping = %v, want a second failed attempt", err)
	}

	// The steward decides the CRM's e-mails are kept as text, not checked: replay now passes.
	crm := filepath.Join(cfgDir, "systems", "crm.yaml")
	raw, _ := os.ReadFile(crm)
	fixed := strings.Replace(string(raw), "{golden: email,        from: email,        standardize: email}", "{golden: email, from: email, standardize: text}", 1)
	if fixed == string(raw) {
		t.Fatal("could not edit the CRM's e-mail mapping")
	}
	if err := os.WriteFile(crm, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("quarantine", "replay", id["C-1"], "-f", cfgDir); err != nil || !strings.Contains(out, "synced into the golden store") {
		t.Errorf("replay after the fix: %v\n%s", err, out)
	}
	if out, err := run("quarantine", "discard", id["C-2"]); err != nil || !strings.Contains(out, "discarded") {
		t.Errorf("discard: %v\n%s", err, out)
	}
	if _, err := run("quarantine", "discard", id["C-2"]); err == nil {
		t.Error("discarding a closed entry succeeded")
	}
	if out, err := run("quarantine", "list"); err != nil || !strings.Contains(out, "(nothing in quarantine)") {
		t.Errorf("list after replay and discard: %v\n%s", err, out)
	}

	// A push the ERP refused: replaying queues the golden record for the ERP again.
	s, err = store.Open(ctx, filepath.Join(dataDir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var goldenID string
	err = s.InTx(ctx, func(tx *store.Tx) error {
		x, err := tx.GetXref(ctx, "crm", "customer", "C-1")
		if err != nil {
			return err
		}
		goldenID = x.GoldenID
		rows, err := tx.Claim(ctx, "erp", "customer", 10, time.Now().UTC(), time.Minute)
		if err != nil {
			return err
		}
		for _, r := range rows { // as the push does when the ERP refuses the create for good
			if r.GoldenID == goldenID {
				if err := tx.Retry(ctx, r, "rejected by rule", time.Now().UTC(), true, time.Now().UTC()); err != nil {
					return err
				}
			}
		}
		return tx.Quarantine(ctx, store.QuarantineEntry{System: "erp", Entity: "customer", ExternalID: "(new) " + goldenID,
			Stage: "outbound", RawJSON: []byte(`{"name":"O'Brien Ltd"}`), Error: "rejected by rule", CreatedAt: time.Now().UTC()})
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ = s.Read().ListQuarantine(ctx, 10)
	if len(entries) != 1 {
		t.Fatalf("quarantine = %+v, want the refused push", entries)
	}
	before, _ := s.Read().Stats(ctx, "customer")
	if out, err := run("quarantine", "replay", strconv.FormatInt(entries[0].ID, 10), "-f", cfgDir); err != nil || !strings.Contains(out, "queued for erp again") {
		t.Errorf("replay of a push: %v\n%s", err, out)
	}
	after, _ := s.Read().Stats(ctx, "customer")
	if before.Outbox[store.OutboxFailed] != 1 || after.Outbox[store.OutboxFailed] != 0 {
		t.Errorf("failed outbox rows %d -> %d, want 1 -> 0: the golden record queued again", before.Outbox[store.OutboxFailed], after.Outbox[store.OutboxFailed])
	}
	if after.Quarantined["erp"] != 0 {
		t.Errorf("the replayed push is still in quarantine: %v", after.Quarantined)
	}
}

// copyDir copies a configuration directory into a temporary one the test may edit.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}
