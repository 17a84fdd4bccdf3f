package master

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/store"
)

// PageResult counts what happened to one page of inbound records.
type PageResult struct {
	Read        int `json:"read"`
	Unchanged   int `json:"unchanged"` // same content as last seen: an echo of our write or a re-read
	Changed     int `json:"changed"`   // records whose golden record was recomputed
	Created     int `json:"created"`   // new golden records
	Merged      int `json:"merged"`    // golden records merged into another
	Quarantined int `json:"quarantined"`
	Deleted     int `json:"deleted"`
	Review      int `json:"review"` // records held for a steward: they scored between the thresholds
}

// Add accumulates counts.
func (r *PageResult) Add(o PageResult) {
	r.Read += o.Read
	r.Unchanged += o.Unchanged
	r.Changed += o.Changed
	r.Created += o.Created
	r.Merged += o.Merged
	r.Quarantined += o.Quarantined
	r.Deleted += o.Deleted
	r.Review += o.Review
}

// Ingest merges one page read from system into the golden store, inside tx: mapping and
// validation (bad records are quarantined, the rest go on), matching, survivorship, lineage,
// cross-references and outbox rows. The caller stores the cursor in the same transaction.
// Lookups are answered from tables (object lookups, loaded by LoadTables before the transaction)
// and the store (cross-references). A record that refers to another record of the page not
// merged yet is tried again after the rest of the page.
func (e *Engine) Ingest(ctx context.Context, tx *store.Tx, m *mapping.Mapping, system string, b *config.Binding, recs []connectors.Record, tables Tables) (PageResult, error) {
	res := PageResult{Read: len(recs)}
	if err := tx.LockEntity(ctx, e.entity); err != nil {
		return res, err
	}
	// Facts classify their customers again: those are taken after the fact entity's own lock,
	// never the other way round (no deadlock).
	for _, f := range e.feeds {
		if err := tx.LockEntity(ctx, f.into.entity); err != nil {
			return res, err
		}
	}
	r := &resolver{ctx: ctx, tx: tx, system: system, tables: tables}
	seen := make(map[string]bool, len(recs))
	var later []connectors.Record
	for i := len(recs) - 1; i >= 0; i-- {
		// The same ID twice in a page: the last occurrence is the newest; earlier ones are skipped.
		rec := recs[i]
		if seen[rec.ID] {
			res.Unchanged++
			continue
		}
		seen[rec.ID] = true
		err := e.ingestOne(ctx, tx, m, r, system, b, rec, false, &res)
		if errors.Is(err, errWait) {
			later = append(later, rec)
			continue
		}
		if err != nil {
			return res, fmt.Errorf("%s record %s: %w", system, rec.ID, err)
		}
	}
	for _, rec := range later {
		if err := e.ingestOne(ctx, tx, m, r, system, b, rec, true, &res); err != nil {
			return res, fmt.Errorf("%s record %s: %w", system, rec.ID, err)
		}
	}
	return res, nil
}

// errWait: the record refers to a record not linked yet; try it again after the rest of the page.
var errWait = errors.New("refers to a record not merged yet")

// ingestOne merges one record. Not final, a record whose only errors are references to records
// not linked yet is left for later (errWait) instead of quarantined.
func (e *Engine) ingestOne(ctx context.Context, tx *store.Tx, m *mapping.Mapping, r mapping.Resolver, system string, b *config.Binding, rec connectors.Record, final bool, res *PageResult) error {
	now := e.Now()
	if rec.Undecodable != nil {
		res.Quarantined++
		return e.quarantine(ctx, tx, system, rec, []*mapping.FieldError{{System: system, Record: rec.ID, Field: "(fields)",
			Msg: "do not decode: " + rec.Undecodable.Error()}}, now)
	}
	x, err := tx.GetXref(ctx, system, e.entity, rec.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	proj := m.Project(rec.Fields)
	hash := mapping.Hash(proj)
	if x != nil && x.LastHash == hash && x.Deleted == rec.Deleted {
		res.Unchanged++
		return nil
	}
	if rec.Deleted {
		if x == nil || b.DeletePolicy == "ignore" {
			res.Unchanged++
			return nil
		}
		x.Deleted, x.LastHash, x.UpdatedAt = true, hash, now
		if err := tx.UpsertXref(ctx, x); err != nil {
			return err
		}
		res.Deleted++
		_, err := e.recompute(ctx, tx, x.GoldenID, "unlinked "+system+" record (deleted there)")
		return err
	}
	mapped, ferrs := m.Resolved(rec.ID, rec.Fields, r)
	if len(ferrs) > 0 {
		if !final && allUnresolved(ferrs) {
			return errWait
		}
		res.Quarantined++
		return e.quarantine(ctx, tx, system, rec, ferrs, now)
	}
	if x == nil {
		if err := tx.ResolveQuarantine(ctx, system, e.entity, rec.ID, "inbound", now); err != nil {
			return err
		}
	}
	var snap Snapshot
	if x != nil {
		if snap, err = decodeSnapshot(x.FieldsJSON); err != nil {
			return err
		}
	}
	src := rec.UpdatedAt.UTC()
	if rec.UpdatedAt.IsZero() {
		src = now
	}
	next := snap.update(proj, mapped, m.InboundFields(), src)

	goldenID := ""
	var held *Scored
	if x != nil && !x.Deleted {
		goldenID = x.GoldenID
	} else {
		if goldenID, held, err = e.match(ctx, tx, system, mapped.Texts(), res); err != nil {
			return err
		}
	}
	nx := &store.Xref{
		System: system, Entity: e.entity, ExternalID: rec.ID, GoldenID: goldenID,
		FieldsJSON: next.encode(), SourceUpdatedAt: sql.NullTime{Time: src, Valid: true},
		LastHash: hash, LastVersion: rec.Version, Origin: "read", UpdatedAt: now,
	}
	if x != nil && x.Origin == "write" {
		nx.Origin = "write"
	}
	if err := tx.UpsertXref(ctx, nx); err != nil {
		return err
	}
	changed, err := e.recompute(ctx, tx, goldenID, "read "+system+" record")
	if err != nil {
		return err
	}
	if held != nil {
		// The record is its own golden record, held (not pushed) until a steward decides.
		if _, err := tx.OpenReview(ctx, store.ReviewCase{Entity: e.entity, GoldenID: goldenID, CandidateID: held.ID,
			Score: held.Score, Details: detailsJSON(held), CreatedAt: now}); err != nil {
			return err
		}
		res.Review++
	}
	if changed {
		res.Changed++
	} else {
		res.Unchanged++
	}
	return nil
}

// holds reports whether golden record id links a live record of system.
func (e *Engine) holds(ctx context.Context, tx *store.Tx, id, system string) (bool, error) {
	x, err := tx.XrefIn(ctx, id, system, e.entity)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && !x.Deleted, err
}

func allUnresolved(errs []*mapping.FieldError) bool {
	for _, fe := range errs {
		if !fe.Unresolved {
			return false
		}
	}
	return true
}

// match finds the golden record for a record without a cross-reference: by deterministic keys,
// merging golden records the record proves to be one; failing those, by the fuzzy rules among
// the golden records sharing a blocking key. Scoring at or above the merge threshold joins the
// best candidate (unless it holds a record of the same system: then it is reviewed); between the
// thresholds, the record becomes a new golden record held for review
// against that candidate (held); below, a new golden record.
func (e *Engine) match(ctx context.Context, tx *store.Tx, system string, mapped map[string]string, res *PageResult) (id string, held *Scored, err error) {
	ids, err := tx.FindByKeys(ctx, e.entity, e.matchKeys(mapped))
	if err != nil {
		return "", nil, err
	}
	switch len(ids) {
	case 0:
		scored, err := e.fuzzyScores(ctx, tx, mapped)
		if err != nil {
			return "", nil, err
		}
		var best *Scored
		if len(scored) > 0 {
			best = &scored[0]
		}
		mergeAt, reviewAt := e.model.Match.Thresholds()
		if best != nil && best.Score >= mergeAt {
			// A system rarely holds one customer twice: joining a candidate that already holds a
			// record of this system is a steward's call, not a score's.
			same, err := e.holds(ctx, tx, best.ID, system)
			if err != nil {
				return "", nil, err
			}
			if !same {
				return best.ID, nil, e.bridge(ctx, tx, system, best.ID, scored[1:], res)
			}
		}
		if best != nil && best.Score >= reviewAt {
			held = best
		}
		res.Created++
		id, err := newGoldenID()
		return id, held, err
	case 1:
		return ids[0], nil, nil
	}
	// UUIDv7 IDs sort by creation time: the oldest golden record survives. A pair a steward
	// split or said are different customers is never merged again by a shared key.
	sort.Strings(ids)
	for _, other := range ids[1:] {
		apart, err := tx.NotAMatch(ctx, e.entity, ids[0], other)
		if err != nil {
			return "", nil, err
		}
		if apart {
			continue
		}
		if err := e.absorb(ctx, tx, ids[0], other); err != nil {
			return "", nil, err
		}
		res.Merged++
	}
	return ids[0], nil, nil
}

// absorb merges golden record other into survivor.
func (e *Engine) absorb(ctx context.Context, tx *store.Tx, survivor, other string) error {
	now := e.Now()
	if err := tx.MoveXrefs(ctx, other, survivor); err != nil {
		return err
	}
	if err := tx.MovePins(ctx, other, survivor); err != nil {
		return err
	}
	if err := tx.ReplaceMatchKeys(ctx, e.entity, other, nil); err != nil {
		return err
	}
	if err := tx.MoveOutbox(ctx, other); err != nil {
		return err
	}
	if err := tx.MoveFacts(ctx, other, survivor); err != nil { // the survivor is classified by both's
		return err
	}
	if err := tx.ObsoleteReviews(ctx, other, now); err != nil { // decided by a key before a steward did
		return err
	}
	return tx.MarkMerged(ctx, other, survivor, now)
}

// recompute applies survivorship to a golden record's contributors and, when the result
// differs, stores a new version with its lineage and queues it for every target system.
func (e *Engine) recompute(ctx context.Context, tx *store.Tx, goldenID, reason string) (bool, error) {
	now := e.Now()
	contribs, err := contributions(ctx, tx, goldenID)
	if err != nil {
		return false, err
	}
	if err := tx.ReplaceMatchKeys(ctx, e.entity, goldenID, e.keysOf(contribs)); err != nil {
		return false, err
	}
	choices := Survive(e.model, contribs)
	if err := e.pin(ctx, tx, goldenID, contribs, choices); err != nil {
		return false, err
	}
	if err := e.classify(ctx, tx, goldenID, choices); err != nil { // derived fields: no source, no pick
		return false, err
	}
	fields := make(map[string]any, len(choices))
	for f, c := range choices {
		fields[f] = c.Value
		if c.Cleared {
			fields[f] = nil // an explicit clear, pushed as null to the systems that hold a value
		}
	}
	fieldsJSON, err := json.Marshal(fields)
	if err != nil {
		return false, fmt.Errorf("encode golden fields: %w", err)
	}
	g, err := tx.GetGolden(ctx, goldenID)
	prev := int64(0)
	switch {
	case errors.Is(err, store.ErrNotFound):
		g = &store.Golden{ID: goldenID, Entity: e.entity, CreatedAt: now}
	case err != nil:
		return false, err
	default:
		prev = g.Version
		old, err := g.Fields()
		if err != nil {
			return false, err
		}
		if sameFields(old, fields) {
			return false, nil
		}
	}
	g.Version, g.FieldsJSON, g.UpdatedAt = prev+1, fieldsJSON, now
	if err := tx.SaveGolden(ctx, g, prev, reason, lineageOf(goldenID, g.Version, choices)); err != nil {
		return false, err
	}
	for _, target := range e.cfg.Targets(e.entity) {
		if err := tx.Enqueue(ctx, target, e.entity, goldenID, g.Version, now); err != nil {
			return false, err
		}
	}
	return true, e.refreshFact(ctx, tx, goldenID, fields)
}

func sameFields(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if fmt.Sprint(b[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

func lineageOf(goldenID string, version int64, choices map[string]Choice) []store.LineageEntry {
	out := make([]store.LineageEntry, 0, len(choices))
	for f, c := range choices {
		out = append(out, store.LineageEntry{
			GoldenID: goldenID, Version: version, Field: f, System: c.System, ExternalID: c.ExternalID,
			SourceUpdatedAt: sql.NullTime{Time: c.SourceTime, Valid: !c.SourceTime.IsZero()}, Rule: c.Rule,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func (e *Engine) quarantine(ctx context.Context, tx *store.Tx, system string, rec connectors.Record, ferrs []*mapping.FieldError, now time.Time) error {
	raw, err := json.Marshal(rec.Fields)
	if err != nil {
		raw = []byte(`{}`)
	}
	if rec.Undecodable != nil { // the bytes as they came, as a JSON string if they are not JSON
		if raw = rec.Raw; !json.Valid(raw) {
			raw, _ = json.Marshal(string(rec.Raw))
		}
	}
	msgs := make([]string, len(ferrs))
	for i, fe := range ferrs {
		msgs[i] = fe.Error()
	}
	return tx.Quarantine(ctx, store.QuarantineEntry{
		System: system, Entity: e.entity, ExternalID: rec.ID, Stage: "inbound",
		RawJSON: raw, Error: strings.Join(msgs, "; "), CreatedAt: now,
	})
}
