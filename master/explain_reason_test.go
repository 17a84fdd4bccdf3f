package master

import (
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
)

// TestExplainReasons checks the words explain gives for each way a field is decided.
func TestExplainReasons(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	var (
		sourcePriority = config.Strategy{Name: config.StrategySourcePriority}
		mostRecent     = config.Strategy{Name: config.StrategyMostRecent}
		mostComplete   = config.Strategy{Name: config.StrategyMostComplete}
		nonEmpty       = config.Strategy{Name: config.StrategyNonEmpty}
	)
	rec := func(system, id string, fv FieldValue) Contribution {
		return Contribution{System: system, ExternalID: id, Fields: map[string]FieldValue{"name": fv}}
	}
	tests := []struct {
		name       string
		strategies []config.Strategy
		contribs   []Contribution
		want       string
	}{
		{
			name:       "most complete",
			strategies: []config.Strategy{mostComplete},
			contribs:   []Contribution{rec("crm", "C-1", FieldValue{V: "Acme", T: t2}), rec("erp", "E-1", FieldValue{V: " Acme Co., Ltd. ", T: t1})},
			want:       "erp E-1 holds the most complete value: 14 characters after trimming white space (most complete)",
		},
		{
			name:       "a strategy narrows, the next decides",
			strategies: []config.Strategy{mostComplete, sourcePriority},
			contribs: []Contribution{
				rec("crm", "C-1", FieldValue{V: "ACME LTD", T: t2}), rec("erp", "E-1", FieldValue{V: "Acme Ltd", T: t1}), rec("finance", "F-1", FieldValue{V: "Acme", T: t2}),
			},
			want: "most_complete kept 2 of 3 values; then erp E-1 ranks first among the systems holding a value (source priority erp, finance, crm)",
		},
		{
			name:       "non_empty as the fallback",
			strategies: []config.Strategy{{Name: config.StrategySourcePriority, Priority: []string{"erp"}}, nonEmpty},
			contribs:   []Contribution{rec("crm", "C-1", FieldValue{V: "Acme", T: t1}), rec("finance", "F-1", FieldValue{V: "Acme Finance", T: t2})},
			want:       "finance F-1 holds the first non-blank value, the latest asserted (non_empty)",
		},
		{
			name:       "a tie",
			strategies: []config.Strategy{mostComplete},
			contribs:   []Contribution{rec("crm", "C-1", FieldValue{V: "ACME", T: t1}), rec("erp", "E-1", FieldValue{V: "Acme", T: t2})},
			want:       "no strategy told the values apart (most_complete); the tie goes to the latest assertion, then the lowest system name: erp E-1 at 2026-01-01 09:00:00 UTC",
		},
		{
			name:       "cleared by the trusted source",
			strategies: []config.Strategy{{Name: config.StrategyTrustedSource, System: "finance"}, mostRecent},
			contribs:   []Contribution{rec("crm", "C-1", FieldValue{V: "Acme", T: t2}), rec("finance", "F-1", FieldValue{Null: true, T: t1})},
			want:       "cleared by finance F-1 at 2026-01-01 08:00:00 UTC, the trusted source, which decides this field (trusted_source finance)",
		},
		{
			name:       "a clear that does not count",
			strategies: []config.Strategy{sourcePriority},
			contribs:   []Contribution{rec("crm", "C-1", FieldValue{Null: true, T: t2}), rec("erp", "E-1", FieldValue{V: "Acme", T: t1})},
			want:       "erp E-1 is the only record holding a value; the clear by crm C-1 does not count: only a system that decides this field may clear it",
		},
		{
			name:       "a clear Accord wrote",
			strategies: []config.Strategy{sourcePriority},
			contribs:   []Contribution{rec("erp", "E-1", FieldValue{Null: true}), rec("crm", "C-1", FieldValue{V: "Acme", T: t1})},
			want:       "crm C-1 is the only record holding a value; the clear by erp E-1 has no source time (Accord wrote it) and asserts nothing",
		},
		{
			name:       "every holder cleared it",
			strategies: []config.Strategy{mostRecent},
			contribs:   []Contribution{rec("crm", "C-1", FieldValue{Null: true, T: t1}), rec("finance", "F-1", FieldValue{Null: true, T: t2})},
			want:       "cleared: no linked record holds a value; finance F-1 cleared it last at 2026-01-01 09:00:00 UTC",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &config.Golden{
				Entity: "customer", Fields: map[string]config.FieldDef{"name": {}},
				Survivorship: config.Survivorship{SourcePriority: []string{"erp", "finance", "crm"}, Fields: map[string][]config.Strategy{"name": tt.strategies}},
			}
			if got := explainField(m, "name", tt.contribs, map[string]any{}, nil).Reason; got != tt.want {
				t.Errorf("reason\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
