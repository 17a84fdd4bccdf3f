package config

import (
	"slices"
)

// validateMatch checks the fuzzy match rules of g: known fields, derivations and comparisons,
// positive weights, thresholds in order, and blocking and rules only together.
func (g *Golden) validateMatch() []error {
	var errs []error
	at := func(path []any, format string, a ...any) { errs = append(errs, g.src.errorf(path, format, a...)) }
	m := g.Match
	for i, b := range m.Blocking {
		path := []any{"match", "blocking", i}
		if b.Kind == "" || len(b.Of) == 0 {
			at(path, "blocking key %d needs a kind and the fields it is made of (of)", i)
		}
		for j, p := range b.Of {
			if _, ok := g.Fields[p.Field]; !ok {
				at(append(path, "of", j), "blocking key %q uses unknown field %q", b.Kind, p.Field)
			}
			if p.Use != "" && !slices.Contains(BlockUses, p.Use) {
				at(append(path, "of", j), "blocking key %q: use %q is not one of %v", b.Kind, p.Use, BlockUses)
			}
			if (p.Use == "digits_suffix" && p.Length <= 0) || p.Length < 0 {
				at(append(path, "of", j), "blocking key %q: %s needs a length above 0", b.Kind, p.Use)
			}
		}
	}
	for i, r := range m.Rules {
		path := []any{"match", "rules", i}
		if _, ok := g.Fields[r.Field]; !ok {
			at(path, "match rule %d uses unknown field %q", i, r.Field)
		}
		if !slices.Contains(MatchCompares, r.Compare) {
			at(path, "match rule %d (%s): compare %q is not one of %v", i, r.Field, r.Compare, MatchCompares)
		}
		if _, ok := g.Fields[r.OrFrom]; r.OrFrom != "" && (!ok || r.Compare != "place") {
			at(path, "match rule %d (%s): or_from %q must be a field, and the rule compare place", i, r.Field, r.OrFrom)
		}
		if r.Weight <= 0 && !r.Veto {
			at(path, "match rule %d (%s): weight must be above 0 (or the rule a veto)", i, r.Field)
		}
	}
	if (len(m.Blocking) == 0) != (len(m.Rules) == 0) {
		at([]any{"match"}, "fuzzy matching needs both blocking keys and rules")
	}
	mergeAt, reviewAt := m.Thresholds()
	if !(0 < reviewAt && reviewAt <= mergeAt && mergeAt <= 1) {
		at([]any{"match"}, "thresholds must satisfy 0 < review_at (%g) <= merge_at (%g) <= 1", reviewAt, mergeAt)
	}
	return errs
}
