package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Golden is a golden entity model: golden/<entity>.yaml.
type Golden struct {
	Entity       string              `yaml:"entity"`
	Fields       map[string]FieldDef `yaml:"fields"`
	Match        Match               `yaml:"match"`
	Survivorship Survivorship        `yaml:"survivorship"`
	src          source
}

// FieldDef declares one golden field.
type FieldDef struct {
	// Type is string (default), integer, decimal, boolean, date, timestamp or enum: mapped
	// values are brought into the type's canonical text (see mapping).
	Type        string `yaml:"type"`
	Description string `yaml:"description"`
	// Scale is a decimal's number of decimal places (2 for most money, 0 for JPY); a value
	// with more is an error, never rounded.
	Scale *int `yaml:"scale"`
	// Values are an enum's values.
	Values []string `yaml:"values"`
}

// Golden field types.
const (
	TypeString    = "string"
	TypeInteger   = "integer"
	TypeDecimal   = "decimal"
	TypeBoolean   = "boolean"
	TypeDate      = "date"
	TypeTimestamp = "timestamp"
	TypeEnum      = "enum"
)

var fieldTypes = []string{TypeString, TypeInteger, TypeDecimal, TypeBoolean, TypeDate, TypeTimestamp, TypeEnum}

// Match holds the match rules.
type Match struct {
	// Keys are deterministic: two records sharing a key value are the same customer.
	Keys []MatchKeyDef `yaml:"keys"`
}

// MatchKeyDef derives one match key from a golden field.
type MatchKeyDef struct {
	Kind        string `yaml:"kind"`
	Field       string `yaml:"field"`
	Standardize string `yaml:"standardize"`
}

// Survivorship says which source's value a golden field takes.
type Survivorship struct {
	SourcePriority []string              `yaml:"source_priority"`
	Default        []Strategy            `yaml:"default"`
	Fields         map[string][]Strategy `yaml:"fields"`
}

// Survivorship strategy names.
const (
	// StrategySourcePriority keeps the values of the first system of a ranking that holds one.
	StrategySourcePriority = "source_priority"
	// StrategyMostRecent keeps the values changed last at their source (plausible times only).
	StrategyMostRecent = "most_recent"
	// StrategyMostComplete keeps the longest values, in characters after trimming white space.
	StrategyMostComplete = "most_complete"
	// StrategyTrustedSource keeps the values of one named system when it holds one.
	StrategyTrustedSource = "trusted_source"
	// StrategyNonEmpty keeps one value that is not blank: the fallback that always decides.
	StrategyNonEmpty = "non_empty"
)

// StrategyNames lists every survivorship strategy, in the order the documentation gives them.
var StrategyNames = []string{StrategySourcePriority, StrategyMostRecent, StrategyMostComplete, StrategyTrustedSource, StrategyNonEmpty}

// Strategy is one survivorship rule: a bare name (most_recent, most_complete, non_empty,
// source_priority) or a one-key map ({source_priority: [erp, crm]}, {trusted_source: erp}).
type Strategy struct {
	Name string
	// Priority is source_priority's own ranking of systems; empty means the entity's
	// source_priority.
	Priority []string
	// System is the system trusted_source trusts.
	System string
}

// UnmarshalYAML accepts a bare name or a one-key map. Problems are reported as YAML type errors
// so that loading names the file and line of each and goes on to find the others.
func (s *Strategy) UnmarshalYAML(n *yaml.Node) error {
	bad := func(format string, a ...any) error {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: ", n.Line) + fmt.Sprintf(format, a...)}}
	}
	var arg *yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		s.Name = n.Value
	case yaml.MappingNode:
		if len(n.Content) != 2 {
			return bad("a strategy map has exactly one key, the strategy's name")
		}
		s.Name, arg = n.Content[0].Value, n.Content[1]
	default:
		return bad("a strategy is a name or a one-key map")
	}
	switch s.Name {
	case StrategySourcePriority:
		if arg != nil {
			if err := arg.Decode(&s.Priority); err != nil {
				return bad("source_priority takes a list of systems: {source_priority: [erp, crm]}")
			}
		}
	case StrategyTrustedSource:
		if arg == nil || arg.Kind != yaml.ScalarNode || arg.Value == "" {
			return bad("trusted_source names one system: {trusted_source: erp}")
		}
		s.System = arg.Value
	case StrategyMostRecent, StrategyMostComplete, StrategyNonEmpty:
		if arg != nil {
			return bad("%s takes no argument: write it as a bare name", s.Name)
		}
	default:
		return bad("unknown survivorship strategy %q (known: %s)", s.Name, strings.Join(StrategyNames, ", "))
	}
	return nil
}

// String is the strategy as configured: "most_recent", "source_priority [erp crm]",
// "trusted_source erp".
func (s Strategy) String() string {
	switch {
	case s.Name == StrategyTrustedSource:
		return s.Name + " " + s.System
	case len(s.Priority) > 0:
		return fmt.Sprintf("%s %v", s.Name, s.Priority)
	}
	return s.Name
}

// Strategies returns the ordered strategies for a field.
func (g *Golden) Strategies(field string) []Strategy {
	if s, ok := g.Survivorship.Fields[field]; ok {
		return s
	}
	if len(g.Survivorship.Default) > 0 {
		return g.Survivorship.Default
	}
	return []Strategy{{Name: StrategySourcePriority}, {Name: StrategyMostRecent}}
}

func parseGolden(file string, b []byte, name string) (*Golden, error) {
	g := &Golden{}
	src, err := decodeStrict(file, b, g)
	if err != nil {
		return nil, err
	}
	g.src = src
	if g.Entity == "" {
		g.Entity = name
	}
	return g, nil
}
