package master

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/store"
)

// Explanation says, field by field, why a golden record holds what it holds: the value, the
// rule that chose it in words, and what every linked system record asserts.
type Explanation struct {
	ID      string `json:"id"`
	Entity  string `json:"entity"`
	Version int64  `json:"version"`
	// Requested is the ID asked for when it was merged into ID.
	Requested string             `json:"requested,omitempty"`
	Fields    []FieldExplanation `json:"fields"`
	// Unlinked are records deleted in their system: they no longer count.
	Unlinked []SourceView `json:"unlinked,omitempty"`
}

// FieldExplanation explains one golden field.
type FieldExplanation struct {
	Field string `json:"field"`
	// State is "value", "cleared" (explicitly empty) or "none" (no record holds a value).
	State string `json:"state"`
	Value string `json:"value,omitempty"`
	// Strategies are the field's survivorship strategies in order, as applied.
	Strategies []string `json:"strategies"`
	// Rule is the rule as the lineage records it; Reason says it in words.
	Rule       string      `json:"rule,omitempty"`
	Reason     string      `json:"reason"`
	System     string      `json:"system,omitempty"`
	ExternalID string      `json:"external_id,omitempty"`
	Assertions []Assertion `json:"assertions"`
	// Stale is set when the stored golden value is not what the rules choose now.
	Stale string `json:"stale,omitempty"`
}

// Assertion is what one linked system record says of a field.
type Assertion struct {
	System     string `json:"system"`
	ExternalID string `json:"external_id"`
	// State is "value", "empty" (""), "cleared" (the source removed a value it held) or
	// "silent" (the record does not map the field, or never held a value for it).
	State      string     `json:"state"`
	Value      string     `json:"value,omitempty"`
	SourceTime *time.Time `json:"source_time,omitempty"`
	// Note flags a source time that never wins most_recent.
	Note   string `json:"note,omitempty"`
	Winner bool   `json:"winner"`
}

// Assertion and field states.
const (
	StateValue   = "value"
	StateEmpty   = "empty"
	StateCleared = "cleared"
	StateSilent  = "silent"
	StateNone    = "none"
)

// Explain explains golden record id under the survivorship rules of models (golden models by
// entity, as config.Config.Golden holds them). The
// choices are worked out anew from the linked records; where the stored value differs (the record
// was computed under other rules and has not changed since), the field says so. A record merged
// into another is explained as the one it was merged into.
func Explain(ctx context.Context, tx *store.Tx, models map[string]*config.Golden, id string) (*Explanation, error) {
	g, err := tx.GetGolden(ctx, id)
	if err != nil {
		return nil, err
	}
	requested := ""
	if g.MergedInto.Valid {
		requested = id
		if g, err = tx.GetGolden(ctx, g.MergedInto.String); err != nil {
			return nil, err
		}
	}
	model := models[g.Entity]
	if model == nil {
		return nil, fmt.Errorf("golden record %s is a %s: the configuration has no golden model for it", g.ID, g.Entity)
	}
	stored, err := g.Fields()
	if err != nil {
		return nil, err
	}
	xs, err := tx.XrefsOf(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	ex := &Explanation{ID: g.ID, Entity: g.Entity, Version: g.Version, Requested: requested}
	var contribs []Contribution
	for _, x := range xs {
		if x.Deleted {
			ex.Unlinked = append(ex.Unlinked, SourceView{System: x.System, ExternalID: x.ExternalID, Origin: x.Origin, Deleted: true})
			continue
		}
		snap, err := decodeSnapshot(x.FieldsJSON)
		if err != nil {
			return nil, fmt.Errorf("xref %s/%s: %w", x.System, x.ExternalID, err)
		}
		contribs = append(contribs, Contribution{System: x.System, ExternalID: x.ExternalID, Fields: snap.Fields})
	}
	slices.SortFunc(contribs, func(a, b Contribution) int {
		return strings.Compare(a.System+"\x00"+a.ExternalID, b.System+"\x00"+b.ExternalID)
	})
	var derived map[string]Choice
	if model.Classification != nil {
		facts, err := tx.FactsOf(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		derived = Classify(model.Classification, facts, time.Now())
	}
	pins, err := tx.PinsOf(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	pinOf := map[string]*store.Pin{}
	for i := range pins {
		pinOf[pins[i].Field] = &pins[i]
	}
	for _, f := range slices.Sorted(maps.Keys(model.Fields)) {
		if c, ok := derived[f]; ok {
			ex.Fields = append(ex.Fields, explainDerived(f, c, stored))
			continue
		}
		ex.Fields = append(ex.Fields, explainField(model, f, contribs, stored, pinOf[f]))
	}
	return ex, nil
}

// explainDerived explains a field classification derives from the facts about the record.
func explainDerived(field string, c Choice, stored map[string]any) FieldExplanation {
	fe := FieldExplanation{Field: field, State: StateValue, Value: c.Value, Strategies: []string{"classification"},
		Rule: c.Rule, Reason: strings.TrimPrefix(c.Rule, "classification: "), Assertions: []Assertion{}}
	if now, was := describeValue(fe.State, fe.Value), describeStored(stored, field); now != was {
		fe.Stale = fmt.Sprintf("the golden record holds %s, the facts give %s as of today: the next classification pass stores it", was, now)
	}
	return fe
}

// explainField explains one field; pin is the field's steward pick, if it has one.
func explainField(model *config.Golden, field string, contribs []Contribution, stored map[string]any, pin *store.Pin) FieldExplanation {
	fe := FieldExplanation{Field: field, State: StateNone}
	for _, st := range model.Strategies(field) {
		fe.Strategies = append(fe.Strategies, resolve(st, model).String())
	}
	c, steps, ok := surviveField(model, field, contribs)
	why := "no linked record holds a value"
	if ok {
		why = reason(model, field, c, steps, contribs)
	}
	if pin != nil {
		c, ok, why = explainPin(*pin, contribs, c, ok, why)
	}
	fe.Reason = why
	switch {
	case !ok:
	case c.Cleared:
		fe.State, fe.Rule, fe.System, fe.ExternalID = StateCleared, c.Rule, c.System, c.ExternalID
	default:
		fe.State, fe.Value, fe.Rule, fe.System, fe.ExternalID = StateValue, c.Value, c.Rule, c.System, c.ExternalID
	}
	for _, ct := range contribs {
		fe.Assertions = append(fe.Assertions, assertion(ct, field, ok && ct.System == c.System && ct.ExternalID == c.ExternalID))
	}
	if now, was := describeValue(fe.State, fe.Value), describeStored(stored, field); now != was {
		fe.Stale = fmt.Sprintf("the golden record holds %s, these rules choose %s: it was computed under other rules and follows these at its next change", was, now)
	}
	return fe
}

// explainPin applies a field's steward pick to the strategies' choice c (ok: there is one)
// and its reason why: the pick wins while its record holds a value, and waits otherwise.
func explainPin(pin store.Pin, contribs []Contribution, c Choice, ok bool, why string) (Choice, bool, string) {
	who := pin.System + " " + pin.ExternalID
	pc, holds := pinned(pin, contribs)
	if !holds {
		return c, ok, fmt.Sprintf("%s; the steward pick of %s (review case %d, by %s) waits: that record holds no value",
			why, who, pin.ReviewCase, pin.DecidedBy)
	}
	return pc, true, fmt.Sprintf("picked by %s in review case %d: %s holds the value while it is linked and holds one (without the pick: %s)",
		pin.DecidedBy, pin.ReviewCase, who, why)
}

func assertion(ct Contribution, field string, winner bool) Assertion {
	a := Assertion{System: ct.System, ExternalID: ct.ExternalID, State: StateSilent, Winner: winner}
	fv, ok := ct.Fields[field]
	if !ok {
		return a
	}
	switch {
	case fv.Null:
		a.State = StateCleared
	case fv.V == "":
		a.State = StateEmpty
	default:
		a.State, a.Value = StateValue, fv.V
	}
	switch {
	case fv.T.IsZero():
		a.Note = "no source time (a value Accord wrote): never wins most_recent"
	case !plausible(fv.T):
		t := fv.T.UTC()
		a.SourceTime = &t
		a.Note = "placeholder date: never wins most_recent"
	default:
		t := fv.T.UTC()
		a.SourceTime = &t
	}
	return a
}

func describeValue(state, v string) string {
	switch state {
	case StateCleared:
		return "(cleared)"
	case StateNone:
		return "(none)"
	}
	return fmt.Sprintf("%q", v)
}

func describeStored(stored map[string]any, field string) string {
	v, ok := stored[field]
	switch {
	case !ok:
		return "(none)"
	case v == nil:
		return "(cleared)"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// reason says in words why c was chosen.
func reason(model *config.Golden, field string, c Choice, steps []step, contribs []Contribution) string {
	who := c.System + " " + c.ExternalID
	at := ""
	if plausible(c.SourceTime) {
		at = " at " + stamp(c.SourceTime)
	}
	holders, clearers, undated := 0, []string{}, []string{}
	for _, ct := range contribs {
		fv, ok := ct.Fields[field]
		switch {
		case ok && fv.holds():
			holders++
		case ok && fv.Null && fv.T.IsZero():
			undated = append(undated, ct.System+" "+ct.ExternalID)
		case ok && fv.Null:
			clearers = append(clearers, ct.System+" "+ct.ExternalID)
		}
	}
	var lead config.Strategy
	if sts := model.Strategies(field); len(sts) > 0 {
		lead = resolve(sts[0], model)
	}
	switch {
	case c.Cleared && c.Rule == RuleAllCleared:
		return "cleared: no linked record holds a value; " + who + " cleared it last" + at
	case c.Cleared && lead.Name == config.StrategyTrustedSource:
		return "cleared by " + who + at + ", the trusted source, which decides this field (trusted_source " + lead.System + ")"
	case c.Cleared:
		return "cleared by " + who + at + ", which decides this field: it ranks first among the systems holding a value or having cleared it (source priority " + strings.Join(lead.Priority, ", ") + ")"
	}
	var b strings.Builder
	switch c.Rule {
	case RuleAllAgree:
		if holders == 1 {
			b.WriteString(who + " is the only record holding a value")
		} else {
			fmt.Fprintf(&b, "all %d records holding a value agree; %s said it last%s", holders, who, at)
		}
		if len(clearers) > 0 {
			b.WriteString("; the clear by " + strings.Join(clearers, ", ") + " does not count: only a system that decides this field may clear it")
		}
		if len(undated) > 0 {
			b.WriteString("; the clear by " + strings.Join(undated, ", ") + " has no source time (Accord wrote it) and asserts nothing")
		}
		return b.String()
	case RuleTie:
		return "no strategy told the values apart (" + strategyList(steps) + "); the tie goes to the latest assertion, then the lowest system name: " + who + at
	}
	for _, s := range steps[:len(steps)-1] {
		if s.After < s.Before {
			fmt.Fprintf(&b, "%s kept %d of %d values; then ", s.Strategy.Name, s.After, s.Before)
		}
	}
	decider := steps[len(steps)-1].Strategy
	switch decider.Name {
	case config.StrategySourcePriority:
		fmt.Fprintf(&b, "%s ranks first among the systems holding a value (source priority %s)", who, strings.Join(decider.Priority, ", "))
	case config.StrategyTrustedSource:
		fmt.Fprintf(&b, "%s is the trusted source for this field (trusted_source %s)", who, decider.System)
	case config.StrategyMostRecent:
		fmt.Fprintf(&b, "%s changed it last%s (most recent)", who, at)
	case config.StrategyMostComplete:
		fmt.Fprintf(&b, "%s holds the most complete value: %d characters after trimming white space (most complete)", who, Completeness(c.Value))
	case config.StrategyNonEmpty:
		fmt.Fprintf(&b, "%s holds the first non-blank value, the latest asserted (non_empty)", who)
	default:
		fmt.Fprintf(&b, "%s chosen by %s", who, decider.Name)
	}
	return b.String()
}

func strategyList(steps []step) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Strategy.String()
	}
	return strings.Join(names, ", ")
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// ModelsFromRecorded returns the golden models of a configuration as a worker records it in the
// store (runner: {"systems": …, "golden": {entity: model}} in JSON).
func ModelsFromRecorded(content []byte) (map[string]*config.Golden, error) {
	var rec struct {
		Golden map[string]*config.Golden `json:"golden"`
	}
	if err := json.Unmarshal(content, &rec); err != nil {
		return nil, fmt.Errorf("decode recorded configuration: %w", err)
	}
	for entity, g := range rec.Golden {
		if g == nil {
			return nil, fmt.Errorf("recorded configuration: golden model %s is empty", entity)
		}
		if g.Entity == "" {
			g.Entity = entity
		}
	}
	return rec.Golden, nil
}
