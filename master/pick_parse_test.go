package master

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
)

func TestParsePick(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Pick
		bad  bool
	}{
		{in: "name=crm", want: Pick{Field: "name", System: "crm"}},
		{in: "phone=erp:E-1", want: Pick{Field: "phone", System: "erp", ExternalID: "E-1"}},
		{in: "phone=erp:urn:x:1", want: Pick{Field: "phone", System: "erp", ExternalID: "urn:x:1"}},
		{in: " name = crm ", want: Pick{Field: "name", System: "crm"}},
		{in: "", bad: true},
		{in: "name", bad: true},
		{in: "name=", bad: true},
		{in: "=crm", bad: true},
		{in: "name=crm:", bad: true},
	} {
		got, err := ParsePick(tc.in)
		if tc.bad != (err != nil) || got != tc.want {
			t.Errorf("ParsePick(%q) = %+v, %v", tc.in, got, err)
		}
		if err == nil {
			if again, _ := ParsePick(got.String()); again != got {
				t.Errorf("ParsePick(%q).String() = %q does not parse back", tc.in, got.String())
			}
		}
	}
}

// TestResolvePicksAmbiguous: two records of one system holding the field need the record named;
// one of them holding no value leaves the other. A blank, or a value Accord wrote into a record
// it created, is no value to pick.
func TestResolvePicksAmbiguous(t *testing.T) {
	model := &config.Golden{Entity: "customer", Fields: map[string]config.FieldDef{"name": {}}}
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	contribs := []Contribution{
		{System: "crm", ExternalID: "C-1", Fields: map[string]FieldValue{"name": {V: "Acme", T: at}}},
		{System: "crm", ExternalID: "C-2", Fields: map[string]FieldValue{"name": {V: "ACME Ltd", T: at}}},
		{System: "erp", ExternalID: "E-1", Fields: map[string]FieldValue{"name": {V: "", T: at}}},
		// A record Accord created holds only what it wrote: it asserts nothing.
		{System: "finance", ExternalID: "G-1", Fields: map[string]FieldValue{"name": {V: "Acme"}}},
	}
	_, err := resolvePicks(model, contribs, []Pick{{Field: "name", System: "crm"}})
	if !errors.Is(err, ErrBadPick) || !strings.Contains(err.Error(), "crm has 2 records holding name (C-1, C-2): pick one as name=crm:RECORD") {
		t.Fatalf("ambiguous pick: %v", err)
	}
	recs, err := resolvePicks(model, contribs, []Pick{{Field: "name", System: "crm", ExternalID: "C-2"}})
	if err != nil || recs[0].ExternalID != "C-2" {
		t.Fatalf("named record: %+v, %v", recs, err)
	}
	for _, sys := range []string{"erp", "finance"} {
		if _, err := resolvePicks(model, contribs, []Pick{{Field: "name", System: sys}}); !errors.Is(err, ErrBadPick) {
			t.Fatalf("%s picked: %v", sys, err)
		}
	}
	contribs[1].Fields["name"] = FieldValue{Null: true}
	if recs, err := resolvePicks(model, contribs, []Pick{{Field: "name", System: "crm"}}); err != nil || recs[0].ExternalID != "C-1" {
		t.Fatalf("one holder left: %+v, %v", recs, err)
	}
}
