package master

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/accord-mdm/accord/store"
)

// ErrNotEmpty is returned by Load when the entity has golden records already: a bulk load is
// the first load of an entity; later records go through the incremental engine.
var ErrNotEmpty = errors.New("the entity has golden records already")

// loadChunk is how many clusters one batch of a load writes.
const loadChunk = 5000

// LoadStats count what Load wrote.
type LoadStats struct {
	Golden, Xrefs, Keys, Lineage, Outbox, Reviews int
	Elapsed                                       time.Duration
}

// Load writes a clustering of recs to the golden store in one transaction: per cluster a golden
// record at version 1 with survivorship, lineage and match keys as the incremental engine
// computes them, a cross-reference per record (so a sync reading the record again finds it
// unchanged), an outbox row per target system, and the review cases. Golden IDs are UUIDv7 in
// cluster order, so the oldest golden record is the one of the earliest records, as in
// incremental matching. It refuses (ErrNotEmpty) an entity that has golden records.
//
// Batches are computed on workers while the previous one is written.
func (e *Engine) Load(ctx context.Context, s *store.Store, recs []BulkRecord, c *Clustering, reason string) (LoadStats, error) {
	var st LoadStats
	start := time.Now()
	now := e.Now()
	ids := make([]string, len(c.Clusters))
	for i := range ids {
		id, err := newGoldenID()
		if err != nil {
			return st, err
		}
		ids[i] = id
	}
	batches := make(chan *store.Bulk, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		for lo := 0; lo < len(c.Clusters); lo += loadChunk {
			b := e.bulkBatch(recs, c, ids, lo, min(lo+loadChunk, len(c.Clusters)), reason, now)
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockEntity(ctx, e.entity); err != nil {
			return err
		}
		if has, err := tx.HasGolden(ctx, e.entity); err != nil || has {
			if err == nil {
				err = fmt.Errorf("load %s: %w", e.entity, ErrNotEmpty)
			}
			return err
		}
		done, err := tx.BeginBulk(ctx)
		if err != nil {
			return err
		}
		err = e.insertAll(ctx, tx, batches, reviewRows(e.entity, c, ids, now), &st)
		if derr := done(); err == nil {
			err = derr
		}
		return err
	})
	st.Elapsed = time.Since(start)
	if err != nil {
		cancel()
		for range batches { // let the producer end
		}
		return st, err
	}
	return st, nil
}

// insertAll inserts the batches as they come, then the review cases.
func (e *Engine) insertAll(ctx context.Context, tx *store.Tx, batches <-chan *store.Bulk, reviews []store.ReviewCase, st *LoadStats) error {
	for b := range batches {
		if err := tx.InsertBulk(ctx, b); err != nil {
			return err
		}
		st.Golden += len(b.Goldens)
		st.Xrefs += len(b.Xrefs)
		st.Keys += len(b.Keys)
		st.Lineage += len(b.Lineage)
		st.Outbox += len(b.Outbox)
	}
	st.Reviews = len(reviews)
	return tx.InsertBulk(ctx, &store.Bulk{Reviews: reviews})
}

// bulkBatch computes the rows of clusters [lo, hi), on all cores.
func (e *Engine) bulkBatch(recs []BulkRecord, c *Clustering, ids []string, lo, hi int, reason string, now time.Time) *store.Bulk {
	workers := runtime.GOMAXPROCS(0)
	parts := make([]store.Bulk, workers)
	parallel(hi-lo, workers, func(part, a, b int) {
		p := &parts[part]
		for i := lo + a; i < lo+b; i++ {
			e.bulkCluster(p, recs, c.Clusters[i], ids[i], now)
		}
	})
	out := &store.Bulk{Reason: reason}
	for _, p := range parts {
		out.Goldens = append(out.Goldens, p.Goldens...)
		out.Lineage = append(out.Lineage, p.Lineage...)
		out.Keys = append(out.Keys, p.Keys...)
		out.Xrefs = append(out.Xrefs, p.Xrefs...)
		out.Outbox = append(out.Outbox, p.Outbox...)
	}
	// In the order of their primary keys, inserts touch neighbouring pages of the B-trees.
	slices.SortFunc(out.Keys, func(a, b store.GoldenKey) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Value, b.Value), cmp.Compare(a.GoldenID, b.GoldenID))
	})
	slices.SortFunc(out.Xrefs, func(a, b store.Xref) int {
		return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.ExternalID, b.ExternalID))
	})
	return out
}

// bulkCluster adds one cluster's rows to b: what recompute writes for a new golden record.
func (e *Engine) bulkCluster(b *store.Bulk, recs []BulkRecord, members []int, id string, now time.Time) {
	contribs := make([]Contribution, len(members))
	for i, r := range members {
		rec := &recs[r]
		contribs[i] = rec.contribution()
		b.Xrefs = append(b.Xrefs, store.Xref{
			System: rec.System, Entity: e.entity, ExternalID: rec.ExternalID, GoldenID: id,
			FieldsJSON: rec.snapshot, SourceUpdatedAt: sql.NullTime{Time: rec.UpdatedAt, Valid: true},
			LastHash: rec.hash, LastVersion: rec.Version, Origin: "read", UpdatedAt: now,
		})
	}
	choices := Survive(e.model, contribs)
	fields := make(map[string]any, len(choices))
	for f, ch := range choices {
		fields[f] = ch.Value
		if ch.Cleared {
			fields[f] = nil
		}
	}
	fieldsJSON, _ := json.Marshal(fields) // strings and nulls only
	b.Goldens = append(b.Goldens, store.Golden{ID: id, Entity: e.entity, Version: 1, FieldsJSON: fieldsJSON, CreatedAt: now, UpdatedAt: now})
	b.Lineage = append(b.Lineage, lineageOf(id, 1, choices)...)
	for _, k := range e.keysOf(contribs) {
		b.Keys = append(b.Keys, store.GoldenKey{Entity: e.entity, GoldenID: id, MatchKey: k})
	}
	for _, target := range e.cfg.Targets(e.entity) {
		b.Outbox = append(b.Outbox, store.OutboxRow{System: target, Entity: e.entity, GoldenID: id, GoldenVersion: 1,
			Status: store.OutboxPending, NotBefore: now})
	}
}

func reviewRows(entity string, c *Clustering, ids []string, now time.Time) []store.ReviewCase {
	out := make([]store.ReviewCase, 0, len(c.Reviews))
	for _, r := range c.Reviews {
		s := r.Score
		out = append(out, store.ReviewCase{Entity: entity, GoldenID: ids[r.Held], CandidateID: ids[r.Candidate],
			Score: s.Score, Details: detailsJSON(&s), CreatedAt: now})
	}
	return out
}
