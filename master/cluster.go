package master

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/accord-mdm/accord/store"
)

// BulkOptions tune Cluster.
type BulkOptions struct {
	// Apart are pairs of records (indexes into the records) a steward said are different
	// customers: they never end up in one cluster, and are never proposed for review.
	Apart [][2]int
	// Workers derive keys and score blocks in parallel; 0 means GOMAXPROCS.
	Workers int
	// Window is how many neighbours a cluster of a large block is scored against per sorted
	// pass; 0 means DefaultWindow. Blocks of up to 2 × 2 × Window clusters are scored pair by
	// pair (as many pairs per cluster as the passes make at most).
	Window int
}

// BulkReview is a pair for a steward: cluster Held scored between review_at and merge_at against
// cluster Candidate (or at merge_at, when both hold a record of the same system). Held is the
// later of the two, as the incremental engine holds the record it reads last.
type BulkReview struct {
	Held, Candidate int // indexes into Clustering.Clusters
	Score           Scored
}

// Clustering is what Cluster decided: one cluster per golden record to create.
type Clustering struct {
	// Clusters are record indexes, ascending; clusters are ordered by their first record.
	Clusters [][]int
	Reviews  []BulkReview
	Stats    BulkStats
}

// BulkStats count and time Cluster's work.
type BulkStats struct {
	Records     int
	KeyClusters int   // clusters after the deterministic keys
	Blocks      int   // blocking keys held by two clusters or more
	LargeBlocks int   // of which over 4 × Window clusters: scored by sorted neighbourhood
	Scored      int64 // pairs scored
	FuzzyMerges int
	SameSystem  int // merges at merge_at refused because both sides hold a record of one system
	Apart       int // unions refused by a not-a-match pair
	Keys        time.Duration
	Union       time.Duration // deterministic keys and cluster values (survivorship)
	Scoring     time.Duration // blocks scored and merges decided
}

// DefaultWindow is BulkOptions.Window's default. In a block too large to score all pairs each
// cluster is scored against its Window next neighbours in the block sorted by each of the
// sortPasses heaviest rule fields: at most 2 × sortPasses × Window pairs per cluster, what a
// block of that many clusters costs scored pair by pair.
const (
	DefaultWindow = 5
	sortPasses    = 2
)

// Cluster deduplicates records in one go, with the rules the incremental engine applies one
// record at a time: records sharing a deterministic key are one customer (transitively); then
// the clusters sharing a blocking key are scored against each other with Score on their
// survived values, never all pairs. Best score first, a pair at merge_at or above merges unless
// both sides hold a record of the same system (then it is reviewed) or one side grew by a merge
// and no longer scores as high against the other; a pair between review_at and merge_at is
// proposed for review, the best candidate per held cluster. Records are taken in slice order,
// which stands for the order the incremental engine would have read them. See
// docs/configuration.md for where the results differ from the incremental engine's.
//
// Cluster reads recs only; it returns early with ctx's error when ctx is done.
func (e *Engine) Cluster(ctx context.Context, recs []BulkRecord, opts BulkOptions) (*Clustering, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	c := &Clustering{Stats: BulkStats{Records: len(recs)}}
	start := time.Now()
	keys, blocks := e.bulkKeys(recs, workers)
	c.Stats.Keys = time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	start = time.Now()
	recUF, err := keyUnion(keys, opts.Apart, &c.Stats)
	if err != nil {
		return nil, err
	}
	keys = nil
	kc := keyClusters(recUF, len(recs))
	c.Stats.KeyClusters = len(kc.members)
	reps, err := e.clusterValues(ctx, recs, kc.members, workers)
	if err != nil {
		return nil, err
	}
	c.Stats.Union = time.Since(start)

	start = time.Now()
	window := opts.Window
	if window <= 0 {
		window = DefaultWindow
	}
	edges, err := e.scoreBlocks(ctx, kc, blocks, reps, workers, window, &c.Stats)
	if err != nil {
		return nil, err
	}
	if err := e.decide(c, recs, recUF, kc, reps, edges); err != nil {
		return nil, err
	}
	c.Stats.Scoring = time.Since(start)
	return c, nil
}

// keyUnion joins the records sharing a deterministic key, in record order, keeping the apart
// pairs apart.
func keyUnion(keys [][]store.MatchKey, apart [][2]int, st *BulkStats) (*unionFind, error) {
	u := newUnionFind(len(keys))
	for _, p := range apart {
		if p[0] < 0 || p[1] < 0 || p[0] >= len(keys) || p[1] >= len(keys) || p[0] == p[1] {
			return nil, fmt.Errorf("apart pair %v: no such pair of records", p)
		}
		u.keepApart(int32(p[0]), int32(p[1]))
	}
	first := make(map[store.MatchKey]int32, len(keys))
	for i, ks := range keys {
		for _, k := range ks {
			j, ok := first[k]
			if !ok {
				first[k] = int32(i)
				continue
			}
			if _, ok := u.union(j, int32(i)); !ok && u.find(j) != u.find(int32(i)) {
				st.Apart++
			}
		}
	}
	return u, nil
}

// bulkKeys derives, in parallel, each record's deterministic match keys and the IDs of its
// blocking keys (interned: the blocks are indexed by ID).
func (e *Engine) bulkKeys(recs []BulkRecord, workers int) (keys [][]store.MatchKey, blocks [][]int32) {
	keys = make([][]store.MatchKey, len(recs))
	blockKeys := make([][]store.MatchKey, len(recs))
	fuzzy := len(e.model.Match.Rules) > 0
	parallel(len(recs), workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			keys[i] = e.matchKeys(recs[i].Values)
			if fuzzy {
				blockKeys[i] = e.blockKeys(recs[i].Values)
			}
		}
	})
	ids := make(map[store.MatchKey]int32, len(recs))
	blocks = make([][]int32, len(recs))
	for i, bks := range blockKeys {
		for _, k := range bks {
			id, ok := ids[k]
			if !ok {
				id = int32(len(ids))
				ids[k] = id
			}
			blocks[i] = append(blocks[i], id)
		}
	}
	return keys, blocks
}

// parallel runs fn over [0, n) split into at most workers contiguous ranges; part numbers them
// from 0.
func parallel(n, workers int, fn func(part, lo, hi int)) {
	var wg sync.WaitGroup
	step := max((n+workers-1)/max(workers, 1), 1)
	for part, lo := 0, 0; lo < n; part, lo = part+1, lo+step {
		wg.Add(1)
		go func(part, lo, hi int) {
			defer wg.Done()
			fn(part, lo, hi)
		}(part, lo, min(lo+step, n))
	}
	wg.Wait()
}

// keyCluster is the partition of the records by deterministic keys.
type keyCluster struct {
	members [][]int32 // per cluster, its records ascending; clusters by first record
	of      []int32   // per record, its cluster
}

func keyClusters(u *unionFind, n int) keyCluster {
	kc := keyCluster{of: make([]int32, n)}
	for i := range n {
		r := u.find(int32(i))
		if r == int32(i) { // the root is the set's smallest record: its cluster starts here
			kc.of[i] = int32(len(kc.members))
			kc.members = append(kc.members, []int32{int32(i)})
			continue
		}
		c := kc.of[r]
		kc.of[i] = c
		kc.members[c] = append(kc.members[c], int32(i))
	}
	return kc
}

// clusterValues computes what each key cluster's golden record would say (survivorship over
// its records), as text: what the incremental engine scores a record against. A cluster of
// one record says what its record says.
func (e *Engine) clusterValues(ctx context.Context, recs []BulkRecord, members [][]int32, workers int) ([]map[string]string, error) {
	reps := make([]map[string]string, len(members))
	if len(e.model.Match.Rules) == 0 {
		return reps, nil
	}
	parallel(len(members), workers, func(_, lo, hi int) {
		for c := lo; c < hi && ctx.Err() == nil; c++ {
			if len(members[c]) == 1 {
				reps[c] = recs[members[c][0]].Values
				continue
			}
			reps[c] = survivedTexts(e, recs, members[c])
		}
	})
	return reps, ctx.Err()
}

func survivedTexts(e *Engine, recs []BulkRecord, members []int32) map[string]string {
	contribs := make([]Contribution, len(members))
	for i, r := range members {
		contribs[i] = recs[r].contribution()
	}
	out := map[string]string{}
	for f, ch := range Survive(e.model, contribs) {
		if !ch.Cleared && ch.Value != "" {
			out[f] = ch.Value
		}
	}
	return out
}

// edge is a scored pair of key clusters, a < b, at review_at or above.
type edge struct {
	a, b  int32
	score Scored
}

// blocksOf lists, per blocking key, the key clusters holding it, ascending; keys held by one
// cluster are dropped.
func blocksOf(kc keyCluster, blocks [][]int32) [][]int32 {
	n := 0
	for _, bs := range blocks {
		for _, b := range bs {
			n = max(n, int(b)+1)
		}
	}
	out := make([][]int32, n)
	for c, ms := range kc.members {
		for _, r := range ms {
			for _, b := range blocks[r] {
				if l := out[b]; len(l) == 0 || l[len(l)-1] != int32(c) {
					out[b] = append(out[b], int32(c))
				}
			}
		}
	}
	kept := out[:0]
	for _, l := range out {
		if len(l) > 1 {
			kept = append(kept, l)
		}
	}
	return kept
}

// scoreBlocks scores the pairs of key clusters inside each block, blocks shared out among
// workers, and returns the pairs at review_at or above (not vetoed, enough fields in common),
// each once.
func (e *Engine) scoreBlocks(ctx context.Context, kc keyCluster, blocks [][]int32, reps []map[string]string, workers, window int, st *BulkStats) ([]edge, error) {
	if len(e.model.Match.Rules) == 0 {
		return nil, nil
	}
	bl := blocksOf(kc, blocks)
	st.Blocks = len(bl)
	_, reviewAt := e.model.Match.Thresholds()
	next := make(chan []int32, workers)
	go func() {
		defer close(next)
		for _, b := range bl {
			if ctx.Err() != nil {
				return
			}
			next <- b
		}
	}()
	scorers := make([]blockScorer, workers)
	var wg sync.WaitGroup
	for w := range scorers {
		scorers[w] = blockScorer{e: e, reps: reps, window: window, reviewAt: reviewAt}
		wg.Add(1)
		go func(bs *blockScorer) {
			defer wg.Done()
			for b := range next {
				bs.block(b)
			}
		}(&scorers[w])
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var all []edge
	for _, bs := range scorers {
		all = append(all, bs.edges...)
		st.Scored += bs.scored
		st.LargeBlocks += bs.large
	}
	return sortEdges(all), nil
}

// blockScorer scores blocks on one worker and keeps the pairs at review_at or above.
type blockScorer struct {
	e        *Engine
	reps     []map[string]string
	window   int
	reviewAt float64
	edges    []edge
	scored   int64
	large    int
}

// block scores the pairs of one block's clusters: all of them in a small block, the sorted
// neighbours in a large one.
func (bs *blockScorer) block(ms []int32) {
	if len(ms) > 2*sortPasses*bs.window {
		bs.large++
		bs.e.neighbours(ms, bs.reps, bs.window, bs.try)
		return
	}
	for x := range ms {
		for y := x + 1; y < len(ms); y++ {
			bs.try(ms[x], ms[y])
		}
	}
}

func (bs *blockScorer) try(a, b int32) {
	if a > b {
		a, b = b, a
	}
	bs.scored++
	s := bs.e.Score(bs.reps[a], bs.reps[b])
	if !s.Vetoed && !s.Missing && s.Score >= bs.reviewAt {
		bs.edges = append(bs.edges, edge{a, b, s})
	}
}

// sortEdges orders the pairs best score first (then by cluster), each once: a pair sharing two
// blocks was scored in both.
func sortEdges(all []edge) []edge {
	sort.Slice(all, func(i, j int) bool {
		if all[i].score.Score != all[j].score.Score {
			return all[i].score.Score > all[j].score.Score
		}
		if all[i].a != all[j].a {
			return all[i].a < all[j].a
		}
		return all[i].b < all[j].b
	})
	uniq := all[:0]
	for i, ed := range all {
		if i == 0 || ed.a != all[i-1].a || ed.b != all[i-1].b {
			uniq = append(uniq, ed)
		}
	}
	return uniq
}

// neighbours scores a block too large to score all pairs (sorted neighbourhood): for each of
// the heaviest rule fields, the block is sorted by that field's comparable value (then by the
// other rule fields') and each cluster is paired with the next window ones. Similar
// values sort close together, so the pairs that can score high are the ones compared. Each pair
// is scored once.
func (e *Engine) neighbours(ms []int32, reps []map[string]string, window int, try func(a, b int32)) {
	rules := e.model.Match.Rules
	type keyed struct {
		key string
		c   int32
	}
	order := make([]keyed, 0, len(ms))
	comps := make([][]string, len(ms))
	for i, c := range ms {
		comps[i] = comparables(rules, reps[c])
	}
	var pairs []uint64
	for _, lead := range sortLeads(rules) {
		order = order[:0]
		for i, c := range ms {
			if k := sortKey(rules, lead, comps[i]); k != "" {
				order = append(order, keyed{k, c})
			}
		}
		sort.Slice(order, func(i, j int) bool {
			if order[i].key != order[j].key {
				return order[i].key < order[j].key
			}
			return order[i].c < order[j].c
		})
		for i, a := range order {
			for _, b := range order[i+1 : min(i+1+window, len(order))] {
				pairs = append(pairs, uint64(min(a.c, b.c))<<32|uint64(max(a.c, b.c)))
			}
		}
	}
	slices.Sort(pairs)
	for i, p := range pairs {
		if i == 0 || p != pairs[i-1] {
			try(int32(p>>32), int32(p&0xffffffff))
		}
	}
}
