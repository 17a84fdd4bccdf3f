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

// explainRun prints, for a run's missed true pairs and its golden records mixing companies,
// each golden record's values and how the shipped rules score the pair: the diagnostic the
// rules are tuned with. Tune on seed 1 only; the section measures seeds 2 and 3.
func explainRun(ctx context.Context, w io.Writer, s *store.Store, engine *master.Engine, truth generate.Truth) error {
	var links []struct {
		System     string `db:"system"`
		ExternalID string `db:"external_id"`
		GoldenID   string `db:"golden_id"`
	}
	if err := s.DB().SelectContext(ctx, &links, `SELECT system, external_id, golden_id FROM xrefs WHERE entity = 'customer' AND origin = 'read'`); err != nil {
		return err
	}
	goldensOf := map[string][]string{}   // company → golden IDs, sorted, distinct
	companiesOf := map[string][]string{} // golden ID → companies, distinct
	members := map[string][]string{}     // golden ID → system/id
	for _, l := range links {
		co, key := truth.Cluster[l.System+"/"+l.ExternalID], l.System+"/"+l.ExternalID
		if !slices.Contains(goldensOf[co], l.GoldenID) {
			goldensOf[co] = append(goldensOf[co], l.GoldenID)
		}
		if !slices.Contains(companiesOf[l.GoldenID], co) {
			companiesOf[l.GoldenID] = append(companiesOf[l.GoldenID], co)
		}
		members[l.GoldenID] = append(members[l.GoldenID], key)
	}
	fieldsOf := func(id string) (map[string]string, error) {
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
	show := func(label, a, b string) error {
		fa, err := fieldsOf(a)
		if err != nil {
			return err
		}
		fb, err := fieldsOf(b)
		if err != nil {
			return err
		}
		sc := engine.Score(fa, fb)
		shared := sharedKeys(engine.IndexKeys(fa), engine.IndexKeys(fb))
		fmt.Fprintf(w, "%s score %.3f vetoed %v missing %v shared block keys %v\n", label, sc.Score, sc.Vetoed, sc.Missing, shared)
		for _, r := range sc.Rules {
			fmt.Fprintf(w, "    %-7s %-12s sim %.3f\n", r.Field, r.Compare, r.Similarity)
		}
		for _, g := range []struct {
			id string
			f  map[string]string
		}{{a, fa}, {b, fb}} {
			fmt.Fprintf(w, "  %v name=%q city=%q phone=%q email=%q tax=%q\n", members[g.id],
				g.f["name"], g.f["city"], g.f["phone"], g.f["email"], g.f["tax_id"])
		}
		return nil
	}
	missed := several(goldensOf)
	for _, co := range missed {
		ids := goldensOf[co]
		sort.Strings(ids)
		for _, other := range ids[1:] {
			if err := show("MISSED "+co, ids[0], other); err != nil {
				return err
			}
		}
	}
	mixed := several(companiesOf)
	for _, id := range mixed {
		fmt.Fprintf(w, "WRONG MERGE %s companies %v\n", id, companiesOf[id])
		xs, err := s.Read().XrefsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, x := range xs {
			var snap master.Snapshot
			if err := json.Unmarshal(x.FieldsJSON, &snap); err != nil {
				return err
			}
			f := func(k string) string { return snap.Fields[k].V }
			fmt.Fprintf(w, "  %s/%s %s name=%q city=%q phone=%q email=%q tax=%q\n", x.System, x.ExternalID,
				truth.Cluster[x.System+"/"+x.ExternalID], f("name"), f("city"), f("phone"), f("email"), f("tax_id"))
		}
	}
	fmt.Fprintf(w, "%d companies split, %d golden records mixing companies\n", len(missed), len(mixed))
	return nil
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
