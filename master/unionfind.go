package master

// unionFind partitions items 0..n-1 with cannot-link constraints: a union that would put two
// items of an "apart" pair in one set is refused. The root of a set is its smallest item, so
// the oldest record or cluster names it, as the oldest golden record survives a merge.
type unionFind struct {
	parent []int32
	// apart lists, per root with constraints, the items none of its set may join.
	apart map[int32][]int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), apart: map[int32][]int32{}}
	for i := range u.parent {
		u.parent[i] = int32(i)
	}
	return u
}

// keepApart records that a and b must never share a set.
func (u *unionFind) keepApart(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	u.apart[ra] = append(u.apart[ra], b)
	u.apart[rb] = append(u.apart[rb], a)
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// conflict reports whether the sets of roots ra and rb hold an apart pair between them.
func (u *unionFind) conflict(ra, rb int32) bool {
	la, other := u.apart[ra], rb
	if lb := u.apart[rb]; len(lb) < len(la) {
		la, other = lb, ra
	}
	for _, x := range la {
		if u.find(x) == other {
			return true
		}
	}
	return false
}

// union joins the sets of a and b; it returns the new root and false when they were one set
// already or an apart pair forbids it.
func (u *unionFind) union(a, b int32) (int32, bool) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb || u.conflict(ra, rb) {
		return ra, false
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	if l, ok := u.apart[rb]; ok {
		u.apart[ra] = append(u.apart[ra], l...)
		delete(u.apart, rb)
	}
	return ra, true
}
