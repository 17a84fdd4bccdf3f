package master

import (
	"fmt"
	"strings"
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

// TestSurviveStrategies covers each strategy alone and in combination, on one field whose
// strategies each case sets.
func TestSurviveStrategies(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	placeholder := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	var (
		sourcePriority = config.Strategy{Name: config.StrategySourcePriority}
		mostRecent     = config.Strategy{Name: config.StrategyMostRecent}
		mostComplete   = config.Strategy{Name: config.StrategyMostComplete}
		nonEmpty       = config.Strategy{Name: config.StrategyNonEmpty}
		trusted        = func(sys string) config.Strategy {
			return config.Strategy{Name: config.StrategyTrustedSource, System: sys}
		}
		only = func(sys ...string) config.Strategy {
			return config.Strategy{Name: config.StrategySourcePriority, Priority: sys}
		}
	)
	rec := func(system string, fv FieldValue) Contribution {
		return Contribution{System: system, ExternalID: strings.ToUpper(system[:1]) + "-1", Fields: map[string]FieldValue{"name": fv}}
	}
	tests := []struct {
		name       string
		strategies []config.Strategy
		contribs   []Contribution
		want       string // "(cleared)" for a clear
		wantFrom   string
		wantRule   string
		wantSteps  []int // candidates left after each strategy applied
	}{
		{
			name:       "most_complete keeps the longest value",
			strategies: []config.Strategy{mostComplete, mostRecent},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t2}), rec("erp", FieldValue{V: "Acme Co., Ltd.", T: t1})},
			want:       "Acme Co., Ltd.", wantFrom: "erp", wantRule: config.StrategyMostComplete, wantSteps: []int{1},
		},
		{
			name:       "most_complete counts characters, not bytes",
			strategies: []config.Strategy{mostComplete},
			contribs:   []Contribution{rec("crm", FieldValue{V: "深圳示例", T: t1}), rec("erp", FieldValue{V: "Acme Ltd", T: t1})},
			want:       "Acme Ltd", wantFrom: "erp", wantRule: config.StrategyMostComplete, wantSteps: []int{1},
		},
		{
			name:       "most_complete: Chinese longer than English by characters",
			strategies: []config.Strategy{mostComplete},
			contribs:   []Contribution{rec("crm", FieldValue{V: "深圳市示例科技有限公司", T: t1}), rec("erp", FieldValue{V: "Acme Ltd", T: t2})},
			want:       "深圳市示例科技有限公司", wantFrom: "crm", wantRule: config.StrategyMostComplete, wantSteps: []int{1},
		},
		{
			name:       "most_complete trims white space, full-width included, before counting",
			strategies: []config.Strategy{mostComplete},
			contribs:   []Contribution{rec("crm", FieldValue{V: "　Acme　　　　", T: t2}), rec("erp", FieldValue{V: "Acme Co", T: t1})},
			want:       "Acme Co", wantFrom: "erp", wantRule: config.StrategyMostComplete, wantSteps: []int{1},
		},
		{
			name:       "values as long as each other go on to the next strategy",
			strategies: []config.Strategy{mostComplete, sourcePriority},
			contribs: []Contribution{
				rec("crm", FieldValue{V: "ACME LTD", T: t2}), rec("erp", FieldValue{V: "Acme Ltd", T: t1}), rec("finance", FieldValue{V: "Acme", T: t2}),
			},
			want: "Acme Ltd", wantFrom: "erp", wantRule: config.StrategySourcePriority, wantSteps: []int{2, 1},
		},
		{
			name:       "trusted_source wins when it holds a value, however old",
			strategies: []config.Strategy{trusted("finance"), mostRecent},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t2}), rec("finance", FieldValue{V: "Acme Finance", T: t1})},
			want:       "Acme Finance", wantFrom: "finance", wantRule: config.StrategyTrustedSource, wantSteps: []int{1},
		},
		{
			name:       "trusted_source without a value leaves the choice to the next strategy",
			strategies: []config.Strategy{trusted("finance"), mostRecent},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t2}), rec("erp", FieldValue{V: "Acme Co", T: t1}), rec("finance", FieldValue{})},
			want:       "Acme", wantFrom: "crm", wantRule: config.StrategyMostRecent, wantSteps: []int{2, 1},
		},
		{
			name:       "a leading trusted_source that cleared the field decides it",
			strategies: []config.Strategy{trusted("finance"), mostRecent},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t2}), rec("finance", FieldValue{Null: true, T: t1})},
			want:       "(cleared)", wantFrom: "finance", wantRule: "trusted_source: finance is trusted and cleared it",
		},
		{
			name:       "a trusted_source after another strategy never clears",
			strategies: []config.Strategy{mostRecent, trusted("finance")},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t1}), rec("finance", FieldValue{Null: true, T: t2})},
			want:       "Acme", wantFrom: "crm", wantRule: RuleAllAgree,
		},
		{
			name:       "a clear Accord wrote for the trusted source decides nothing",
			strategies: []config.Strategy{trusted("finance")},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t1}), rec("finance", FieldValue{Null: true})},
			want:       "Acme", wantFrom: "crm", wantRule: RuleAllAgree,
		},
		{
			name:       "non_empty decides when the rules before it cannot: the latest assertion",
			strategies: []config.Strategy{only("erp"), nonEmpty},
			contribs:   []Contribution{rec("crm", FieldValue{V: "Acme", T: t1}), rec("finance", FieldValue{V: "Acme Finance", T: t2})},
			want:       "Acme Finance", wantFrom: "finance", wantRule: config.StrategyNonEmpty, wantSteps: []int{2, 1},
		},
		{
			name:       "non_empty passes over a blank value",
			strategies: []config.Strategy{nonEmpty},
			contribs:   []Contribution{rec("crm", FieldValue{V: "   ", T: t2}), rec("finance", FieldValue{V: "Acme", T: t1})},
			want:       "Acme", wantFrom: "finance", wantRule: config.StrategyNonEmpty, wantSteps: []int{1},
		},
		{
			name:       "most_recent passes over placeholder dates and values Accord wrote",
			strategies: []config.Strategy{mostRecent, nonEmpty},
			contribs: []Contribution{
				rec("crm", FieldValue{V: "Acme", T: placeholder}), rec("erp", FieldValue{V: "Acme Co"}), rec("finance", FieldValue{V: "Acme F", T: t1}),
			},
			want: "Acme F", wantFrom: "finance", wantRule: config.StrategyMostRecent, wantSteps: []int{1},
		},
		{
			name:       "only placeholder dates: most_recent decides nothing, non_empty takes the lowest system",
			strategies: []config.Strategy{mostRecent, nonEmpty},
			contribs:   []Contribution{rec("erp", FieldValue{V: "Acme Co", T: placeholder}), rec("crm", FieldValue{V: "Acme"})},
			want:       "Acme", wantFrom: "crm", wantRule: config.StrategyNonEmpty, wantSteps: []int{2, 1},
		},
		{
			name:       "no strategy tells the values apart: the tie goes to the latest assertion",
			strategies: []config.Strategy{mostComplete},
			contribs:   []Contribution{rec("crm", FieldValue{V: "ACME", T: t1}), rec("erp", FieldValue{V: "Acme", T: t2})},
			want:       "Acme", wantFrom: "erp", wantRule: RuleTie, wantSteps: []int{2},
		},
		{
			name:       "the whole chain: trusted silent, most_complete narrows, most_recent decides",
			strategies: []config.Strategy{trusted("erp"), mostComplete, mostRecent, nonEmpty},
			contribs: []Contribution{
				rec("crm", FieldValue{V: "Acme Ltd", T: t1}), rec("finance", FieldValue{V: "ACME LTD", T: t2}), {System: "erp", ExternalID: "E-1", Fields: map[string]FieldValue{}},
				{System: "crm", ExternalID: "C-2", Fields: map[string]FieldValue{"name": {V: "Acme", T: t2}}},
			},
			want: "ACME LTD", wantFrom: "finance", wantRule: config.StrategyMostRecent, wantSteps: []int{3, 2, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &config.Golden{
				Entity: "customer", Fields: map[string]config.FieldDef{"name": {}},
				Survivorship: config.Survivorship{SourcePriority: []string{"erp", "finance", "crm"}, Fields: map[string][]config.Strategy{"name": tt.strategies}},
			}
			got, steps, ok := surviveField(m, "name", tt.contribs)
			value := got.Value
			if got.Cleared {
				value = "(cleared)"
			}
			if !ok || value != tt.want || got.System != tt.wantFrom || got.Rule != tt.wantRule {
				t.Fatalf("got %+v, want %q from %s by %q", got, tt.want, tt.wantFrom, tt.wantRule)
			}
			var left []int
			for _, s := range steps {
				left = append(left, s.After)
			}
			if fmt.Sprint(left) != fmt.Sprint(tt.wantSteps) && len(left)+len(tt.wantSteps) > 0 {
				t.Errorf("candidates left after each strategy = %v, want %v", left, tt.wantSteps)
			}
			if again := Survive(m, tt.contribs)["name"]; again != got {
				t.Errorf("Survive = %+v, surviveField = %+v", again, got)
			}
		})
	}
}

func TestCompleteness(t *testing.T) {
	for v, want := range map[string]int{"": 0, "  ": 0, "Acme": 4, " Acme Co., Ltd. ": 14, "深圳市示例科技有限公司": 11, "\u3000深圳\u3000": 2, "Café": 4} {
		if got := Completeness(v); got != want {
			t.Errorf("Completeness(%q) = %d, want %d", v, got, want)
		}
	}
}
