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
	// Blocking keys bring candidates together for the fuzzy rules: a record no deterministic key
	// matched is scored only against golden records sharing one of its blocking keys, never
	// against all of them.
	Blocking []BlockDef `yaml:"blocking"`
	// Rules score a candidate: the weighted mean of the similarities of the fields both hold.
	Rules []MatchRule `yaml:"rules"`
	// MergeAt and ReviewAt are score thresholds: at or above MergeAt the record joins the
	// candidate; from ReviewAt it is held for a steward's review (defaults 0.92 and 0.80).
	MergeAt  float64 `yaml:"merge_at"`
	ReviewAt float64 `yaml:"review_at"`
	// EscalateAfter is how long a review case waits before it is escalated (default 48h).
	EscalateAfter Duration `yaml:"escalate_after"`
}

// BlockDef is one blocking key: the concatenation of its parts.
type BlockDef struct {
	Kind string      `yaml:"kind"`
	Of   []BlockPart `yaml:"of"`
}

// BlockPart derives part of a blocking key from a golden field.
type BlockPart struct {
	Field string `yaml:"field"`
	// Use is match_key (default), company_name_key, email_domain or digits_suffix (the last
	// Length digits: a phone's subscriber part). With Length, a match or company-name key is cut
	// to its first Length characters (a block of names that start alike).
	Use    string `yaml:"use"`
	Length int    `yaml:"length"`
}

// Block part derivations.
var BlockUses = []string{"match_key", "company_name_key", "email_domain", "digits_suffix"}

// MatchRule compares one field of a record and a candidate.
type MatchRule struct {
	Field string `yaml:"field"`
	// Compare is company_name (Jaro-Winkler over company-name keys, legal forms and regions
	// removed), text (Jaro-Winkler over match keys), exact (match keys equal), phone (E.164
	// equal; same last 8 digits 0.8) or email (keys equal; same non-free-mail domain 0.5).
	Compare string  `yaml:"compare"`
	Weight  float64 `yaml:"weight"`
	// Veto: two different values rule the pair out, whatever the rest scores.
	Veto bool `yaml:"veto"`
}

// Match rule comparisons.
var MatchCompares = []string{"company_name", "text", "exact", "phone", "email"}

// Thresholds returns the merge and review thresholds with their defaults.
func (m Match) Thresholds() (mergeAt, reviewAt float64) {
	mergeAt, reviewAt = m.MergeAt, m.ReviewAt
	if mergeAt == 0 {
		mergeAt = 0.92
	}
	if reviewAt == 0 {
		reviewAt = 0.80
	}
	return mergeAt, reviewAt
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
