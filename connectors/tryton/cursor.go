package tryton

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// cursor is where a Read resumes. Reads go in scans: a scan pages by id through the records
// changed since From (all records when From is zero), then reports the records that
// disappeared. Mark is the latest change time in the system when the scan began; the next scan
// starts at Mark minus the overlap. Known is every record reported live and not since reported
// deleted, which is how deletions are found: Tryton keeps no tombstones that JSON-RPC can list.
type cursor struct {
	From     time.Time `json:"from,omitzero"`
	Mark     time.Time `json:"mark,omitzero"`
	Scanning bool      `json:"scanning,omitempty"`
	After    int64     `json:"after,omitempty"`
	Known    idRanges  `json:"known,omitempty"`
	Gone     []int64   `json:"gone,omitempty"`
}

func decodeCursor(text string) (cursor, error) {
	var c cursor
	if text == "" {
		return c, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil {
		return c, &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("cursor is not one this connector made: %v", err)}
	}
	return c, nil
}

func (c cursor) encode() string {
	raw, _ := json.Marshal(c) // a struct of plain values always marshals
	return base64.RawURLEncoding.EncodeToString(raw)
}

// idRanges is a set of ids as sorted, disjoint, inclusive [first, last] ranges: Tryton's ids are
// mostly consecutive, so the set of a large system stays small.
type idRanges [][2]int64

// rangesOf builds the ranges of a set.
func rangesOf(set map[int64]bool) idRanges {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out idRanges
	for _, id := range ids {
		if n := len(out); n > 0 && out[n-1][1]+1 == id {
			out[n-1][1] = id
		} else {
			out = append(out, [2]int64{id, id})
		}
	}
	return out
}

// maxKnown bounds the ids a cursor may hold, so that a damaged cursor cannot exhaust memory.
const maxKnown = 10_000_000

// set expands the ranges.
func (r idRanges) set() (map[int64]bool, error) {
	var n int64
	for _, span := range r {
		if span[0] > span[1] || span[1]-span[0] >= maxKnown-n {
			return nil, &connectors.OpError{Kind: connectors.Permanent, Message: "cursor holds a damaged id set"}
		}
		n += span[1] - span[0] + 1
	}
	out := make(map[int64]bool, n)
	for _, span := range r {
		for id := span[0]; id <= span[1]; id++ {
			out[id] = true
		}
	}
	return out, nil
}
