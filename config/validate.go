package config

import (
	"fmt"
	"sort"

	"github.com/accord-mdm/accord/mapping/standardize"
)

func (c *Config) validate() []error {
	var errs []error
	for _, g := range c.Golden {
		for _, k := range g.Match.Keys {
			if _, ok := g.Fields[k.Field]; !ok {
				errs = append(errs, fmt.Errorf("%s: match key %q uses unknown field %q", g.file, k.Kind, k.Field))
			}
			if k.Standardize != "" {
				if _, err := standardize.ByName(k.Standardize, nil); err != nil {
					errs = append(errs, fmt.Errorf("%s: match key %q: %w", g.file, k.Kind, err))
				}
			}
		}
		for f := range g.Survivorship.Fields {
			if _, ok := g.Fields[f]; !ok {
				errs = append(errs, fmt.Errorf("%s: survivorship for unknown field %q", g.file, f))
			}
		}
	}
	for _, name := range c.SystemNames() {
		s := c.Systems[name]
		if s.Connector == "" {
			errs = append(errs, fmt.Errorf("%s: connector is required", s.file))
		}
		if len(s.Entities) == 0 {
			errs = append(errs, fmt.Errorf("%s: no entities", s.file))
		}
		entities := make([]string, 0, len(s.Entities))
		for e := range s.Entities {
			entities = append(entities, e)
		}
		sort.Strings(entities)
		for _, e := range entities {
			errs = append(errs, c.validateBinding(s, e)...)
		}
	}
	return errs
}

func (c *Config) validateBinding(s *System, entity string) []error {
	var errs []error
	at := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: entities.%s: %s", s.file, entity, fmt.Sprintf(format, a...)))
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
		at("direction %q is not inbound, outbound or both", b.Direction)
	}
	switch b.DeletePolicy {
	case "unlink", "ignore":
	default:
		at("delete_policy %q is not unlink or ignore", b.DeletePolicy)
	}
	for i, f := range b.Fields {
		if _, ok := g.Fields[f.Golden]; !ok {
			at("fields[%d]: unknown golden field %q", i, f.Golden)
		}
		if f.Direction.In() && f.From == "" && f.Expr == "" {
			at("fields[%d] (%s): inbound needs from or expr", i, f.Golden)
		}
		if f.Direction.Out() && f.Target() == "" && f.ToExpr == "" {
			at("fields[%d] (%s): outbound needs to, from or to_expr", i, f.Golden)
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
