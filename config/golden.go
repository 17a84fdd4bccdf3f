package config

import (
	"fmt"

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

// Strategy is one survivorship rule: "most_recent", or {source_priority: [a, b]}.
type Strategy struct {
	Name     string
	Priority []string
}

// UnmarshalYAML accepts a bare name or a one-key map.
func (s *Strategy) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		s.Name = n.Value
	case yaml.MappingNode:
		if len(n.Content) != 2 {
			return fmt.Errorf("line %d: a strategy map has exactly one key", n.Line)
		}
		s.Name = n.Content[0].Value
		if err := n.Content[1].Decode(&s.Priority); err != nil {
			return fmt.Errorf("line %d: %s takes a list of systems: %w", n.Line, s.Name, err)
		}
	default:
		return fmt.Errorf("line %d: a strategy is a name or a one-key map", n.Line)
	}
	switch s.Name {
	case "source_priority", "most_recent":
		return nil
	}
	return fmt.Errorf("line %d: unknown survivorship strategy %q (known: source_priority, most_recent)", n.Line, s.Name)
}

// Strategies returns the ordered strategies for a field.
func (g *Golden) Strategies(field string) []Strategy {
	if s, ok := g.Survivorship.Fields[field]; ok {
		return s
	}
	if len(g.Survivorship.Default) > 0 {
		return g.Survivorship.Default
	}
	return []Strategy{{Name: "source_priority"}, {Name: "most_recent"}}
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
