package master

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/accord-mdm/accord/config"
)

// Contribution is one system record's values, as input to survivorship.
type Contribution struct {
	System, ExternalID string
	Fields             map[string]FieldValue
}

// Choice is the value survivorship chose for one field and why.
type Choice struct {
	Value      string
	System     string
	ExternalID string
	SourceTime time.Time
	Rule       string
	// Cleared: the field is explicitly empty because the source that decides it cleared it.
	Cleared bool
}

// sentinelBefore and sentinelAfter bound plausible source times: values outside are placeholders
// (0000-00-00, 9999-12-31) and never win "most recent".
var (
	sentinelBefore = time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC)
	sentinelAfter  = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Survive computes the golden value of every field from the contributions. Only non-empty values
// compete, so a source without a value never blanks a field, and an explicit clear (a source
// removed a value it held) empties the field only where that source decides it: under a leading
// source_priority it ranks first among the systems holding a value or a clear, under a leading
// trusted_source it is the trusted system and no record of it holds a value, or every source that
// held a value cleared it. Under any other leading strategy a clear never wins: any source may
// blank a field by accident, so only an authoritative one may do it on purpose. Strategies narrow
// the candidates in order; the first that leaves one value decides and is recorded as the rule
// ("all agree" when every source holds the same value). Ties that no strategy breaks go to the
// most recent assertion, then the lowest system name and external ID, so the result is
// deterministic.
func Survive(model *config.Golden, contribs []Contribution) map[string]Choice {
	out := map[string]Choice{}
	for field := range model.Fields {
		if c, _, ok := surviveField(model, field, contribs); ok {
			out[field] = c
		}
	}
	return out
}

// step is one strategy survivorship applied to a field's candidate values, for explaining.
type step struct {
	// Strategy as applied: a source_priority without its own list carries the entity's.
	Strategy config.Strategy
	// Before and After count the candidate values (one per system record) it was given and kept.
	Before, After int
}

// surviveField decides one field: the choice, the strategies applied on the way, and false when
// no contribution holds a value or a clear.
func surviveField(model *config.Golden, field string, contribs []Contribution) (Choice, []step, bool) {
	var cands, clears []Choice
	for _, c := range contribs {
		fv, ok := c.Fields[field]
		switch {
		case !ok:
		case fv.holds():
			cands = append(cands, Choice{Value: fv.V, System: c.System, ExternalID: c.ExternalID, SourceTime: fv.T})
		case fv.Null:
			clears = append(clears, Choice{System: c.System, ExternalID: c.ExternalID, SourceTime: fv.T, Cleared: true})
		}
	}
	if len(cands) == 0 {
		if len(clears) > 0 {
			return lastClear(clears), nil, true
		}
		return Choice{}, nil, false
	}
	if c, ok := authoritativeClear(model, field, cands, clears); ok {
		return c, nil, true
	}
	// Most recent plausible assertion first, so that when sources agree the lineage names the
	// one that said it last; then by system and record for determinism.
	sort.Slice(cands, func(i, j int) bool {
		ti, tj := plausibleTime(cands[i].SourceTime), plausibleTime(cands[j].SourceTime)
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		if cands[i].System != cands[j].System {
			return cands[i].System < cands[j].System
		}
		return cands[i].ExternalID < cands[j].ExternalID
	})
	rule := RuleAllAgree
	var steps []step
	if !sameValue(cands) {
		rule = RuleTie
		for _, st := range model.Strategies(field) {
			st = resolve(st, model)
			before := len(cands)
			cands = narrow(st, cands)
			steps = append(steps, step{Strategy: st, Before: before, After: len(cands)})
			if sameValue(cands) {
				rule = st.Name
				break
			}
		}
	}
	win := cands[0]
	win.Rule = rule
	return win, steps, true
}

// Rules recorded in the lineage besides the strategy names (config.Strategy*).
const (
	// RuleAllAgree: every source holding a value holds the same one.
	RuleAllAgree = "all agree"
	// RuleTie: no strategy told the values apart; the latest assertion won, then the lowest
	// system name and record ID.
	RuleTie = "tie: first by system"
	// RuleAllCleared: no source holds a value and at least one cleared it.
	RuleAllCleared = "cleared: no source holds a value"
)

// resolve gives a source_priority without its own list the entity's ranking.
func resolve(st config.Strategy, model *config.Golden) config.Strategy {
	if st.Name == config.StrategySourcePriority && len(st.Priority) == 0 {
		st.Priority = model.Survivorship.SourcePriority
	}
	return st
}

// lastClear is the choice when no source holds a value and some cleared it: the latest clear.
func lastClear(clears []Choice) Choice {
	win := clears[0]
	for _, c := range clears[1:] {
		if c.SourceTime.After(win.SourceTime) {
			win = c
		}
	}
	win.Rule = RuleAllCleared
	return win
}

// authoritativeClear reports the clear that decides field. Under a leading source_priority that
// is a clear by the system ranking first among those holding a value or having cleared it; under
// a leading trusted_source, a clear by the trusted system when none of its records holds a value.
// Clears Accord wrote itself (no source time) assert nothing and are passed over.
func authoritativeClear(model *config.Golden, field string, cands, clears []Choice) (Choice, bool) {
	sts := model.Strategies(field)
	if len(clears) == 0 || len(sts) == 0 {
		return Choice{}, false
	}
	lead := resolve(sts[0], model)
	var prio []string
	switch lead.Name {
	case config.StrategySourcePriority:
		prio = lead.Priority
	case config.StrategyTrustedSource:
		prio = []string{lead.System}
	default:
		return Choice{}, false
	}
	for _, sys := range prio {
		for _, c := range cands {
			if c.System == sys {
				return Choice{}, false
			}
		}
		for _, c := range clears {
			if c.System == sys && !c.SourceTime.IsZero() {
				if lead.Name == config.StrategyTrustedSource {
					c.Rule = "trusted_source: " + sys + " is trusted and cleared it"
				} else {
					c.Rule = "source_priority: " + sys + " ranks first and cleared it"
				}
				return c, true
			}
		}
	}
	return Choice{}, false
}

func sameValue(cs []Choice) bool {
	for _, c := range cs[1:] {
		if c.Value != cs[0].Value {
			return false
		}
	}
	return true
}

// narrow keeps the candidates strategy st prefers, in their order; a strategy that cannot tell
// them apart keeps them all.
func narrow(st config.Strategy, cands []Choice) []Choice {
	switch st.Name {
	case config.StrategySourcePriority:
		for _, sys := range st.Priority {
			if keep := ofSystem(cands, sys); len(keep) > 0 {
				return keep
			}
		}
	case config.StrategyTrustedSource:
		if keep := ofSystem(cands, st.System); len(keep) > 0 {
			return keep
		}
	case config.StrategyMostRecent:
		var best time.Time
		for _, c := range cands {
			if plausible(c.SourceTime) && c.SourceTime.After(best) {
				best = c.SourceTime
			}
		}
		if !best.IsZero() {
			return filter(cands, func(c Choice) bool { return c.SourceTime.Equal(best) })
		}
	case config.StrategyMostComplete:
		best := 0
		for _, c := range cands {
			best = max(best, Completeness(c.Value))
		}
		return filter(cands, func(c Choice) bool { return Completeness(c.Value) == best })
	case config.StrategyNonEmpty:
		// The candidates are in tie-break order: the first that is not blank decides.
		if keep := filter(cands, func(c Choice) bool { return strings.TrimSpace(c.Value) != "" }); len(keep) > 0 {
			return keep[:1]
		}
	}
	return cands
}

// Completeness is what most_complete compares: the number of Unicode code points (runes) of v
// after trimming leading and trailing white space, so 深圳市示例科技有限公司 counts 11 and
// "Acme Co., Ltd." 14.
func Completeness(v string) int { return utf8.RuneCountInString(strings.TrimSpace(v)) }

func ofSystem(cands []Choice, sys string) []Choice {
	return filter(cands, func(c Choice) bool { return c.System == sys })
}

func filter(cands []Choice, keep func(Choice) bool) []Choice {
	var out []Choice
	for _, c := range cands {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func plausible(t time.Time) bool { return t.After(sentinelBefore) && t.Before(sentinelAfter) }

func plausibleTime(t time.Time) time.Time {
	if plausible(t) {
		return t
	}
	return time.Time{}
}
