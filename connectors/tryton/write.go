package tryton

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/accord-mdm/accord/connectors"
)

// Write applies customer upserts and deletes. Creates are one Tryton call for the batch (one
// call per op if the batch call is refused, to say which op was at fault); updates and deletes
// are one call each. A failure of the connection, the login or the rate limit fails the call;
// Tryton's refusal of one op (a rule, a missing or changed record) fails that op only.
func (c *connector) Write(ctx context.Context, req connectors.WriteRequest) (connectors.WriteResponse, error) {
	if err := c.ready(); err != nil {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", err)
	}
	e, err := entityNamed(req.Entity)
	if err != nil {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return connectors.WriteResponse{}, &connectors.OpError{Kind: connectors.Retryable, Message: "write: " + err.Error()}
	}
	w := &batch{c: c, results: make([]connectors.WriteResult, len(req.Ops)), ids: make([]int64, len(req.Ops)),
		done: make([]bool, len(req.Ops))}
	if e != customerEntity {
		for i := range req.Ops {
			w.fail(i, &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("%s is read only: Tryton's %s are facts Accord never writes", e.name, e.model)})
		}
		return connectors.WriteResponse{Results: w.results}, nil
	}
	if err := w.run(ctx, req.Ops); err != nil {
		return connectors.WriteResponse{}, fmt.Errorf("write %s: %w", e.name, err)
	}
	return connectors.WriteResponse{Results: w.results}, nil
}

// batch is one Write under way: a result and a party id per op.
type batch struct {
	c       *connector
	results []connectors.WriteResult
	ids     []int64 // party per op, once known
	done    []bool
}

func (w *batch) fail(i int, oe *connectors.OpError) {
	w.results[i].Err = oe
}

func (w *batch) failed(i int) bool { return w.results[i].Err != nil }

func (w *batch) run(ctx context.Context, ops []connectors.WriteOp) error {
	keys := map[string][]int{} // create key → ops creating with it
	for i, op := range ops {
		if oe := checkFields(op); oe != nil {
			w.fail(i, oe)
			continue
		}
		switch {
		case op.ExternalID != "":
			id, err := strconv.ParseInt(op.ExternalID, 10, 64)
			if err != nil || id <= 0 {
				if op.Kind == connectors.OpUpsert { // deleting what cannot exist is done
					w.fail(i, &connectors.OpError{Kind: connectors.Conflict, Message: fmt.Sprintf("party %q does not exist (party ids are numbers)", op.ExternalID)})
				}
				w.done[i] = true
				continue
			}
			w.ids[i] = id
		case op.Kind == connectors.OpDelete:
			// A delete without an external ID has nothing to delete.
		case createKey(op) == "":
			w.fail(i, &connectors.OpError{Kind: connectors.Permanent, Message: "create without CreateKey or IdempotencyKey: a retry could not be recognised"})
		default:
			keys[createKey(op)] = append(keys[createKey(op)], i)
		}
	}
	if err := w.findCreated(ctx, keys); err != nil {
		return err
	}
	if err := w.create(ctx, ops, keys); err != nil {
		return err
	}
	if err := w.apply(ctx, ops); err != nil {
		return err
	}
	return w.versions(ctx, ops)
}

func createKey(op connectors.WriteOp) string {
	if op.CreateKey != "" {
		return op.CreateKey
	}
	return op.IdempotencyKey
}

// apply runs the updates and deletes, and the updates that a found create key turned a create
// into.
func (w *batch) apply(ctx context.Context, ops []connectors.WriteOp) error {
	var ids []any
	for i := range ops {
		if !w.failed(i) && !w.done[i] && w.ids[i] != 0 {
			ids = append(ids, w.ids[i])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	current, err := w.c.readParties(ctx, ids)
	if err != nil {
		return err
	}
	for i, op := range ops {
		if w.failed(i) || w.done[i] || w.ids[i] == 0 {
			continue
		}
		id := w.ids[i]
		w.results[i].ExternalID = strconv.FormatInt(id, 10)
		row, ok := current[id]
		if op.Kind == connectors.OpDelete {
			if ok {
				if err := w.delete(ctx, i, parseParty(row)); err != nil {
					return err
				}
			}
			w.done[i] = true
			continue
		}
		if !ok {
			w.fail(i, &connectors.OpError{Kind: connectors.Conflict, Message: fmt.Sprintf("party %d no longer exists", id)})
			continue
		}
		if err := w.update(ctx, i, op, parseParty(row)); err != nil {
			return err
		}
	}
	return nil
}

// update writes op's fields to party p, guarded by the timestamp read: a change made in
// between fails with Tryton's ConcurrencyException, a Conflict.
func (w *batch) update(ctx context.Context, i int, op connectors.WriteOp, p party) error {
	what := fmt.Sprintf("party %d", p.id)
	vals, oe := w.c.partyValues(ctx, op.Fields, &p)
	if oe != nil {
		if isCallFailure(oe) {
			return oe
		}
		w.fail(i, named(oe, what))
		return nil
	}
	if len(vals) > 0 {
		guard := map[string]any{"_timestamp": map[string]any{fmt.Sprintf("party.party,%d", p.id): p.timestamp}}
		if err := w.c.rpc.call(ctx, "model.party.party.write", []any{[]any{p.id}, vals}, guard, nil); err != nil {
			if oe := asOpError(err); !isCallFailure(oe) {
				w.fail(i, named(oe, what))
				return nil
			}
			return fmt.Errorf("write %s: %w", what, err)
		}
	}
	w.done[i] = true
	return nil
}

// delete archives or deletes party p, as delete_mode says.
func (w *batch) delete(ctx context.Context, i int, p party) error {
	what := fmt.Sprintf("party %d", p.id)
	var err error
	if w.c.cfg.deleteMode == deleteRemove {
		err = w.c.rpc.call(ctx, "model.party.party.delete", []any{[]any{p.id}}, nil, nil)
	} else if p.active {
		err = w.c.rpc.call(ctx, "model.party.party.write", []any{[]any{p.id}, map[string]any{"active": false}}, nil, nil)
	}
	if err != nil {
		if oe := asOpError(err); !isCallFailure(oe) {
			w.fail(i, named(oe, what))
			return nil
		}
		return fmt.Errorf("delete %s: %w", what, err)
	}
	return nil
}

// versions reads back the parties written and sets each result's Version.
func (w *batch) versions(ctx context.Context, ops []connectors.WriteOp) error {
	var ids []any
	for i, op := range ops {
		if !w.failed(i) && w.ids[i] != 0 && op.Kind == connectors.OpUpsert {
			ids = append(ids, w.ids[i])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := w.c.readParties(ctx, ids)
	if err != nil {
		return fmt.Errorf("read back: %w", err)
	}
	for i, op := range ops {
		if row, ok := rows[w.ids[i]]; ok && !w.failed(i) && op.Kind == connectors.OpUpsert {
			rec, err := customerRecord(ctx, w.c, row)
			if err != nil {
				return fmt.Errorf("read back: %w", err)
			}
			w.results[i].Version = rec.Version
		}
	}
	return nil
}

// readParties reads parties by id, archived ones included; missing ids are absent.
func (c *connector) readParties(ctx context.Context, ids []any) (map[int64]map[string]any, error) {
	var rows []map[string]any
	params := []any{[]any{[]any{"id", "in", ids}}, 0, nil, nil, customerEntity.read}
	if err := c.rpc.call(ctx, "model.party.party.search_read", params, customerEntity.context, &rows); err != nil {
		return nil, fmt.Errorf("read parties: %w", err)
	}
	out := make(map[int64]map[string]any, len(rows))
	for _, r := range rows {
		if id, ok := idOf(r["id"]); ok {
			out[id] = r
		}
	}
	return out, nil
}

// asOpError returns the *OpError in err's chain, or a Retryable one for an unclassified err.
func asOpError(err error) *connectors.OpError {
	var oe *connectors.OpError
	if errors.As(err, &oe) {
		return oe
	}
	return &connectors.OpError{Kind: connectors.Retryable, Message: err.Error()}
}

// isCallFailure reports whether a failure is the connection's (retry the whole call) rather
// than the op's.
func isCallFailure(oe *connectors.OpError) bool {
	switch oe.Kind {
	case connectors.Retryable, connectors.RateLimited, connectors.Auth:
		return true
	}
	return false
}

// named returns a copy of an op failure whose message names the record and, when Tryton's
// message names a field label, the customer field.
func named(oe *connectors.OpError, what string) *connectors.OpError {
	out := *oe
	out.Message = what + ": " + oe.Message
	if out.Field == "" {
		out.Field = fieldOf(oe.Message)
	}
	return &out
}
