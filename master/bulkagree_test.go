package master_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/demo/generate"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// demoSystems are the demo's systems in the order the agreement test reads them.
var demoSystems = []string{"erp", "finance", "crm"}

// demoWorld generates the demo's three systems and loads the shipped demo configuration.
func demoWorld(t testing.TB, companies int, seed uint64, unlinked bool) (*config.Config, *master.Engine) {
	t.Helper()
	dir := t.TempDir()
	if _, err := generate.Generate(context.Background(), generate.Options{Dir: dir, Companies: companies, Seed: seed,
		Unlinked: unlinked, Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ACCORD_DEMO_DIR", dir)
	cfg, err := config.Load(filepath.Join("..", "examples", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := master.NewEngine(cfg, "customer")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, e
}

// openDemo connects to a demo system and compiles its mapping.
func openDemo(t testing.TB, cfg *config.Config, system string) (connectors.Connector, *config.Binding, *mapping.Mapping) {
	t.Helper()
	sys, b, err := cfg.Binding(system, "customer")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Compile(system, "customer", b)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connectors.Registry{"sqltable": sqltable.New}.New(sys.Connector)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	settings, err := sys.SettingsJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Configure(context.Background(), settings); err != nil {
		t.Fatal(err)
	}
	return conn, b, m
}

// incrementalLabels syncs the systems page by page through Ingest, as a sync does, and returns
// each record's golden record and the open review cases, as pairs of golden records.
func incrementalLabels(t *testing.T, cfg *config.Config, e *master.Engine) (map[string]string, [][2]string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, system := range demoSystems {
		conn, b, m := openDemo(t, cfg, system)
		cursor := ""
		for {
			page, err := conn.Read(ctx, connectors.ReadRequest{Entity: b.Object, Cursor: cursor, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				_, err := e.Ingest(ctx, tx, m, system, b, page.Records, nil)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if !page.More {
				break
			}
			cursor = page.NextCursor
		}
	}
	var links []struct {
		System     string `db:"system"`
		ExternalID string `db:"external_id"`
		GoldenID   string `db:"golden_id"`
	}
	if err := s.DB().SelectContext(ctx, &links, `SELECT system, external_id, golden_id FROM xrefs WHERE entity = 'customer'`); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(links))
	for _, l := range links {
		out[l.System+"/"+l.ExternalID] = l.GoldenID
	}
	cases, err := s.Read().ListReviews(ctx, store.ReviewOpen, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var reviews [][2]string
	for _, c := range cases {
		reviews = append(reviews, [2]string{c.GoldenID, c.CandidateID})
	}
	return out, reviews
}

// bulkLabels reads the systems with ReadBulk, clusters them and returns each record's cluster
// and the review cases, as pairs of clusters.
func bulkLabels(t *testing.T, cfg *config.Config, e *master.Engine) (map[string]string, [][2]string, *master.Clustering) {
	t.Helper()
	ctx := context.Background()
	var recs []master.BulkRecord
	for _, system := range demoSystems {
		conn, b, m := openDemo(t, cfg, system)
		var err error
		if recs, _, err = master.ReadBulk(ctx, conn, m, system, b.Object, recs, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.Cluster(ctx, recs, master.BulkOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(recs))
	for i, cl := range c.Clusters {
		for _, r := range cl {
			out[recs[r].System+"/"+recs[r].ExternalID] = strconv.Itoa(i)
		}
	}
	var reviews [][2]string
	for _, r := range c.Reviews {
		reviews = append(reviews, [2]string{strconv.Itoa(r.Held), strconv.Itoa(r.Candidate)})
	}
	return out, reviews, c
}

// samePairs counts the review cases a and b both hold, naming each golden record by its first
// record (labels map records to golden records).
func samePairs(a [][2]string, labelsA map[string]string, b [][2]string, labelsB map[string]string) int {
	name := func(labels map[string]string) map[string]string {
		first := map[string]string{}
		for rec, l := range labels {
			if f, ok := first[l]; !ok || rec < f {
				first[l] = rec
			}
		}
		return first
	}
	na, nb := name(labelsA), name(labelsB)
	in := map[[2]string]bool{}
	for _, p := range a {
		in[[2]string{na[p[0]], na[p[1]]}] = true
	}
	n := 0
	for _, p := range b {
		if in[[2]string{nb[p[0]], nb[p[1]]}] {
			n++
		}
	}
	return n
}

// pairAgreement compares two partitions of the same records pair by pair: the pairs together in
// both, in a only, in b only.
func pairAgreement(a, b map[string]string) (both, onlyA, onlyB int64) {
	cell := map[[2]string]int64{}
	na, nb := map[string]int64{}, map[string]int64{}
	for k, la := range a {
		lb := b[k]
		cell[[2]string{la, lb}]++
		na[la]++
		nb[lb]++
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	for _, n := range cell {
		both += pairs(n)
	}
	for _, n := range na {
		onlyA += pairs(n)
	}
	for _, n := range nb {
		onlyB += pairs(n)
	}
	return both, onlyA - both, onlyB - both
}

// TestBulkAgreesWithIncremental runs the demo data through the incremental engine (page by page,
// as a sync) and through Cluster, and compares the golden records they make. Where every copy of
// a company shares a key with another (the demo data), they must be the same. Where copies may
// share none (unlinked), the fuzzy rules decide and the engines may differ where the incremental
// engine's order matters (see docs/configuration.md): the test bounds the difference.
func TestBulkAgreesWithIncremental(t *testing.T) {
	for _, tc := range []struct {
		name     string
		unlinked bool
		maxDiff  float64 // pairs in one engine's clusters only, as a share of the pairs in both
	}{{"demo data", false, 0}, {"unlinked", true, 0.02}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, e := demoWorld(t, 800, 5, tc.unlinked)
			inc, incReviews := incrementalLabels(t, cfg, e)
			blk, blkReviews, c := bulkLabels(t, cfg, e)
			if len(inc) != len(blk) {
				t.Fatalf("incremental linked %d records, bulk clustered %d", len(inc), len(blk))
			}
			both, onlyInc, onlyBulk := pairAgreement(inc, blk)
			t.Logf("%d records, %d clusters (%d fuzzy merges); pairs together in both %d, incremental only %d, bulk only %d",
				len(blk), len(c.Clusters), c.Stats.FuzzyMerges, both, onlyInc, onlyBulk)
			same := samePairs(incReviews, inc, blkReviews, blk)
			t.Logf("review cases: incremental %d, bulk %d, the same pair in both %d", len(incReviews), len(blkReviews), same)
			if miss := len(incReviews) - same; float64(miss) > 0.25*float64(len(incReviews)) {
				t.Errorf("%d of the incremental engine's %d review cases are not proposed by the bulk path", miss, len(incReviews))
			}
			if diff := float64(onlyInc+onlyBulk) / float64(max(both, 1)); diff > tc.maxDiff {
				t.Errorf("the engines disagree on %d pairs (%.4f of %d), want at most %.4f", onlyInc+onlyBulk, diff, both, tc.maxDiff)
			}
		})
	}
}
