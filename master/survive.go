package master

import (
	"sort"
	"time"

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
// removed a value it held) empties the field only where that source decides it: it ranks first
// under a leading source_priority among the systems holding a value or a clear, or every source
// that held a value cleared it. Under most_recent a clear never wins: any source may blank a
// field by accident, so only an authoritative one may do it on purpose. Strategies narrow the candidates in
// order; the first that leaves one value decides and is recorded as the rule ("all agree" when
// every source holds the same value). Ties that no strategy breaks go to the most recent
// assertion, then the lowest system name and external ID, so the result is deterministic.
func Survive(model *config.Golden, contribs []Contribution) map[string]Choice {
	out := map[string]Choice{}
	for field := range model.Fields {
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
				out[field] = lastClear(clears)
			}
			continue
		}
		if c, ok := authoritativeClear(model, field, cands, clears); ok {
			out[field] = c
			continue
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
		rule := "all agree"
		if !sameValue(cands) {
			rule = "tie: first by system"
			for _, st := range model.Strategies(field) {
				cands = narrow(st, model, cands)
				if sameValue(cands) {
					rule = st.Name
					break
				}
			}
		}
		win := cands[0]
		win.Rule = rule
		out[field] = win
	}
	return out
}

// lastClear is the choice when no source holds a value and some cleared it: the latest clear.
func lastClear(clears []Choice) Choice {
	win := clears[0]
	for _, c := range clears[1:] {
		if c.SourceTime.After(win.SourceTime) {
			win = c
		}
	}
	win.Rule = "cleared: no source holds a value"
	return win
}

// authoritativeClear reports the clear that decides field: one by the system that ranks first,
// under the field's leading source_priority, among those holding a value or having cleared it.
// Clears Accord wrote itself (no source time) assert nothing and are passed over.
func authoritativeClear(model *config.Golden, field string, cands, clears []Choice) (Choice, bool) {
	sts := model.Strategies(field)
	if len(clears) == 0 || len(sts) == 0 || sts[0].Name != "source_priority" {
		return Choice{}, false
	}
	prio := sts[0].Priority
	if len(prio) == 0 {
		prio = model.Survivorship.SourcePriority
	}
	for _, sys := range prio {
		for _, c := range cands {
			if c.System == sys {
				return Choice{}, false
			}
		}
		for _, c := range clears {
			if c.System == sys && !c.SourceTime.IsZero() {
				c.Rule = "source_priority: " + sys + " ranks first and cleared it"
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

func narrow(st config.Strategy, model *config.Golden, cands []Choice) []Choice {
	switch st.Name {
	case "source_priority":
		prio := st.Priority
		if len(prio) == 0 {
			prio = model.Survivorship.SourcePriority
		}
		for _, sys := range prio {
			var keep []Choice
			for _, c := range cands {
				if c.System == sys {
					keep = append(keep, c)
				}
			}
			if len(keep) > 0 {
				return keep
			}
		}
		return cands
	case "most_recent":
		var best time.Time
		for _, c := range cands {
			if plausible(c.SourceTime) && c.SourceTime.After(best) {
				best = c.SourceTime
			}
		}
		if best.IsZero() {
			return cands
		}
		var keep []Choice
		for _, c := range cands {
			if c.SourceTime.Equal(best) {
				keep = append(keep, c)
			}
		}
		return keep
	}
	return cands
}

func plausible(t time.Time) bool { return t.After(sentinelBefore) && t.Before(sentinelAfter) }

func plausibleTime(t time.Time) time.Time {
	if plausible(t) {
		return t
	}
	return time.Time{}
}
