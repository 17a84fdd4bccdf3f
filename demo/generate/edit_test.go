package generate

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestEditPhone(t *testing.T) {
	dir := t.TempDir()
	truth, err := Generate(t.Context(), Options{Dir: dir, Companies: 200, Seed: 9, Now: testNow()})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	id, ok := PickOverlapping(t.Context(), truth)
	if !ok {
		t.Fatal("PickOverlapping found no company held by all three systems")
	}
	if again, _ := PickOverlapping(t.Context(), truth); again != id {
		t.Errorf("PickOverlapping = %s, then %s", id, again)
	}
	company := truth.Cluster["crm/"+id]
	held := map[string]bool{}
	for key, c := range truth.Cluster {
		if c == company {
			held[key[:len(key)-len("/X000000")]] = true
		}
	}
	if !held["crm"] || !held["erp"] || !held["finance"] {
		t.Errorf("company %s of crm/%s is held by %v, want all three systems", company, id, held)
	}

	path := filepath.Join(dir, "crm.db")
	edited := testNow().Add(time.Minute)
	if err := EditPhone(t.Context(), path, CRMTable, id, "+86 139 0000 0000", edited); err != nil {
		t.Fatalf("EditPhone: %v", err)
	}
	var phone, updated string
	err = openTestDB(t, path).QueryRowContext(t.Context(),
		"SELECT phone, updated_at FROM accounts WHERE id = ?", id).Scan(&phone, &updated)
	if err != nil {
		t.Fatalf("read edited row: %v", err)
	}
	if phone != "+86 139 0000 0000" || updated != edited.Format(TimeLayout) {
		t.Errorf("edited row has phone %q, updated_at %s; want the new phone at %s",
			phone, updated, edited.Format(TimeLayout))
	}

	if err := EditPhone(t.Context(), path, CRMTable, "C999999", "x", edited); !errors.Is(err, ErrRowNotFound) {
		t.Errorf("EditPhone of a missing row: %v, want ErrRowNotFound", err)
	}
	if err := EditPhone(t.Context(), path, "accounts; DROP TABLE accounts", id, "x", edited); !errors.Is(err, ErrUnknownTable) {
		t.Errorf("EditPhone of an unknown table: %v, want ErrUnknownTable", err)
	}
	missing := filepath.Join(dir, "missing.db")
	if err := EditPhone(t.Context(), missing, CRMTable, id, "x", edited); err == nil {
		t.Error("EditPhone of a missing database succeeded")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("EditPhone created %s", missing)
	}
}

func TestPickOverlappingNone(t *testing.T) {
	truth := Truth{Cluster: map[string]string{"crm/C000001": "CO1", "erp/E000001": "CO1", "finance/F000001": "CO2"}}
	if id, ok := PickOverlapping(t.Context(), truth); ok {
		t.Errorf("PickOverlapping = %s, want none", id)
	}
	truth.Cluster["finance/F000002"] = "CO1"
	if id, ok := PickOverlapping(t.Context(), truth); !ok || id != "C000001" {
		t.Errorf("PickOverlapping = %s, %t; want C000001", id, ok)
	}
}
