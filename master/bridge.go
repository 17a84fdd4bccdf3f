package master

import (
	"context"

	"github.com/accord-mdm/accord/store"
)

// bridge merges into target, which a record of system is joining by score, the other golden
// records that record also scores at or above the merge threshold against (others, best first):
// the record proves them one customer, as a record sharing keys with two golden records does.
// Scores do not wait for the order records arrive in: a finance record holding only a name
// stays apart from the ERP record of its company, until the CRM record, which matches both,
// comes. A golden record a steward said differs from target, or one holding a record of a
// system target (with the record) already holds, stays apart: the same-system rule.
func (e *Engine) bridge(ctx context.Context, tx *store.Tx, system, target string, others []Scored, res *PageResult) error {
	mergeAt, _ := e.model.Match.Thresholds()
	var held map[string]bool
	for _, o := range others {
		if o.Score < mergeAt {
			return nil
		}
		if held == nil {
			var err error
			if held, err = e.systemsOf(ctx, tx, target); err != nil {
				return err
			}
			held[system] = true
		}
		apart, err := tx.NotAMatch(ctx, e.entity, target, o.ID)
		if err != nil {
			return err
		}
		theirs, err := e.systemsOf(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if apart || overlaps(held, theirs) {
			continue
		}
		if err := e.absorb(ctx, tx, target, o.ID); err != nil {
			return err
		}
		res.Merged++
		for s := range theirs {
			held[s] = true
		}
	}
	return nil
}

// systemsOf returns the systems golden record id links live records of.
func (e *Engine) systemsOf(ctx context.Context, tx *store.Tx, id string) (map[string]bool, error) {
	xs, err := tx.XrefsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(xs))
	for _, x := range xs {
		if !x.Deleted {
			out[x.System] = true
		}
	}
	return out, nil
}

func overlaps(a, b map[string]bool) bool {
	for k := range b {
		if a[k] {
			return true
		}
	}
	return false
}
