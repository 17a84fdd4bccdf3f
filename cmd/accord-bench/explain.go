package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/accord-mdm/accord/demo/generate"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// link is one record read into the golden store and the golden record it belongs to.
type link struct {
	System     string `db:"system"`
	ExternalID string `db:"external_id"`
	GoldenID   string `db:"golden_id"`
}

// readLinks returns every customer record read into s.
func readLinks(ctx context.Context, s *store.Store) ([]link, error) {
	var links []link
	err := s.DB().SelectContext(ctx, &links, `SELECT system, external_id, golden_id FROM xrefs WHERE entity = 'customer' AND origin = 'read'`)
	return links, err
}

// explainSeed runs one seed unlinked with the fuzzy rules, explains it on stdout and prints its
// figures last.
func explainSeed(ctx context.Context, seed uint64, companies int) error {
	dir, err := os.MkdirTemp("", "accord-explain-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	q, err := matchRun(ctx, dir, companies, seed, true, true, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Printf("seed %d: precision %.4f recall %.4f F1 %.4f, %d golden records mixing companies, %d review cases (%d true)\n",
		seed, q.Precision, q.Recall, q.F1, q.WrongMerges, q.Reviews, q.ReviewsTrue)
	return nil
}

// explainRun prints a run's missed true pairs, with how the shipped rules score the golden
// records they ended in, and its golden records mixing companies, with their members' values:
// the diagnostic the rules are tuned with. Tune on seed 1 only; the section measures 2 and 3.
func explainRun(ctx context.Context, w io.Writer, s *store.Store, engine *master.Engine, truth generate.Truth) error {
	links, err := readLinks(ctx, s)
	if err != nil {
		return err
	}
	goldensOf := map[string][]string{}   // company → golden IDs, distinct
	companiesOf := map[string][]string{} // golden ID → companies, distinct
	members := map[string][]string{}     // golden ID → system/id
	for _, l := range links {
		key := l.System + "/" + l.ExternalID
		co := truth.Cluster[key]
		if !slices.Contains(goldensOf[co], l.GoldenID) {
			goldensOf[co] = append(goldensOf[co], l.GoldenID)
		}
		if !slices.Contains(companiesOf[l.GoldenID], co) {
			companiesOf[l.GoldenID] = append(companiesOf[l.GoldenID], co)
		}
		members[l.GoldenID] = append(members[l.GoldenID], key)
	}
	missed, mixed := several(goldensOf), several(companiesOf)
	for _, co := range missed {
		ids := goldensOf[co]
		sort.Strings(ids)
		for _, other := range ids[1:] {
			if err := explainPair(ctx, w, s, engine, "MISSED "+co, ids[0], other, members); err != nil {
				return err
			}
		}
	}
	for _, id := range mixed {
		if err := explainMixed(ctx, w, s, truth, id, companiesOf[id]); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "%d companies split, %d golden records mixing companies\n", len(missed), len(mixed))
	return nil
}

// explainPair prints how golden record a scores against b, their shared blocking keys and values.
func explainPair(ctx context.Context, w io.Writer, s *store.Store, engine *master.Engine, label, a, b string, members map[string][]string) error {
	fa, err := goldenTexts(ctx, s, a)
	if err != nil {
		return err
	}
	fb, err := goldenTexts(ctx, s, b)
	if err != nil {
		return err
	}
	sc := engine.Score(fa, fb)
	shared := sharedKeys(engine.IndexKeys(fa), engine.IndexKeys(fb))
	fmt.Fprintf(w, "%s score %.3f vetoed %v missing %v shared block keys %v\n", label, sc.Score, sc.Vetoed, sc.Missing, shared)
	for _, r := range sc.Rules {
		fmt.Fprintf(w, "    %-7s %-12s sim %.3f\n", r.Field, r.Compare, r.Similarity)
	}
	fmt.Fprintf(w, "  %v %s\n", members[a], describe(func(k string) string { return fa[k] }))
	fmt.Fprintf(w, "  %v %s\n", members[b], describe(func(k string) string { return fb[k] }))
	return nil
}

// explainMixed prints the records of golden record id, which mixes companies.
func explainMixed(ctx context.Context, w io.Writer, s *store.Store, truth generate.Truth, id string, companies []string) error {
	fmt.Fprintf(w, "WRONG MERGE %s companies %v\n", id, companies)
	xs, err := s.Read().XrefsOf(ctx, id)
	if err != nil {
		return err
	}
	for _, x := range xs {
		var snap master.Snapshot
		if err := json.Unmarshal(x.FieldsJSON, &snap); err != nil {
			return err
		}
		key := x.System + "/" + x.ExternalID
		fmt.Fprintf(w, "  %s %s %s\n", key, truth.Cluster[key], describe(func(k string) string { return snap.Fields[k].V }))
	}
	return nil
}

// describe lists the values the demo's rules compare.
func describe(value func(field string) string) string {
	var parts []string
	for _, f := range []string{"name", "city", "phone", "email", "tax_id"} {
		parts = append(parts, fmt.Sprintf("%s=%q", f, value(f)))
	}
	return strings.Join(parts, " ")
}

// goldenTexts returns golden record id's values as text.
func goldenTexts(ctx context.Context, s *store.Store, id string) (map[string]string, error) {
	g, err := s.Read().GetGolden(ctx, id)
	if err != nil {
		return nil, err
	}
	f, err := g.Fields()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range f {
		if v != nil {
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// several returns the keys of m with more than one value, sorted.
func several(m map[string][]string) []string {
	var out []string
	for k, vs := range m {
		if len(vs) > 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// sharedKeys are the blocking keys two sets of index keys have in common.
func sharedKeys(a, b []store.MatchKey) []string {
	in := map[store.MatchKey]bool{}
	for _, k := range a {
		in[k] = true
	}
	var out []string
	for _, k := range b {
		if in[k] && strings.HasPrefix(k.Kind, "block:") {
			out = append(out, k.Kind+"="+k.Value)
		}
	}
	return out
}
