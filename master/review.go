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
// to the systems. The caller audits who decided (by).
func (e *Engine) Decide(ctx context.Context, tx *store.Tx, id int64, action, by string) error {
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
		if _, err := e.recompute(ctx, tx, survivor, fmt.Sprintf("merged by %s (review case %d)", by, id)); err != nil {
			return err
		}
		return e.enqueueAll(ctx, tx, survivor)
	case DecideReject:
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

// ReviewView is what a steward sees of a case: both records' values and the rule scores.
type ReviewView struct {
	store.ReviewCase
	Rules     []RuleScore    `json:"rules"`
	Held      map[string]any `json:"held"`
	Candidate map[string]any `json:"candidate"`
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
		id  string
		out *map[string]any
	}{{c.GoldenID, &v.Held}, {c.CandidateID, &v.Candidate}} {
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
