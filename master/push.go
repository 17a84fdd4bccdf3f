package master

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/store"
)

// PushItem is one outbox row prepared for a write: the op to send, or the reason none is needed.
type PushItem struct {
	Row store.OutboxRow
	// Op is the write; nil when nothing needs writing (Skip says why).
	Op   *connectors.WriteOp
	Skip string
	// Defer is set when the row must wait for the first full read of every source.
	Defer bool
	// Fail is set when the mapping cannot say what to write (an outbound expression or value
	// map fails on this record's values): the row is quarantined, the rest of the batch goes on.
	Fail     *connectors.OpError
	xref     *store.Xref
	snap     Snapshot
	deferFor time.Duration // how long a deferred row waits (default deferFor)
}

// PushResult counts what one push batch did.
type PushResult struct {
	Claimed    int `json:"claimed"`
	Created    int `json:"created"`
	Updated    int `json:"updated"`
	Suppressed int `json:"suppressed"` // nothing to change: the system holds the golden values already
	Deferred   int `json:"deferred"`   // pushes waiting for the first full read of every source
	Retried    int `json:"retried"`
	Failed     int `json:"failed"`
}

// PlanPush turns claimed outbox rows into write ops. A row whose system already holds every
// golden value needs no write (this is where echoes die); a record the system lacks is created
// only when the binding allows it. Nothing is written before every source has been read in full
// (createsReady): a customer not read yet may exist in a system already, and an update could
// overwrite the key that links a record not read yet to its golden record.
//
// Lookups are answered from tables (object lookups) and the store (cross-references); a
// reference to a golden record the system does not hold yet makes the push retry.
func (e *Engine) PlanPush(ctx context.Context, tx *store.Tx, m *mapping.Mapping, system string, b *config.Binding, rows []store.OutboxRow, createsReady bool, tables Tables) ([]PushItem, error) {
	items := make([]PushItem, 0, len(rows))
	r := &resolver{ctx: ctx, tx: tx, system: system, tables: tables}
	for _, row := range rows {
		it := PushItem{Row: row}
		g, err := tx.GetGolden(ctx, row.GoldenID)
		if errors.Is(err, store.ErrNotFound) {
			it.Skip = "golden record gone"
			items = append(items, it)
			continue
		}
		if err != nil {
			return nil, err
		}
		if !createsReady {
			// Until every source was read once, a push could create a customer that exists but was
			// not read yet, or overwrite the very value (an e-mail, a tax ID) that links a record
			// not read yet to this golden record.
			it.Skip, it.Defer = "waiting for the first full read of every source", true
			items = append(items, it)
			continue
		}
		if g.MergedInto.Valid {
			it.Skip = "merged into " + g.MergedInto.String
			items = append(items, it)
			continue
		}
		held, err := tx.Held(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		if held {
			// Pushing a record a steward may yet merge would create a duplicate in the system.
			it.Skip, it.Defer, it.deferFor = "held for review", true, holdFor
			items = append(items, it)
			continue
		}
		it.Row.GoldenVersion = g.Version
		fields, err := g.Fields()
		if err != nil {
			return nil, fmt.Errorf("golden record %s: %w", g.ID, err)
		}
		x, err := tx.XrefIn(ctx, g.ID, system, e.entity)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		idem := fmt.Sprintf("%s:%d:%s", g.ID, g.Version, system)
		if x == nil || x.LastVersion == pendingCreate {
			if x == nil && !b.Creates() {
				it.Skip = "not in system; creates disabled"
				items = append(items, it)
				continue
			}

			if err := e.planCreate(ctx, tx, m, r, system, g.ID, idem, fields, &it); err != nil {
				return nil, err
			}
			items = append(items, it)
			continue
		}
		snap, err := decodeSnapshot(x.FieldsJSON)
		if err != nil {
			return nil, err
		}
		current := make(map[string]string, len(snap.Fields))
		for f, fv := range snap.Fields {
			if !fv.Null && !fv.Stale {
				current[f] = fv.V
			}
		}
		changes, err := m.Changes(fields, current, snap.Raw, r)
		if err != nil {
			it.Fail, it.xref = outboundFailure(err), x
			items = append(items, it)
			continue
		}
		if len(changes) == 0 {
			it.Skip = "system holds the golden values"
			items = append(items, it)
			continue
		}
		it.Op = &connectors.WriteOp{Kind: connectors.OpUpsert, ExternalID: x.ExternalID, IdempotencyKey: idem, Fields: changes}
		it.xref, it.snap = x, snap
		items = append(items, it)
	}
	return items, nil
}

// outboundFailure is a record the outbound mapping cannot translate: retrying will not help
// until the mapping or the golden value changes — but for a reference to a record the system
// does not hold yet, which its own push is usually creating.
func outboundFailure(err error) *connectors.OpError {
	if errors.Is(err, mapping.ErrNotLinked) {
		return &connectors.OpError{Kind: connectors.Retryable, Message: "outbound mapping: " + err.Error()}
	}
	return &connectors.OpError{Kind: connectors.Permanent, Message: "outbound mapping: " + err.Error()}
}

// pendingCreate marks the cross-reference of a record Accord is creating: it is written, keyed
// by the create key, in the same transaction that claims the push — before the system holds the
// record — so an inbound sync that reads the new record before the push is recorded recognises it
// as ours instead of taking it for a new customer.
const pendingCreate = "pending-create"

// deferFor is how long a deferred create waits before it is looked at again; holdFor, a record
// held for review (a decision releases it at once).
const (
	deferFor = 2 * time.Second
	holdFor  = time.Minute
)

func (e *Engine) planCreate(ctx context.Context, tx *store.Tx, m *mapping.Mapping, r mapping.Resolver, system, goldenID, idem string, fields map[string]any, it *PushItem) error {
	out, err := m.Outbound(fields, r)
	if err != nil {
		it.Fail = outboundFailure(err)
		return nil
	}
	it.Op = &connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: goldenID, IdempotencyKey: idem, Fields: out}
	// A new record holds nothing but what we write: the other mapped fields read back null.
	it.snap = Snapshot{Raw: map[string]any{}, Fields: map[string]FieldValue{}}
	for _, c := range m.Columns {
		it.snap.Raw[c] = nil
	}
	after := afterWrite(m, it.snap, out)
	return tx.UpsertXref(ctx, &store.Xref{
		System: system, Entity: e.entity, ExternalID: goldenID, GoldenID: goldenID,
		FieldsJSON: after.encode(), LastHash: mapping.Hash(m.Project(after.Raw)), LastVersion: pendingCreate,
		Origin: "write", UpdatedAt: e.Now(),
	})
}

// afterWrite is the snapshot of a system record once fields were written to it.
func afterWrite(m *mapping.Mapping, before Snapshot, fields map[string]any) Snapshot {
	snap := Snapshot{Raw: make(map[string]any, len(before.Raw)), Fields: make(map[string]FieldValue, len(before.Fields))}
	for k, v := range before.Raw {
		snap.Raw[k] = v
	}
	for k, v := range before.Fields {
		snap.Fields[k] = v
	}
	for col, v := range fields {
		if _, read := snap.Raw[col]; read || contains(m.Columns, col) {
			snap.Raw[col] = v
		}
		if gf := m.GoldenOf(col); gf != "" {
			// The system now holds the golden value because we wrote it, not because it asserted
			// it: no source time, so it never wins "most recent" or takes the lineage. What the
			// source asserted itself is kept aside for an unmerge.
			old, had := snap.Fields[gf]
			own := old.Own
			if had && !old.T.IsZero() {
				own = &FieldValue{V: old.V, Null: old.Null, T: old.T}
			}
			if v == nil {
				snap.Fields[gf] = FieldValue{Null: true, Own: own} // cleared by us: a clear nobody asserted here
				continue
			}
			snap.Fields[gf] = FieldValue{V: fmt.Sprint(v), Own: own}
		}
	}
	return snap
}

// FinishPush records the outcome of a push in tx: for each written item its cross-reference
// (external ID, version, content hash of what the system now holds) and the outbox row's state.
// results holds one entry per item with an Op, in order.
func (e *Engine) FinishPush(ctx context.Context, tx *store.Tx, m *mapping.Mapping, system string, items []PushItem, results []connectors.WriteResult, res *PushResult) error {
	now := e.Now()
	ri := 0
	for _, it := range items {
		if it.Defer {
			res.Deferred++
			wait := deferFor
			if it.deferFor > 0 {
				wait = it.deferFor
			}
			if err := tx.Defer(ctx, it.Row, now.Add(wait), now); err != nil {
				return err
			}
			continue
		}
		if it.Fail != nil {
			if err := e.pushFailed(ctx, tx, system, it, it.Fail, now, res); err != nil {
				return err
			}
			continue
		}
		if it.Op == nil {
			res.Suppressed++
			if err := tx.Complete(ctx, it.Row, now); err != nil {
				return err
			}
			continue
		}
		if ri >= len(results) {
			return fmt.Errorf("push to %s: connector returned %d results for more ops", system, len(results))
		}
		r := results[ri]
		ri++
		if r.Err != nil {
			if err := e.pushFailed(ctx, tx, system, it, r.Err, now, res); err != nil {
				return err
			}
			continue
		}
		if err := e.recordWrite(ctx, tx, m, system, it, r, now); err != nil {
			return err
		}
		if it.xref == nil {
			res.Created++
		} else {
			res.Updated++
		}
		if err := tx.Complete(ctx, it.Row, now); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) recordWrite(ctx context.Context, tx *store.Tx, m *mapping.Mapping, system string, it PushItem, r connectors.WriteResult, now time.Time) error {
	snap := afterWrite(m, it.snap, it.Op.Fields)
	x := &store.Xref{
		System: system, Entity: e.entity, ExternalID: r.ExternalID, GoldenID: it.Row.GoldenID,
		FieldsJSON: snap.encode(), LastHash: mapping.Hash(m.Project(snap.Raw)), LastVersion: r.Version,
		Origin: "write", UpdatedAt: now,
	}
	if it.xref != nil {
		x.Origin, x.SourceUpdatedAt = it.xref.Origin, it.xref.SourceUpdatedAt
	}
	if it.Op.CreateKey != "" && r.ExternalID != it.Op.CreateKey {
		// The system chose its own ID: the provisional cross-reference under the create key goes.
		if err := tx.DeleteXref(ctx, system, e.entity, it.Op.CreateKey); err != nil {
			return err
		}
	}
	return tx.RecordWrite(ctx, x)
}

func (e *Engine) pushFailed(ctx context.Context, tx *store.Tx, system string, it PushItem, oe *connectors.OpError, now time.Time, res *PushResult) error {
	permanent := oe.Kind == connectors.Permanent || oe.Kind == connectors.Auth || it.Row.Attempts >= 9
	retryAt := now.Add(backoff(it.Row.Attempts))
	if oe.Kind == connectors.RateLimited && oe.RetryAfter > 0 {
		retryAt = now.Add(oe.RetryAfter)
	}
	msg := fmt.Sprintf("write golden %s to %s: %v", it.Row.GoldenID, system, oe)
	if permanent {
		res.Failed++
		// What was (or, for a failure of the mapping, would have been) written, and to what.
		var createKey, ext string
		var sent map[string]any
		switch {
		case it.Op != nil:
			createKey, ext, sent = it.Op.CreateKey, it.Op.ExternalID, it.Op.Fields
		case it.xref != nil:
			ext = it.xref.ExternalID
		default:
			createKey = it.Row.GoldenID
		}
		if createKey != "" {
			if err := tx.DeleteXref(ctx, system, e.entity, createKey); err != nil {
				return err
			}
		}
		raw := []byte(`{}`)
		if b, err := json.Marshal(sent); err == nil && sent != nil {
			raw = b
		}
		if ext == "" {
			ext = newCreatePrefix + createKey
		}
		if err := tx.Quarantine(ctx, store.QuarantineEntry{System: system, Entity: e.entity, ExternalID: ext, Stage: "outbound",
			RawJSON: raw, Error: msg, CreatedAt: now}); err != nil {
			return err
		}
	} else {
		res.Retried++
	}
	return tx.Retry(ctx, it.Row, msg, retryAt, permanent, now)
}

// backoff is 2s doubling per attempt, capped at 10 minutes.
func backoff(attempts int) time.Duration {
	d := 2 * time.Second
	for i := 0; i < attempts && d < 10*time.Minute; i++ {
		d *= 2
	}
	if d > 10*time.Minute {
		d = 10 * time.Minute
	}
	return d
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
