package master

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/accord-mdm/accord/store"
)

// Steward decisions on a review case.
const (
	DecideMerge  = "merge"  // the held record is the candidate's customer: it joins the candidate
	DecideReject = "reject" // not a match: remembered, the held record is released as a customer of its own
)

// Decide applies a steward's decision on open review case id, in tx: a merge folds the held
// golden record into the candidate (or what the candidate was merged into since) and pushes the
// result to every system; "not a match" is remembered for the pair and releases the held record
// to the systems. The caller audits who decided (by). With a merge, picks choose for some fields
// the record whose value the golden record takes: they are kept as its pins (see pinned), and a
// pick that does not fit (ErrBadPick) fails the decision, which changes nothing then as tx is
// rolled back.
func (e *Engine) Decide(ctx context.Context, tx *store.Tx, id int64, action, by string, picks ...Pick) error {
	now := e.Now()
	c, err := tx.GetReview(ctx, id)
	if err != nil {
		return err
	}
	if c.Entity != e.entity {
		return fmt.Errorf("review case %d is of entity %s, not %s", id, c.Entity, e.entity)
	}
	switch action {
	case DecideMerge:
		if err := tx.DecideReview(ctx, id, store.ReviewMerged, by, now); err != nil {
			return err
		}
		survivor, err := e.live(ctx, tx, c.CandidateID)
		if err != nil {
			return err
		}
		if survivor == c.GoldenID {
			return fmt.Errorf("review case %d: the held record was merged into its candidate already", id)
		}
		if err := e.absorb(ctx, tx, survivor, c.GoldenID); err != nil {
			return err
		}
		if err := e.pinPicks(ctx, tx, c, survivor, by, picks); err != nil {
			return err
		}
		if _, err := e.recompute(ctx, tx, survivor, fmt.Sprintf("merged by %s (review case %d)", by, id)); err != nil {
			return err
		}
		return e.enqueueAll(ctx, tx, survivor)
	case DecideReject:
		if len(picks) > 0 {
			return fmt.Errorf("%w: values are picked with a merge, not with a reject", ErrBadPick)
		}
		if err := tx.DecideReview(ctx, id, store.ReviewRejected, by, now); err != nil {
			return err
		}
		if err := tx.RememberNotAMatch(ctx, e.entity, c.GoldenID, c.CandidateID, by, now); err != nil {
			return err
		}
		held, err := tx.Held(ctx, c.GoldenID)
		if err != nil || held { // another open case still holds it
			return err
		}
		return e.enqueueAll(ctx, tx, c.GoldenID)
	}
	return fmt.Errorf("unknown decision %q (merge or reject)", action)
}

// live follows merges from golden record id to the record that holds it now.
func (e *Engine) live(ctx context.Context, tx *store.Tx, id string) (string, error) {
	for range 16 {
		g, err := tx.GetGolden(ctx, id)
		if err != nil {
			return "", err
		}
		if !g.MergedInto.Valid {
			return id, nil
		}
		id = g.MergedInto.String
	}
	return "", fmt.Errorf("golden record %s: merge chain too long", id)
}

// enqueueAll queues golden record id for every target system, due now.
func (e *Engine) enqueueAll(ctx context.Context, tx *store.Tx, id string) error {
	g, err := tx.GetGolden(ctx, id)
	if err != nil {
		return err
	}
	for _, target := range e.cfg.Targets(e.entity) {
		if err := tx.Enqueue(ctx, target, e.entity, id, g.Version, e.Now()); err != nil {
			return err
		}
	}
	return nil
}

// ReviewView is what a steward sees of a case: both records' values, the rule scores, and the
// system records of each side with the values a merge may pick from.
type ReviewView struct {
	store.ReviewCase
	Rules     []RuleScore    `json:"rules"`
	Held      map[string]any `json:"held"`
	Candidate map[string]any `json:"candidate"`
	Records   []ReviewRecord `json:"records"`
}

// ReviewRecord is a system record linked to either side of a case and the values it asserts
// itself, which a merge may pick: where Accord wrote a golden value over one, the value it held
// before; none for a value Accord wrote into a record it created.
type ReviewRecord struct {
	Side       string            `json:"side"` // "held" or "candidate"
	System     string            `json:"system"`
	ExternalID string            `json:"external_id"`
	Values     map[string]string `json:"values"`
}

// DescribeReview returns case id with both golden records' current values.
func DescribeReview(ctx context.Context, tx *store.Tx, id int64) (*ReviewView, error) {
	c, err := tx.GetReview(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &ReviewView{ReviewCase: *c}
	if err := json.Unmarshal([]byte(c.Details), &v.Rules); err != nil {
		return nil, fmt.Errorf("review case %d: details: %w", id, err)
	}
	for _, side := range []struct {
		name, id string
		out      *map[string]any
	}{{"held", c.GoldenID, &v.Held}, {"candidate", c.CandidateID, &v.Candidate}} {
		contribs, err := contributions(ctx, tx, side.id)
		if err != nil {
			return nil, err
		}
		for _, ct := range contribs {
			r := ReviewRecord{Side: side.name, System: ct.System, ExternalID: ct.ExternalID, Values: map[string]string{}}
			for f, fv := range ct.Fields {
				if own, ok := fv.asserted(); ok {
					r.Values[f] = own.V
				}
			}
			v.Records = append(v.Records, r)
		}
		g, err := tx.GetGolden(ctx, side.id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if *side.out, err = g.Fields(); err != nil {
			return nil, err
		}
	}
	return v, nil
}
