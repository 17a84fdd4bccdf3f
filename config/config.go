// Package config loads an Accord configuration directory: systems/*.yaml (connectors and
// mappings), golden/*.yaml (golden entity models). It validates the whole directory and reports
// errors at the file and line they are in.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is a whole configuration directory.
type Config struct {
	Dir     string
	Systems map[string]*System
	Golden  map[string]*Golden
	// Hash identifies the content, so a running workflow can tell when it changed.
	Hash string
}

// System is one connected system: systems/<name>.yaml.
type System struct {
	Name      string `yaml:"name"`
	Connector string `yaml:"connector"`
	// Settings are passed to the connector. String values may be ${env:VAR} or ${file:path}
	// references; they are resolved by Resolve, inside activities, never in workflow inputs.
	Settings map[string]any      `yaml:"settings"`
	Entities map[string]*Binding `yaml:"entities"`
	// ValueMaps translate coded values (picklists, country or currency codes, customer groups)
	// between the system and the golden record; fields name them with value_map.
	ValueMaps map[string]*ValueMap `yaml:"value_maps"`
	src       source
}

// ValueMap translates a field's values: Values from the system's value to the golden one
// inbound, and back outbound.
type ValueMap struct {
	// Values maps each system value to its golden value.
	Values map[string]string `yaml:"values"`
	// Outbound picks the system value to write for a golden value that several system values
	// map to (two legacy codes for one status, say).
	Outbound map[string]string `yaml:"outbound"`
	// Unknown says what a value not in the map does: reject (default: the record is
	// quarantined, or the push, naming field and value), keep (passes unchanged), default.
	Unknown string `yaml:"unknown"`
	// Default, with unknown: default, is the golden value of a system value the map lacks.
	Default string `yaml:"default"`
	// OutboundDefault, with unknown: default, is written for a golden value the map lacks;
	// empty leaves the field out of the write.
	OutboundDefault string `yaml:"outbound_default"`
}

// Value-map policies for unknown values.
const (
	UnknownReject  = "reject"
	UnknownKeep    = "keep"
	UnknownDefault = "default"
)

// Binding ties a golden entity to one object of a system.
type Binding struct {
	Object       string    `yaml:"object"`
	Direction    Direction `yaml:"direction"`
	PollInterval Duration  `yaml:"poll_interval"`
	PushInterval Duration  `yaml:"push_interval"` // how often a drained push checks the outbox (default 1s)
	PageSize     int       `yaml:"page_size"`
	Create       *bool     `yaml:"create"`        // outbound may create records (default true)
	DeletePolicy string    `yaml:"delete_policy"` // what a delete read from this system does: unlink (default) or ignore
	Region       string    `yaml:"region"`        // default phone region (default CN)
	// Timezone reads timestamps written without an offset (IANA name; default UTC).
	Timezone string `yaml:"timezone"`
	// FailureRatio pauses the inbound sync when at least this share of the records of a window
	// of FailureWindow records fails mapping or validation (default 0.5; 0 never pauses).
	FailureRatio  *float64   `yaml:"pause_on_failure_ratio"`
	FailureWindow int        `yaml:"pause_on_failure_window"` // records (default 200)
	Fields        []FieldMap `yaml:"fields"`
	// Model is the golden entity's model, resolved at load: outbound expressions are
	// type-checked against its fields.
	Model *Golden `yaml:"-"`
}

// Creates reports whether outbound pushes may create records in the system.
func (b *Binding) Creates() bool { return b.Create == nil || *b.Create }

// Direction says which way records flow between a system and the golden store.
type Direction string

// Directions.
const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
	Both     Direction = "both"
)

// In reports whether records flow from the system into the golden store.
func (d Direction) In() bool { return d == Inbound || d == Both }

// Out reports whether golden records are pushed to the system.
func (d Direction) Out() bool { return d == Outbound || d == Both }

// FieldMap maps one golden field to and from a system's record.
type FieldMap struct {
	Golden string `yaml:"golden"`
	// From is the source path inbound (dots for nested objects).
	From string `yaml:"from"`
	// Expr computes the inbound value instead of From (expr-lang; the record's fields are
	// variables).
	Expr string `yaml:"expr"`
	// To is the target column outbound (default: From).
	To string `yaml:"to"`
	// ToExpr computes the outbound value (the golden fields are variables).
	ToExpr      string            `yaml:"to_expr"`
	Standardize string            `yaml:"standardize"`
	Params      map[string]string `yaml:"params"`
	Direction   Direction         `yaml:"direction"` // default both
	Required    bool              `yaml:"required"`
	// Default is the inbound value of a field the record lacks or holds as null ("" is a value).
	Default string `yaml:"default"`
	// ValueMap names one of the system's value_maps; ValueMapDef is it, resolved at load.
	ValueMap    string    `yaml:"value_map"`
	ValueMapDef *ValueMap `yaml:"-"`
	// Lookup resolves a reference the field holds (an owner's user ID, a parent account's ID).
	Lookup *Lookup `yaml:"lookup"`
	// GoldenDef is the golden field's declaration, resolved at load.
	GoldenDef *FieldDef `yaml:"-"`
}

// Lookup resolves a reference a field holds, in both directions. Exactly one of Object or Xref.
type Lookup struct {
	// Object is a table of the system, read through its connector: the record holds the Key of
	// one of its rows (default: the row's ID), the golden record keeps that row's Value (a user
	// ID becomes the user's e-mail; outbound the e-mail becomes this system's user ID).
	Object string `yaml:"object"`
	Key    string `yaml:"key"`
	Value  string `yaml:"value"`
	// Xref names a golden entity: the field holds the ID of a record of that entity in this
	// system, and the golden record keeps that record's golden ID; outbound, the golden ID
	// becomes the target system's ID of the same golden record.
	Xref string `yaml:"xref"`
	// Missing says what a reference that resolves to nothing does: reject (default: the record
	// is quarantined, naming field and value) or absent (the field is left out: no change).
	// Outbound, a golden record not yet in the target system is retried whatever the policy.
	Missing string `yaml:"missing"`
	// Refresh is how long an object's table is used before it is read again (default 10m).
	Refresh Duration `yaml:"refresh"`
}

// Lookup policies for references that resolve to nothing.
const (
	MissingReject = "reject"
	MissingAbsent = "absent"
)

// RefreshEvery is the table's refresh interval.
func (l *Lookup) RefreshEvery() time.Duration {
	if l.Refresh <= 0 {
		return 10 * time.Minute
	}
	return time.Duration(l.Refresh)
}

// Target is the outbound column, if any.
func (f FieldMap) Target() string {
	if f.To != "" {
		return f.To
	}
	return f.From
}

// Duration is a time.Duration written as "30s" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (like 30s or 5m)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Load reads and validates a configuration directory.
func Load(dir string) (*Config, error) {
	c := &Config{Dir: dir, Systems: map[string]*System{}, Golden: map[string]*Golden{}}
	var errs []error
	h := sha256.New()
	for _, sub := range []string{"golden", "systems"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.yaml"))
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f, err))
				continue
			}
			h.Write([]byte(f))
			h.Write(b)
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			if sub == "golden" {
				g, err := parseGolden(f, b, name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				c.Golden[g.Entity] = g
			} else {
				s, err := parseSystem(f, b, name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				c.Systems[s.Name] = s
			}
		}
	}
	if len(c.Systems) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no systems/*.yaml found", dir))
	}
	c.Hash = hex.EncodeToString(h.Sum(nil))[:16]
	errs = append(errs, c.validate()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// decodeStrict decodes a file into v, refusing unknown keys, and returns the file's YAML tree.
func decodeStrict(file string, b []byte, v any) (source, error) {
	src := source{file: file, root: &yaml.Node{}}
	if err := yaml.Unmarshal(b, src.root); err != nil {
		return src, fmt.Errorf("%s: %w", file, err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	err := dec.Decode(v)
	var te *yaml.TypeError
	if errors.As(err, &te) { // "line 2: field x not found" -> "file:2: field x not found"
		errs := make([]error, len(te.Errors))
		for i, msg := range te.Errors {
			if rest, ok := strings.CutPrefix(msg, "line "); ok {
				if n, after, ok := strings.Cut(rest, ": "); ok {
					errs[i] = fmt.Errorf("%s:%s: %s", file, n, after)
					continue
				}
			}
			errs[i] = fmt.Errorf("%s: %s", file, msg)
		}
		return src, errors.Join(errs...)
	}
	if err != nil {
		return src, fmt.Errorf("%s: %w", file, err)
	}
	return src, nil
}

func parseSystem(file string, b []byte, name string) (*System, error) {
	s := &System{}
	src, err := decodeStrict(file, b, s)
	if err != nil {
		return nil, err
	}
	s.src = src
	if s.Name == "" {
		s.Name = name
	}
	for _, vm := range s.ValueMaps {
		if vm != nil && vm.Unknown == "" {
			vm.Unknown = UnknownReject
		}
	}
	for _, bnd := range s.Entities {
		if bnd == nil {
			continue
		}
		if bnd.Direction == "" {
			bnd.Direction = Both
		}
		if bnd.PollInterval == 0 {
			bnd.PollInterval = Duration(5 * time.Second)
		}
		if bnd.FailureRatio == nil {
			half := 0.5
			bnd.FailureRatio = &half
		}
		if bnd.FailureWindow == 0 {
			bnd.FailureWindow = 200
		}
		if bnd.PushInterval == 0 {
			bnd.PushInterval = Duration(time.Second)
		}
		if bnd.PageSize == 0 {
			bnd.PageSize = 1000
		}
		if bnd.Timezone == "" {
			bnd.Timezone = "UTC"
		}
		if bnd.Region == "" {
			bnd.Region = "CN"
		}
		if bnd.DeletePolicy == "" {
			bnd.DeletePolicy = "unlink"
		}
		for i := range bnd.Fields {
			if vm := bnd.Fields[i].ValueMap; vm != "" {
				bnd.Fields[i].ValueMapDef = s.ValueMaps[vm] // nil for an unknown one: validate reports it
			}
			if bnd.Fields[i].Direction == "" {
				bnd.Fields[i].Direction = bnd.Direction // a field of an inbound binding is inbound
			}
		}
	}
	return s, nil
}

// SystemNames lists the systems, sorted.
func (c *Config) SystemNames() []string {
	names := make([]string, 0, len(c.Systems))
	for n := range c.Systems {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Targets lists the systems golden records of entity are pushed to, sorted.
func (c *Config) Targets(entity string) []string {
	var out []string
	for _, n := range c.SystemNames() {
		if b := c.Systems[n].Entities[entity]; b != nil && b.Direction.Out() {
			out = append(out, n)
		}
	}
	return out
}

// Sources lists the systems records of entity are read from, sorted.
func (c *Config) Sources(entity string) []string {
	var out []string
	for _, n := range c.SystemNames() {
		if b := c.Systems[n].Entities[entity]; b != nil && b.Direction.In() {
			out = append(out, n)
		}
	}
	return out
}

// Binding returns the binding of system×entity or an error naming what is missing.
func (c *Config) Binding(system, entity string) (*System, *Binding, error) {
	s, ok := c.Systems[system]
	if !ok {
		return nil, nil, fmt.Errorf("unknown system %q", system)
	}
	b, ok := s.Entities[entity]
	if !ok || b == nil {
		return nil, nil, fmt.Errorf("system %q has no entity %q", system, entity)
	}
	return s, b, nil
}

// SettingsJSON resolves ${env:VAR} and ${file:path} references in a system's settings and
// returns them as JSON for the connector. Call it where the secret is used, never earlier.
func (s *System) SettingsJSON() (json.RawMessage, error) {
	resolved, err := resolve(s.Settings, "settings")
	if err != nil {
		return nil, fmt.Errorf("system %s: %w", s.Name, err)
	}
	b, err := json.Marshal(resolved)
	if err != nil {
		return nil, fmt.Errorf("system %s: encode settings: %w", s.Name, err)
	}
	return b, nil
}

func resolve(v any, path string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			r, err := resolve(vv, path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			r, err := resolve(vv, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case string:
		return expandRefs(x, path)
	default:
		return v, nil
	}
}

// expandRefs replaces every ${env:VAR} and ${file:path} in s.
func expandRefs(s, path string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return "", fmt.Errorf("%s: unclosed ${ reference", path)
		}
		b.WriteString(s[:i])
		ref := s[i+2 : i+j]
		switch {
		case strings.HasPrefix(ref, "env:"):
			v, ok := os.LookupEnv(strings.TrimPrefix(ref, "env:"))
			if !ok {
				return "", fmt.Errorf("%s: environment variable %s is not set", path, strings.TrimPrefix(ref, "env:"))
			}
			b.WriteString(v)
		case strings.HasPrefix(ref, "file:"):
			v, err := os.ReadFile(strings.TrimPrefix(ref, "file:"))
			if err != nil {
				return "", fmt.Errorf("%s: %w", path, err)
			}
			b.WriteString(strings.TrimRight(string(v), "\r\n"))
		default:
			return "", fmt.Errorf("%s: unknown reference ${%s} (use ${env:VAR} or ${file:path})", path, ref)
		}
		s = s[i+j+1:]
	}
}

// Ambiguous returns a golden value that several system values map to and Outbound does not
// resolve, with those system values, sorted; "" if every golden value has one system value to
// write.
func (vm *ValueMap) Ambiguous() (string, []string) {
	by := map[string][]string{}
	for sys, g := range vm.Values {
		by[g] = append(by[g], sys)
	}
	for _, g := range slices.Sorted(maps.Keys(by)) {
		if sys := by[g]; len(sys) > 1 && vm.Outbound[g] == "" {
			sort.Strings(sys)
			return g, sys
		}
	}
	return "", nil
}
