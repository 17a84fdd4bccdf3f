package tryton

import (
	"context"
	"fmt"
	"strconv"

	"github.com/accord-mdm/accord/connectors"
)

// Creates: a party per create key, found again on a retry by its "accord:<key>" identifier.

// findCreated looks up the parties that earlier attempts created for keys: an op whose key
// is found becomes an update of that party.
func (w *batch) findCreated(ctx context.Context, keys map[string][]int) error {
	if len(keys) == 0 {
		return nil
	}
	codes := make([]string, 0, len(keys))
	for k := range keys {
		codes = append(codes, customerKeyPrefix+k)
	}
	var rows []map[string]any
	params := []any{[]any{[]any{"code", "in", codes}, []any{"type", "=", nil}}, 0, nil, [][]string{{"id", "ASC"}}, []string{"code", "party"}}
	if err := w.c.rpc.call(ctx, "model.party.identifier.search_read", params, map[string]any{"active_test": false}, &rows); err != nil {
		return fmt.Errorf("look up create keys: %w", err)
	}
	for _, r := range rows {
		key := str(r["code"])[len(customerKeyPrefix):]
		pid, ok := idOf(r["party"])
		if !ok {
			continue
		}
		for _, i := range keys[key] {
			w.ids[i] = pid
		}
		delete(keys, key)
	}
	return nil
}

// create creates the parties of the keys not found, one party per key (ops repeating a key in
// one batch update the party the first made).
func (w *batch) create(ctx context.Context, ops []connectors.WriteOp, keys map[string][]int) error {
	var firsts []int
	var vlist []map[string]any
	for i, op := range ops {
		key := createKey(op)
		idx, ok := keys[key]
		if !ok || idx[0] != i || op.ExternalID != "" || op.Kind != connectors.OpUpsert {
			continue
		}
		vals, oe := w.c.partyValues(ctx, ops[i].Fields, nil)
		if oe == nil {
			vals[identifiersKey] = append(asActions(vals[identifiersKey]), []any{"create", []any{map[string]any{"type": nil, "code": customerKeyPrefix + key}}})
		}
		if oe != nil {
			if isCallFailure(oe) {
				return oe
			}
			for _, j := range idx {
				w.fail(j, named(oe, "new party (key "+key+")"))
			}
			continue
		}
		firsts = append(firsts, i)
		vlist = append(vlist, vals)
	}
	if len(vlist) == 0 {
		return nil
	}
	ids, err := w.createParties(ctx, vlist)
	if err == nil {
		for n, i := range firsts {
			w.markCreated(ops, keys, i, ids[n])
		}
		return nil
	}
	if isCallFailure(asOpError(err)) || len(vlist) == 1 {
		return w.createFailed(ops, keys, firsts[0], err)
	}
	for n, i := range firsts { // one at a time, to know which op Tryton refused
		ids, err := w.createParties(ctx, vlist[n:n+1])
		if err != nil {
			if cerr := w.createFailed(ops, keys, i, err); cerr != nil {
				return cerr
			}
			continue
		}
		w.markCreated(ops, keys, i, ids[0])
	}
	return nil
}

func (w *batch) createParties(ctx context.Context, vlist []map[string]any) ([]int64, error) {
	var raw []any
	w.c.createMu.Lock()
	defer w.c.createMu.Unlock()
	if err := w.c.rpc.call(ctx, "model.party.party.create", []any{vlist}, nil, &raw); err != nil {
		return nil, err
	}
	ids := make([]int64, len(raw))
	for n, v := range raw {
		ids[n], _ = idOf(v)
	}
	if len(ids) != len(vlist) {
		return nil, &connectors.OpError{Kind: connectors.Retryable, Message: fmt.Sprintf("create returned %d ids for %d parties", len(ids), len(vlist))}
	}
	return ids, nil
}

// markCreated records the party created for op i; the other ops of its key update it.
func (w *batch) markCreated(ops []connectors.WriteOp, keys map[string][]int, i int, id int64) {
	for _, j := range keys[createKey(ops[i])] {
		w.ids[j] = id
	}
	w.results[i].ExternalID = strconv.FormatInt(id, 10)
	w.done[i] = true
}

// createFailed reports a refused create on every op of its key, or returns a call failure.
func (w *batch) createFailed(ops []connectors.WriteOp, keys map[string][]int, i int, err error) error {
	oe := asOpError(err)
	if isCallFailure(oe) {
		return err
	}
	key := createKey(ops[i])
	for _, j := range keys[key] {
		w.fail(j, named(oe, "new party (key "+key+")"))
	}
	return nil
}
