package master

import (
	"context"
	"fmt"

	"github.com/accord-mdm/accord/store"
)

// Unmerge splits the record externalID of system out of golden record id, in tx: the record
// becomes a golden record of its own (returned), both are recomputed from their contributors
// and queued for every system, and the pair is remembered as not a match so that no key or
// score merges them again. Each side's version history says who split them (by).
func (e *Engine) Unmerge(ctx context.Context, tx *store.Tx, id, system, externalID, by string) (string, error) {
	id, err := e.live(ctx, tx, id)
	if err != nil {
		return "", err
	}
	x, err := tx.GetXref(ctx, system, e.entity, externalID)
	if err != nil {
		return "", fmt.Errorf("contributor %s:%s: %w", system, externalID, err)
	}
	if x.GoldenID != id {
		return "", fmt.Errorf("contributor %s:%s belongs to golden record %s, not %s", system, externalID, x.GoldenID, id)
	}
	xs, err := tx.XrefsOf(ctx, id)
	if err != nil {
		return "", err
	}
	live := 0
	for _, o := range xs {
		if !o.Deleted {
			live++
		}
	}
	if live < 2 {
		return "", fmt.Errorf("golden record %s has no other contributor than %s:%s: nothing to split", id, system, externalID)
	}
	newID, err := newGoldenID()
	if err != nil {
		return "", err
	}
	snap, err := decodeSnapshot(x.FieldsJSON)
	if err != nil {
		return "", err
	}
	// The record contributes what its system asserted, not the merged values Accord wrote into
	// it since; the push that follows writes those back to it.
	x.GoldenID, x.FieldsJSON, x.UpdatedAt = newID, snap.own().encode(), e.Now()
	if err := tx.UpsertXref(ctx, x); err != nil {
		return "", err
	}
	// The facts about the record split out (its orders, its invoices) go with it.
	if err := tx.SplitFacts(ctx, id, newID, system, externalID); err != nil {
		return "", err
	}
	if err := tx.DropPinsOn(ctx, e.entity, system, externalID); err != nil { // a steward's pick of it was a pick for id
		return "", err
	}
	if _, err := e.recompute(ctx, tx, id, fmt.Sprintf("unmerged %s:%s by %s", system, externalID, by)); err != nil {
		return "", err
	}
	if _, err := e.recompute(ctx, tx, newID, fmt.Sprintf("split from %s by %s", id, by)); err != nil {
		return "", err
	}
	if err := tx.RememberNotAMatch(ctx, e.entity, id, newID, by, e.Now()); err != nil {
		return "", err
	}
	if err := tx.ObsoleteReviews(ctx, id, e.Now()); err != nil {
		return "", err
	}
	for _, g := range []string{id, newID} {
		if err := e.enqueueAll(ctx, tx, g); err != nil {
			return "", err
		}
	}
	return newID, nil
}
