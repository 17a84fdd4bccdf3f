package master

import (
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Survive(model(t), tt.contribs)[tt.field]
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
	s := Snapshot{}.update(map[string]any{"a": "x"}, map[string]string{"name": "Acme", "phone": "+1"}, t1)
	s = s.update(map[string]any{"a": "y"}, map[string]string{"name": "Acme", "phone": "+2"}, t2)
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
