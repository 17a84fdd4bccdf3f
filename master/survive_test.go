package master

import (
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

func model(t *testing.T) *config.Golden {
	t.Helper()
	return &config.Golden{
		Entity: "customer",
		Fields: map[string]config.FieldDef{"name": {}, "phone": {}, "email": {}},
		Survivorship: config.Survivorship{
			SourcePriority: []string{"erp", "finance", "crm"},
			Fields: map[string][]config.Strategy{
				"phone": {{Name: "most_recent"}, {Name: "source_priority"}},
			},
		},
	}
}

func TestSurvive(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	sentinel := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		contribs  []Contribution
		field     string
		want      string
		wantFrom  string
		wantRule  string
		wantEmpty bool
		wantClear bool
	}{
		{
			name: "source priority picks the ERP name",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t2}}},
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"name": {V: "Acme Co., Ltd.", T: t1}}},
			},
			field: "name", want: "Acme Co., Ltd.", wantFrom: "erp", wantRule: "source_priority",
		},
		{
			name: "most recent phone wins over priority",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"phone": {V: "+8613900002026", T: t2}}},
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"phone": {V: "+8613800138000", T: t1}}},
			},
			field: "phone", want: "+8613900002026", wantFrom: "crm", wantRule: "most_recent",
		},
		{
			name: "a sentinel date never wins most recent",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"phone": {V: "+8613900002026", T: sentinel}}},
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"phone": {V: "+8613800138000", T: t1}}},
			},
			field: "phone", want: "+8613800138000", wantFrom: "erp", wantRule: "most_recent",
		},
		{
			name: "a source without a value never blanks the field",
			contribs: []Contribution{
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{}},
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"email": {V: "a@x.com", T: t1}}},
			},
			field: "email", want: "a@x.com", wantFrom: "crm", wantRule: "all agree",
		},
		{
			name:     "no value anywhere leaves the field out",
			contribs: []Contribution{{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{}}},
			field:    "email", wantEmpty: true,
		},
		{
			name: "when sources agree the lineage names the latest assertion",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t1}}},
				{System: "finance", ExternalID: "F1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t2}}},
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"name": {V: "Acme"}}}, // written by Accord
			},
			field: "name", want: "Acme", wantFrom: "finance", wantRule: "all agree",
		},
		{
			name: "the ERP ranks first for the name and cleared it: the field is cleared",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t1}}},
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"name": {Null: true, T: t2}}},
			},
			field: "name", wantFrom: "erp", wantRule: "source_priority: erp ranks first and cleared it", wantClear: true,
		},
		{
			name: "a clear by a lower-ranked source never blanks the field",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"name": {Null: true, T: t2}}},
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t1}}},
			},
			field: "name", want: "Acme", wantFrom: "erp", wantRule: "all agree",
		},
		{
			name: "under most_recent a clear never wins, even the latest",
			contribs: []Contribution{
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"phone": {Null: true, T: t2}}},
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"phone": {V: "+8613800138000", T: t1}}},
			},
			field: "phone", want: "+8613800138000", wantFrom: "crm", wantRule: "all agree",
		},
		{
			name: "every source that held a value cleared it",
			contribs: []Contribution{
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"phone": {Null: true, T: t1}}},
				{System: "finance", ExternalID: "F1", Fields: map[string]FieldValue{"phone": {Null: true, T: t2}}},
			},
			field: "phone", wantFrom: "finance", wantRule: "cleared: no source holds a value", wantClear: true,
		},
		{
			name: "a clear Accord wrote itself decides nothing",
			contribs: []Contribution{
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"name": {Null: true}}},
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t1}}},
			},
			field: "name", want: "Acme", wantFrom: "crm", wantRule: "all agree",
		},
		{
			name: "an empty value never beats a value",
			contribs: []Contribution{
				{System: "erp", ExternalID: "E1", Fields: map[string]FieldValue{"name": {V: "", T: t2}}},
				{System: "crm", ExternalID: "C1", Fields: map[string]FieldValue{"name": {V: "Acme", T: t1}}},
			},
			field: "name", want: "Acme", wantFrom: "crm", wantRule: "all agree",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Survive(model(t), tt.contribs)[tt.field]
			if tt.wantClear {
				if !ok || !got.Cleared || got.System != tt.wantFrom || got.Rule != tt.wantRule {
					t.Fatalf("got %+v, want a clear from %s by %q", got, tt.wantFrom, tt.wantRule)
				}
				return
			}
			if tt.wantEmpty {
				if ok {
					t.Fatalf("got %+v, want no value", got)
				}
				return
			}
			if !ok || got.Value != tt.want || got.System != tt.wantFrom || got.Rule != tt.wantRule {
				t.Fatalf("got %+v, want %q from %s by %s", got, tt.want, tt.wantFrom, tt.wantRule)
			}
		})
	}
}

func TestSnapshotKeepsTimesOfUnchangedValues(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	fields := []string{"name", "phone"}
	s := Snapshot{}.update(map[string]any{"a": "x"}, mapping.Values{"name": mapping.Text("Acme"), "phone": mapping.Text("+1")}, fields, t1)
	s = s.update(map[string]any{"a": "y"}, mapping.Values{"name": mapping.Text("Acme"), "phone": mapping.Text("+2")}, fields, t2)
	if s.Fields["name"].T != t1 {
		t.Errorf("unchanged name moved to %v", s.Fields["name"].T)
	}
	if s.Fields["phone"].T != t2 || s.Fields["phone"].V != "+2" {
		t.Errorf("changed phone = %+v", s.Fields["phone"])
	}
	back, err := decodeSnapshot(s.encode())
	if err != nil || back.Fields["name"].V != "Acme" {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

// TestSnapshotAbsentNullEmpty: absent keeps what the source said, null clears only a value the
// source held, "" is a value, and fields no longer mapped are dropped.
func TestSnapshotAbsentNullEmpty(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2, t3 := t1.Add(time.Hour), t1.Add(2*time.Hour)
	fields := []string{"name", "phone", "email", "city"}
	s := Snapshot{}.update(nil, mapping.Values{"name": mapping.Text("Acme"), "phone": mapping.Text("+1"), "email": mapping.Cleared, "city": mapping.Text("")}, fields, t1)
	if _, ok := s.Fields["email"]; ok {
		t.Errorf("a null the source never filled asserts a clear: %+v", s.Fields["email"])
	}
	if fv := s.Fields["city"]; fv.V != "" || fv.Null || fv.T != t1 {
		t.Errorf(`"" is an empty value: %+v`, fv)
	}
	s = s.update(nil, mapping.Values{"phone": mapping.Cleared}, fields, t2)
	if fv := s.Fields["name"]; fv.V != "Acme" || fv.T != t1 {
		t.Errorf("absent name changed: %+v", fv)
	}
	if fv := s.Fields["phone"]; !fv.Null || fv.T != t2 {
		t.Errorf("phone held a value and is now null: want a clear at t2, got %+v", fv)
	}
	s = s.update(nil, mapping.Values{"phone": mapping.Cleared}, fields, t3)
	if fv := s.Fields["phone"]; !fv.Null || fv.T != t2 {
		t.Errorf("a clear read again keeps its time: %+v", fv)
	}
	s = s.update(nil, mapping.Values{}, []string{"phone"}, t3)
	if len(s.Fields) != 1 {
		t.Errorf("fields no longer mapped must be dropped: %+v", s.Fields)
	}
}
