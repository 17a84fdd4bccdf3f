package config_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
)

// survivorshipDir is a configuration with a CRM and an ERP whose golden model ends in the given
// survivorship section.
func survivorshipDir(t *testing.T, survivorship string) string {
	t.Helper()
	system := "connector: sqltable\nentities:\n  customer:\n    object: t\n    direction: both\n    fields:\n      - {golden: name, from: name}\n"
	return configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {}\n  phone: {}\nsurvivorship:\n" + survivorship,
		"systems/crm.yaml":     system,
		"systems/erp.yaml":     system,
	})
}

func TestSurvivorshipStrategiesParse(t *testing.T) {
	dir := survivorshipDir(t, `  source_priority: [erp, crm]
  default: [{trusted_source: erp}, most_complete, source_priority, most_recent, non_empty]
  fields:
    phone: [{source_priority: [crm, erp]}, most_recent]
`)
	c, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := c.Golden["customer"]
	want := []config.Strategy{
		{Name: config.StrategyTrustedSource, System: "erp"}, {Name: config.StrategyMostComplete},
		{Name: config.StrategySourcePriority}, {Name: config.StrategyMostRecent}, {Name: config.StrategyNonEmpty},
	}
	if got := g.Strategies("name"); !reflect.DeepEqual(got, want) {
		t.Errorf("name strategies = %+v, want %+v", got, want)
	}
	phone := []config.Strategy{{Name: config.StrategySourcePriority, Priority: []string{"crm", "erp"}}, {Name: config.StrategyMostRecent}}
	if got := g.Strategies("phone"); !reflect.DeepEqual(got, phone) {
		t.Errorf("phone strategies = %+v, want %+v", got, phone)
	}
}

// TestSurvivorshipErrors: every bad strategy is reported at its file and line, all in one load.
func TestSurvivorshipErrors(t *testing.T) {
	tests := []struct {
		name, survivorship string
		want               []string
	}{
		{
			name:         "unknown names and misplaced arguments",
			survivorship: "  source_priority: [erp]\n  default:\n    - newest\n    - {most_recent: [crm]}\n    - trusted_source\n    - {trusted_source: [erp, crm]}\n",
			want: []string{
				`customer.yaml:8: unknown survivorship strategy "newest" (known: source_priority, most_recent, most_complete, trusted_source, non_empty)`,
				"customer.yaml:9: most_recent takes no argument",
				"customer.yaml:10: trusted_source names one system: {trusted_source: erp}",
				"customer.yaml:11: trusted_source names one system",
			},
		},
		{
			name:         "systems that are not configured",
			survivorship: "  source_priority: [erp, finance, crm, erp]\n  default: [{trusted_source: ledger}]\n  fields:\n    phone:\n      - {source_priority: [crm, hubspot]}\n",
			want: []string{
				`customer.yaml:6: survivorship.source_priority: "finance" is not a configured system (systems: [crm erp])`,
				`customer.yaml:6: survivorship.source_priority: "erp" is listed twice`,
				`customer.yaml:7: survivorship.default: trusted_source: "ledger" is not a configured system`,
				`customer.yaml:10: survivorship.fields.phone: source_priority: "hubspot" is not a configured system`,
			},
		},
		{
			name:         "a source_priority with no ranking to use",
			survivorship: "  default: [most_recent]\n  fields:\n    nickname: [most_recent]\n    phone: [source_priority, most_recent]\n",
			want: []string{
				`customer.yaml:8: survivorship for unknown field "nickname"`,
				"customer.yaml:9: survivorship.fields.phone: source_priority without a list and no survivorship.source_priority to use",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := survivorshipDir(t, tt.survivorship)
			_, err := config.Load(dir)
			if err == nil {
				t.Fatal("loaded")
			}
			msg := strings.ReplaceAll(err.Error(), filepath.Join(dir, "golden")+string(filepath.Separator), "")
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			n := 0 // problems of the golden model (a model that does not parse also fails its systems)
			for _, line := range strings.Split(msg, "\n") {
				if strings.HasPrefix(line, "customer.yaml:") {
					n++
				}
			}
			if n != len(tt.want) {
				t.Errorf("%d errors, want %d:\n%s", n, len(tt.want), msg)
			}
			var unwrapped interface{ Unwrap() []error }
			if !errors.As(err, &unwrapped) {
				t.Errorf("want every problem as its own error, got %T", err)
			}
		})
	}
}

func TestStrategyString(t *testing.T) {
	for st, want := range map[*config.Strategy]string{
		{Name: config.StrategyMostRecent}:                                   "most_recent",
		{Name: config.StrategySourcePriority, Priority: []string{"a", "b"}}: "source_priority [a b]",
		{Name: config.StrategyTrustedSource, System: "erp"}:                 "trusted_source erp",
	} {
		if got := st.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", *st, got, want)
		}
	}
}
