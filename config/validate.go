package config

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/accord-mdm/accord/mapping/standardize"
)

func (c *Config) validate() []error {
	var errs []error
	for _, g := range c.Golden {
		for i, k := range g.Match.Keys {
			if _, ok := g.Fields[k.Field]; !ok {
				errs = append(errs, g.src.errorf([]any{"match", "keys", i}, "match key %q uses unknown field %q", k.Kind, k.Field))
			}
			if k.Standardize != "" {
				if _, err := standardize.ByName(k.Standardize, nil); err != nil {
					errs = append(errs, g.src.errorf([]any{"match", "keys", i}, "match key %q: %v", k.Kind, err))
				}
			}
		}
		errs = append(errs, g.validateMatch()...)
		for _, name := range slices.Sorted(maps.Keys(g.Fields)) {
			d, path := g.Fields[name], []any{"fields", name}
			if d.Type == "" {
				d.Type = TypeString
				g.Fields[name] = d
			}
			switch {
			case !slices.Contains(fieldTypes, d.Type):
				errs = append(errs, g.src.errorf(path, "field %s: type %q is not one of %v", name, d.Type, fieldTypes))
			case d.Type == TypeEnum && len(d.Values) == 0:
				errs = append(errs, g.src.errorf(path, "field %s: an enum needs values", name))
			case d.Scale != nil && (d.Type != TypeDecimal || *d.Scale < 0):
				errs = append(errs, g.src.errorf(path, "field %s: scale is for decimal fields, 0 or more", name))
			case len(d.Values) > 0 && d.Type != TypeEnum:
				errs = append(errs, g.src.errorf(path, "field %s: values are for enum fields", name))
			}
		}
		errs = append(errs, c.validateSurvivorship(g)...)
		errs = append(errs, c.validateClassification(g)...)
	}
	for _, name := range c.SystemNames() {
		s := c.Systems[name]
		if s.Connector == "" {
			errs = append(errs, s.src.errorf(nil, "connector is required"))
		}
		if len(s.Entities) == 0 {
			errs = append(errs, s.src.errorf(nil, "no entities"))
		}
		entities := make([]string, 0, len(s.Entities))
		for e := range s.Entities {
			entities = append(entities, e)
		}
		sort.Strings(entities)
		for _, e := range entities {
			errs = append(errs, c.validateBinding(s, e)...)
		}
		errs = append(errs, s.validateValueMaps()...)
	}
	return errs
}

func (c *Config) validateBinding(s *System, entity string) []error {
	var errs []error
	// at reports an error at the binding's key (or, given "fields", i, at that field).
	var where []any
	at := func(format string, a ...any) {
		path := append([]any{"entities", entity}, where...)
		errs = append(errs, s.src.errorf(path, "entities.%s: %s", entity, fmt.Sprintf(format, a...)))
	}
	b := s.Entities[entity]
	g, ok := c.Golden[entity]
	if !ok {
		at("no golden model golden/%s.yaml", entity)
		return errs
	}
	if b == nil {
		at("empty")
		return errs
	}
	if b.Object == "" {
		at("object is required")
	}
	switch b.Direction {
	case Inbound, Outbound, Both:
	default:
		where = []any{"direction"}
		at("direction %q is not inbound, outbound or both", b.Direction)
	}
	if r := *b.FailureRatio; r < 0 || r > 1 {
		where = []any{"pause_on_failure_ratio"}
		at("pause_on_failure_ratio %v is not between 0 (never pause) and 1", r)
	}
	if b.FailureWindow < 10 {
		where = []any{"pause_on_failure_window"}
		at("pause_on_failure_window %d is under 10 records: one bad record would pause the sync", b.FailureWindow)
	}
	switch b.DeletePolicy {
	case "unlink", "ignore":
	default:
		where = []any{"delete_policy"}
		at("delete_policy %q is not unlink or ignore", b.DeletePolicy)
	}
	if _, err := time.LoadLocation(b.Timezone); err != nil {
		where = []any{"timezone"}
		at("timezone %q: %v", b.Timezone, err)
	}
	b.Model = g
	for i, f := range b.Fields {
		where = []any{"fields", i}
		if def, ok := g.Fields[f.Golden]; !ok {
			at("fields[%d]: unknown golden field %q", i, f.Golden)
		} else {
			b.Fields[i].GoldenDef = &def
		}
		if f.Direction.In() && f.From == "" && f.Expr == "" {
			at("fields[%d] (%s): inbound needs from or expr", i, f.Golden)
		}
		if err := derivedMapped(g, f); err != nil {
			at("fields[%d]: %v", i, err)
		}
		if f.Direction.Out() && f.Target() == "" && f.ToExpr == "" {
			at("fields[%d] (%s): outbound needs to, from or to_expr", i, f.Golden)
		}
		if f.Lookup != nil {
			for _, msg := range c.lookupProblems(s, f) {
				at("fields[%d] (%s): lookup: %s", i, f.Golden, msg)
			}
		}
		if f.ValueMap != "" && f.ValueMapDef == nil {
			at("fields[%d] (%s): unknown value_map %q (value_maps: %v)", i, f.Golden, f.ValueMap, slices.Sorted(maps.Keys(s.ValueMaps)))
		}
		if f.ValueMapDef != nil && f.Direction.Out() && f.ToExpr == "" {
			if g, sys := f.ValueMapDef.Ambiguous(); g != "" {
				at("fields[%d] (%s): value_map %s maps %v all to %q: say which to write in its outbound", i, f.Golden, f.ValueMap, sys, g)
			}
		}
		if f.Standardize != "" {
			params := map[string]string{}
			if f.Standardize == "phone" {
				params["region"] = b.Region
			}
			for k, v := range f.Params {
				params[k] = v
			}
			if _, err := standardize.ByName(f.Standardize, params); err != nil {
				at("fields[%d] (%s): %v", i, f.Golden, err)
			}
		}
	}
	return errs
}

// validateValueMaps checks each value map's policy.
func (s *System) validateValueMaps() []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(s.ValueMaps)) {
		vm, path := s.ValueMaps[name], []any{"value_maps", name}
		switch {
		case vm == nil || len(vm.Values) == 0:
			errs = append(errs, s.src.errorf(path, "value_maps.%s: no values", name))
		case vm.Unknown != UnknownReject && vm.Unknown != UnknownKeep && vm.Unknown != UnknownDefault:
			errs = append(errs, s.src.errorf(append(path, "unknown"), "value_maps.%s: unknown %q is not reject, keep or default", name, vm.Unknown))
		case vm.Unknown == UnknownDefault && vm.Default == "":
			errs = append(errs, s.src.errorf(path, "value_maps.%s: unknown: default needs a default", name))
		}
	}
	return errs
}

// lookupProblems checks a field's lookup: one kind, its keys, and that a cross-reference names an
// entity the system holds.
func (c *Config) lookupProblems(s *System, f FieldMap) []string {
	l := f.Lookup
	var out []string
	switch {
	case (l.Object == "") == (l.Xref == ""):
		out = append(out, "set exactly one of object (a table of the system) or xref (a golden entity)")
	case l.Object != "" && l.Value == "":
		out = append(out, "object "+l.Object+" needs value: the field of its rows the golden record keeps")
	case l.Xref != "":
		if l.Key != "" || l.Value != "" {
			out = append(out, "key and value belong to object lookups, not xref")
		}
		if _, ok := c.Golden[l.Xref]; !ok {
			out = append(out, fmt.Sprintf("xref %q is not a golden entity", l.Xref))
		} else if _, ok := s.Entities[l.Xref]; !ok {
			out = append(out, fmt.Sprintf("xref %s: system %s has no %s entity to look references up in", l.Xref, s.Name, l.Xref))
		}
	}
	switch l.Missing {
	case "", MissingReject, MissingAbsent:
	default:
		out = append(out, fmt.Sprintf("missing %q is not reject or absent", l.Missing))
	}
	if f.Expr != "" || f.ToExpr != "" {
		out = append(out, "a lookup resolves a from/to field, not an expression's result")
	}
	return out
}

// validateSurvivorship checks that survivorship rules name golden fields and configured
// systems, each system once per ranking, and that a source_priority without its own list has
// the entity's ranking to use.
func (c *Config) validateSurvivorship(g *Golden) []error {
	var errs []error
	sv := g.Survivorship
	// systems checks one ranking (or a trusted source) at path.
	systems := func(path []any, what string, names []string, list bool) {
		seen := map[string]bool{}
		for i, name := range names {
			at := path
			if list {
				at = append(slices.Clone(path), i)
			}
			switch {
			case c.Systems[name] == nil:
				errs = append(errs, g.src.errorf(at, "%s: %q is not a configured system (systems: %v)", what, name, c.SystemNames()))
			case seen[name]:
				errs = append(errs, g.src.errorf(at, "%s: %q is listed twice", what, name))
			}
			seen[name] = true
		}
	}
	systems([]any{"survivorship", "source_priority"}, "survivorship.source_priority", sv.SourcePriority, true)
	strategies := func(path []any, where string, sts []Strategy) {
		for i, st := range sts {
			at := append(slices.Clone(path), i)
			switch st.Name {
			case StrategySourcePriority:
				if len(st.Priority) == 0 && len(sv.SourcePriority) == 0 {
					errs = append(errs, g.src.errorf(at, "%s: source_priority without a list and no survivorship.source_priority to use: it would decide nothing", where))
				}
				systems(append(at, StrategySourcePriority), where+": source_priority", st.Priority, true)
			case StrategyTrustedSource:
				systems(append(at, StrategyTrustedSource), where+": trusted_source", []string{st.System}, false)
			}
		}
	}
	strategies([]any{"survivorship", "default"}, "survivorship.default", sv.Default)
	for _, f := range slices.Sorted(maps.Keys(sv.Fields)) {
		path := []any{"survivorship", "fields", f}
		if _, ok := g.Fields[f]; !ok {
			errs = append(errs, g.src.errorf(path, "survivorship for unknown field %q", f))
		}
		strategies(path, "survivorship.fields."+f, sv.Fields[f])
	}
	return errs
}
