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
	// Classification, when set, derives lifecycle and tier fields from facts.
	Classification *Classification `yaml:"classification"`
	src            source
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
	// Compare is company_name (company names, legal forms and regions removed: the share of
	// alike words, or Jaro-Winkler for Chinese and one-word names), text (Jaro-Winkler over
	// match keys), exact (match keys equal), tax_id (equal, or a 统一社会信用代码 and the old
	// 税务登记号 with the same organisation code), phone (E.164 equal; same last 8 digits 0.8),
	// email (keys equal; same non-free-mail domain 0.9) or place (the same city in Chinese or
	// pinyin, with or without its 市/city suffix: different cities share characters, so no
	// similarity).
	Compare string  `yaml:"compare"`
	Weight  float64 `yaml:"weight"`
	// OrFrom (compare place only) names a tax-ID field: where one side has no Field, the city its
	// 统一社会信用代码 was issued in stands in (a finance system holds no city, but a tax ID that
	// names one).
	OrFrom string `yaml:"or_from"`
	// Veto: two different values rule the pair out, whatever the rest scores.
	Veto bool `yaml:"veto"`
}

// Match rule comparisons.
var MatchCompares = []string{"company_name", "text", "exact", "tax_id", "place", "phone", "email"}

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
