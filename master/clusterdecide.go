package master

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping/standardize"
)

// sortKey is what neighbours sorts a cluster by in the pass led by rule lead: that field's
// comparable form, then the other rule fields' (comps holds them by rule). "" when the cluster
// has no value of the field.
func sortKey(rules []config.MatchRule, lead int, comps []string) string {
	if comps[lead] == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(comps[lead])
	for i, r := range rules {
		if i != lead && !r.Veto {
			b.WriteByte(0)
			b.WriteString(comps[i])
		}
	}
	return b.String()
}

// comparables are a cluster's rule fields in comparable form, by rule (vetoes left empty).
func comparables(rules []config.MatchRule, vals map[string]string) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		if !r.Veto {
			out[i] = comparable(r.Compare, vals[r.Field])
		}
	}
	return out
}

// sortLeads are the rules neighbours sorts a large block by: the sortPasses heaviest, vetoes
// left out (they rule pairs out, they do not find them).
func sortLeads(rules []config.MatchRule) []int {
	var leads []int
	for i, r := range rules {
		if !r.Veto {
			leads = append(leads, i)
		}
	}
	sort.SliceStable(leads, func(a, b int) bool { return rules[leads[a]].Weight > rules[leads[b]].Weight })
	return leads[:min(len(leads), sortPasses)]
}

// comparable is a value in the form its rule compares: close values sort close.
func comparable(kind, v string) string {
	if v == "" {
		return ""
	}
	switch kind {
	case "company_name":
		return standardize.CompanyNameKey(v)
	case "place":
		return standardize.CityKey(v)
	case "phone": // the subscriber number is at the end: sort by the digits reversed
		d := []byte(digits(v))
		for i, j := 0, len(d)-1; i < j; i, j = i+1, j-1 {
			d[i], d[j] = d[j], d[i]
		}
		return string(d)
	}
	return standardize.MatchKey(v)
}

// decide applies the scored pairs to the key clusters, best score first: merges at merge_at
// (unless both sides hold a record of one system, or a not-a-match pair forbids it), then one
// review per held cluster, its best candidate. It fills c.Clusters and c.Reviews.
func (e *Engine) decide(c *Clustering, recs []BulkRecord, recUF *unionFind, kc keyCluster, reps []map[string]string, edges []edge) error {
	systems, err := systemMasks(recs, kc)
	if err != nil {
		return err
	}
	m := &merger{e: e, recs: recs, kc: kc, reps: reps, systems: systems, uf: newUnionFind(len(kc.members)),
		vals: map[int32]map[string]string{}, members: map[int32][]int32{}, st: &c.Stats}
	// not-a-match pairs between records become pairs between their key clusters
	for r, partners := range recUF.apart {
		for _, p := range partners {
			if a, b := kc.of[r], kc.of[p]; a < b {
				m.uf.keepApart(a, b)
			}
		}
	}
	mergeAt, _ := e.model.Match.Thresholds()
	var review []edge
	for _, ed := range edges {
		if ed.score.Score < mergeAt {
			review = append(review, ed)
		} else if r, ok := m.merge(ed); !ok {
			review = append(review, r...)
		}
	}
	final := finalClusters(c, m.uf, kc)
	held := map[int]bool{}
	for _, ed := range review { // best score first
		ra, rb := m.uf.find(ed.a), m.uf.find(ed.b)
		if ra == rb || m.uf.conflict(ra, rb) {
			continue
		}
		h, cand := final[rb], final[ra] // the later cluster is held against the earlier
		if rb < ra {
			h, cand = final[ra], final[rb]
		}
		if held[h] {
			continue
		}
		held[h] = true
		c.Reviews = append(c.Reviews, BulkReview{Held: h, Candidate: cand, Score: ed.score})
	}
	sort.Slice(c.Reviews, func(i, j int) bool { return c.Reviews[i].Held < c.Reviews[j].Held })
	return nil
}

// finalClusters lists the records of each set of uf, by first record (a key cluster's first
// record is its smallest), into c.Clusters; it returns each key cluster's final cluster.
func finalClusters(c *Clustering, uf *unionFind, kc keyCluster) []int {
	final := make([]int, len(kc.members))
	for k := range kc.members {
		r := uf.find(int32(k))
		if r == int32(k) {
			final[k] = len(c.Clusters)
			c.Clusters = append(c.Clusters, nil)
		} else {
			final[k] = final[r]
		}
		for _, rec := range kc.members[k] {
			c.Clusters[final[k]] = append(c.Clusters[final[k]], int(rec))
		}
	}
	for _, cl := range c.Clusters {
		sort.Ints(cl)
	}
	return final
}

// merger joins key clusters by score. A group that grew by a merge is scored again as a whole
// before it grows further, as the incremental engine scores a record against everything its
// golden record holds: A merges with B, and C with them only if C still scores against A and B
// together.
type merger struct {
	e       *Engine
	recs    []BulkRecord
	kc      keyCluster
	reps    []map[string]string
	systems []uint64
	uf      *unionFind
	vals    map[int32]map[string]string // per root of a group that grew: its survived values
	members map[int32][]int32           // and its records
	st      *BulkStats
}

// merge applies a pair that scored at merge_at; when it does not merge, it returns the pairs to
// consider for review instead.
func (m *merger) merge(ed edge) ([]edge, bool) {
	ra, rb := m.uf.find(ed.a), m.uf.find(ed.b)
	if ra == rb {
		return nil, true
	}
	if m.systems[ra]&m.systems[rb] != 0 {
		// A system rarely holds one customer twice: a steward's call, not a score's.
		m.st.SameSystem++
		return []edge{ed}, false
	}
	_, grewA := m.vals[ra]
	_, grewB := m.vals[rb]
	if grewA || grewB {
		mergeAt, reviewAt := m.e.model.Match.Thresholds()
		s := m.e.Score(m.valuesOf(ra), m.valuesOf(rb))
		switch {
		case s.Vetoed || s.Missing || s.Score < reviewAt:
			return nil, false
		case s.Score < mergeAt:
			return []edge{{ra, rb, s}}, false
		}
	}
	root, ok := m.uf.union(ra, rb)
	if !ok {
		m.st.Apart++
		return nil, false
	}
	other := ra + rb - root
	m.members[root] = slices.Concat(m.recordsOf(root), m.recordsOf(other))
	m.vals[root] = survivedTexts(m.e, m.recs, m.members[root])
	delete(m.members, other)
	delete(m.vals, other)
	m.systems[root] |= m.systems[other]
	m.st.FuzzyMerges++
	return nil, true
}

func (m *merger) valuesOf(root int32) map[string]string {
	if v, ok := m.vals[root]; ok {
		return v
	}
	return m.reps[root]
}

func (m *merger) recordsOf(root int32) []int32 {
	if rs, ok := m.members[root]; ok {
		return rs
	}
	return m.kc.members[root]
}

// systemMasks gives each key cluster the set of systems its records come from, as bits.
func systemMasks(recs []BulkRecord, kc keyCluster) ([]uint64, error) {
	bit := map[string]uint64{}
	masks := make([]uint64, len(kc.members))
	for k, ms := range kc.members {
		for _, r := range ms {
			s := recs[r].System
			b, ok := bit[s]
			if !ok {
				if len(bit) == 64 {
					return nil, fmt.Errorf("bulk clustering: more than 64 systems hold entity records")
				}
				b = 1 << len(bit)
				bit[s] = b
			}
			masks[k] |= b
		}
	}
	return masks, nil
}
