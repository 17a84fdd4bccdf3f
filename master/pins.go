package master

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/store"
)

// Pick is a steward's choice, made with a merge decision, of the system record whose value a
// golden field takes. It names a field and a record, never a value, so it may travel in a
// workflow signal.
type Pick struct {
	Field  string `json:"field"`
	System string `json:"system"`
	// ExternalID names the record when the system has several holding a value for the field in
	// the merged golden record; "" picks the system's only one.
	ExternalID string `json:"external_id,omitempty"`
}

// String is the pick as accord review merge --pick takes it.
func (p Pick) String() string {
	if p.ExternalID == "" {
		return p.Field + "=" + p.System
	}
	return p.Field + "=" + p.System + ":" + p.ExternalID
}

// ErrBadPick is returned (wrapped) by Decide and CheckPicks for a pick that names no field of
// the model, or no record of the merged golden record holding a value for the field.
var ErrBadPick = errors.New("bad pick")

// ParsePick parses FIELD=SYSTEM or FIELD=SYSTEM:RECORD.
func ParsePick(s string) (Pick, error) {
	field, rec, ok := strings.Cut(s, "=")
	sys, id, _ := strings.Cut(rec, ":")
	p := Pick{Field: strings.TrimSpace(field), System: strings.TrimSpace(sys), ExternalID: strings.TrimSpace(id)}
	if !ok || p.Field == "" || p.System == "" || strings.Contains(rec, ":") && p.ExternalID == "" {
		return Pick{}, fmt.Errorf("%w: %q is not FIELD=SYSTEM or FIELD=SYSTEM:RECORD", ErrBadPick, s)
	}
	return p, nil
}

// RuleStewardPick is the lineage rule of a value a steward picked.
func RuleStewardPick(reviewCase int64, by string) string {
	return fmt.Sprintf("steward pick (review case %d, by %s)", reviewCase, by)
}

// resolvePicks checks picks against the model and the contributors of the merged golden record
// and returns the record each pins. An error names the pick, its field and its system.
func resolvePicks(model *config.Golden, contribs []Contribution, picks []Pick) ([]Contribution, error) {
	out := make([]Contribution, 0, len(picks))
	seen := map[string]bool{}
	for _, p := range picks {
		if _, ok := model.Fields[p.Field]; !ok {
			return nil, fmt.Errorf("%w %s: %s has no field %s", ErrBadPick, p, model.Entity, p.Field)
		}
		if model.Derived(p.Field) {
			return nil, fmt.Errorf("%w %s: %s is derived by classification from facts, no system's value to pick", ErrBadPick, p, p.Field)
		}
		if seen[p.Field] {
			return nil, fmt.Errorf("%w %s: field %s is picked twice", ErrBadPick, p, p.Field)
		}
		seen[p.Field] = true
		var holders []Contribution
		for _, c := range contribs {
			if c.System == p.System && (p.ExternalID == "" || c.ExternalID == p.ExternalID) && asserts(c, p.Field) {
				holders = append(holders, c)
			}
		}
		switch {
		case len(holders) == 0 && p.ExternalID == "":
			return nil, fmt.Errorf("%w %s: %s holds no value for %s in the merged record", ErrBadPick, p, p.System, p.Field)
		case len(holders) == 0:
			return nil, fmt.Errorf("%w %s: %s record %s holds no value for %s in the merged record", ErrBadPick, p, p.System, p.ExternalID, p.Field)
		case len(holders) > 1:
			ids := make([]string, len(holders))
			for i, h := range holders {
				ids[i] = h.ExternalID
			}
			return nil, fmt.Errorf("%w %s: %s has %d records holding %s (%s): pick one as %s=%s:RECORD",
				ErrBadPick, p, p.System, len(holders), p.Field, strings.Join(ids, ", "), p.Field, p.System)
		}
		out = append(out, holders[0])
	}
	return out, nil
}

// asserted is the value a record asserts itself for a field, which is what a pick takes: where
// Accord wrote a golden value over it, the value the record held before. False when it asserts
// none: blank, cleared, or a value Accord wrote into a record it created.
func (fv FieldValue) asserted() (FieldValue, bool) {
	if fv.T.IsZero() && fv.Own != nil {
		fv = *fv.Own
	}
	if fv.T.IsZero() || !fv.holds() {
		return FieldValue{}, false
	}
	return fv, true
}

func asserts(c Contribution, field string) bool {
	_, ok := c.Fields[field].asserted()
	return ok
}

// pinned is the choice pin makes: the picked record's own value (see asserted), while the
// record contributes to the golden record and asserts one. A pick never blanks a field: while the
// record holds none, the field's strategies decide.
func pinned(pin store.Pin, contribs []Contribution) (Choice, bool) {
	for _, c := range contribs {
		if c.System != pin.System || c.ExternalID != pin.ExternalID {
			continue
		}
		fv, ok := c.Fields[pin.Field].asserted()
		if !ok {
			return Choice{}, false
		}
		return Choice{Value: fv.V, System: c.System, ExternalID: c.ExternalID, SourceTime: fv.T,
			Rule: RuleStewardPick(pin.ReviewCase, pin.DecidedBy)}, true
	}
	return Choice{}, false
}

// applyPins replaces the survivorship choices of pinned fields by the pins that hold.
func applyPins(choices map[string]Choice, pins []store.Pin, contribs []Contribution) {
	for _, p := range pins {
		if c, ok := pinned(p, contribs); ok {
			choices[p.Field] = c
		}
	}
}

// pin is survivorship's hook for steward picks: the pins of golden record id that hold replace
// the strategies' choices.
func (e *Engine) pin(ctx context.Context, tx *store.Tx, id string, contribs []Contribution, choices map[string]Choice) error {
	pins, err := tx.PinsOf(ctx, id)
	if err != nil {
		return err
	}
	applyPins(choices, pins, contribs)
	return nil
}

// contributions returns the live contributors of golden record id.
func contributions(ctx context.Context, tx *store.Tx, id string) ([]Contribution, error) {
	xs, err := tx.XrefsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []Contribution
	for _, x := range xs {
		if x.Deleted {
			continue
		}
		snap, err := decodeSnapshot(x.FieldsJSON)
		if err != nil {
			return nil, fmt.Errorf("xref %s/%s: %w", x.System, x.ExternalID, err)
		}
		out = append(out, Contribution{System: x.System, ExternalID: x.ExternalID, Fields: snap.Fields})
	}
	return out, nil
}

// pinPicks checks a merge decision's picks against the contributors of golden record survivor
// (the held record absorbed already) and stores them as its pins.
func (e *Engine) pinPicks(ctx context.Context, tx *store.Tx, c *store.ReviewCase, survivor, by string, picks []Pick) error {
	if len(picks) == 0 {
		return nil
	}
	contribs, err := contributions(ctx, tx, survivor)
	if err != nil {
		return err
	}
	recs, err := resolvePicks(e.model, contribs, picks)
	if err != nil {
		return fmt.Errorf("review case %d: %w", c.ID, err)
	}
	for i, p := range picks {
		if err := tx.SetPin(ctx, store.Pin{GoldenID: survivor, Field: p.Field, Entity: e.entity, System: recs[i].System,
			ExternalID: recs[i].ExternalID, ReviewCase: c.ID, DecidedBy: by, DecidedAt: e.Now()}); err != nil {
			return err
		}
	}
	return nil
}

// CheckPicks checks the picks of a merge decision on open review case id without deciding it,
// under the golden models (by entity): each must name a field of the case's model and a record,
// of the held record or its candidate, holding a value for it. The error (ErrBadPick) names the
// field and the system.
func CheckPicks(ctx context.Context, tx *store.Tx, models map[string]*config.Golden, id int64, picks []Pick) error {
	c, err := tx.GetReview(ctx, id)
	if err != nil {
		return err
	}
	if c.Status != store.ReviewOpen {
		return fmt.Errorf("review case %d: %w", id, store.ErrReviewClosed)
	}
	model := models[c.Entity]
	if model == nil {
		return fmt.Errorf("review case %d is of entity %s: the configuration has no golden model for it", id, c.Entity)
	}
	var contribs []Contribution
	for _, g := range []string{c.GoldenID, c.CandidateID} { // an open case's candidate is merged into nothing
		cs, err := contributions(ctx, tx, g)
		if err != nil {
			return err
		}
		contribs = append(contribs, cs...)
	}
	if _, err := resolvePicks(model, contribs, picks); err != nil {
		return fmt.Errorf("review case %d: %w", id, err)
	}
	return nil
}
