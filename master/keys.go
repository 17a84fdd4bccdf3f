package master

import (
	"context"
	"sort"

	"github.com/accord-mdm/accord/mapping/standardize"
	"github.com/accord-mdm/accord/store"
)

type keyRule struct {
	kind, field string
	std         standardize.Func
}

// matchKeys derives the deterministic match keys of a set of mapped values. Values that do not
// standardize as a key (an unparseable phone, say) give no key rather than a wrong one.
func (e *Engine) matchKeys(fields map[string]string) []store.MatchKey {
	var keys []store.MatchKey
	for _, k := range e.keys {
		v, ok := fields[k.field]
		if !ok || v == "" {
			continue
		}
		if k.std != nil {
			var err error
			if v, err = k.std(v); err != nil || v == "" {
				continue
			}
		}
		keys = append(keys, store.MatchKey{Kind: k.kind, Value: v})
	}
	return keys
}

// keysOf is the union of the match keys and blocking keys of all contributions, sorted and
// unique.
func (e *Engine) keysOf(contribs []Contribution) []store.MatchKey {
	seen := map[store.MatchKey]bool{}
	var out []store.MatchKey
	for _, c := range contribs {
		vals := make(map[string]string, len(c.Fields))
		for f, fv := range c.Fields {
			if fv.holds() {
				vals[f] = fv.V
			}
		}
		for _, k := range e.IndexKeys(vals) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// MatchKeys returns the deterministic match keys of mapped golden field values, as matching
// looks them up: for `accord mapping test` and other dry runs.
func (e *Engine) MatchKeys(fields map[string]string) []store.MatchKey {
	return e.matchKeys(fields)
}

// IndexKeys returns what the store indexes for a record's values: its match keys and its
// blocking keys (for bulk loads and benchmarks that build a store without the engine).
func (e *Engine) IndexKeys(fields map[string]string) []store.MatchKey {
	return append(e.matchKeys(fields), e.blockKeys(fields)...)
}

// Probe finds what a record with these values would match, without changing anything: the
// golden records its deterministic keys hit and, when none, the best fuzzy candidate.
func (e *Engine) Probe(ctx context.Context, tx *store.Tx, fields map[string]string) ([]string, *Scored, error) {
	ids, err := tx.FindByKeys(ctx, e.entity, e.matchKeys(fields))
	if err != nil || len(ids) > 0 {
		return ids, nil, err
	}
	best, err := e.fuzzyMatch(ctx, tx, fields)
	return nil, best, err
}
