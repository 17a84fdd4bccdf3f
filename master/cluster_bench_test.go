package master_test

import (
	"context"
	"testing"
	"time"

	"github.com/accord-mdm/accord/master"
)

// BenchmarkClusterDemo clusters the unlinked demo data of 20,000 companies (about 36,000
// records) on all cores: keys, union-find, scoring inside blocks and decisions, without reading
// or mapping. `make bench BENCH=dedup` measures a million records end to end.
func BenchmarkClusterDemo(b *testing.B) {
	cfg, e := demoWorld(b, 20000, 4, true)
	var recs []master.BulkRecord
	for _, system := range demoSystems {
		conn, bd, m := openDemo(b, cfg, system)
		var err error
		if recs, _, err = master.ReadBulk(context.Background(), conn, m, system, bd.Object, recs, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	var c *master.Clustering
	for b.Loop() {
		var err error
		if c, err = e.Cluster(context.Background(), recs, master.BulkOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d records: %+v", len(recs), c.Stats)
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
