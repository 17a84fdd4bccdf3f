package master_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/master"
)

// bulkModel has two deterministic keys, one blocking key and rules under which equal name, city
// and phone score 1 (merge) and a phone equal only in its last 8 digits scores 0.92 (review).
const bulkModel = `entity: customer
fields:
  name: {}
  tax_id: {}
  email: {}
  phone: {}
  city: {}
match:
  keys:
    - {kind: tax_id, field: tax_id}
    - {kind: email, field: email, standardize: email_key}
  blocking:
    - {kind: name2, of: [{field: name, use: company_name_key, length: 2}]}
  rules:
    - {field: name, compare: company_name, weight: 0.4}
    - {field: city, compare: place, weight: 0.2}
    - {field: phone, compare: phone, weight: 0.4}
    - {field: tax_id, compare: exact, veto: true}
  merge_at: 0.95
  review_at: 0.8
survivorship:
  source_priority: [erp, crm]
  default: [source_priority, most_recent]
`

// bulkEngine is an engine over bulkModel with a CRM and an ERP mapping every field both ways.
func bulkEngine(t *testing.T) (*master.Engine, *config.Config) {
	t.Helper()
	var fields string
	for _, f := range []string{"name", "tax_id", "email", "phone", "city"} {
		fields += fmt.Sprintf("      - {golden: %s, from: %s}\n", f, f)
	}
	sys := func(object string) string {
		return "connector: sqltable\nentities:\n  customer:\n    object: " + object + "\n    direction: both\n    fields:\n" + fields
	}
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": bulkModel,
		"systems/crm.yaml":     sys("accounts"),
		"systems/erp.yaml":     sys("customers"),
	})
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := master.NewEngine(cfg, "customer")
	if err != nil {
		t.Fatal(err)
	}
	return e, cfg
}

// rec is a record of system with id and field=value pairs.
func rec(system, id string, kv ...string) master.BulkRecord {
	vals := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		vals[kv[i]] = kv[i+1]
	}
	return master.BulkRecord{System: system, ExternalID: id, Values: vals}
}

func TestClusterCases(t *testing.T) {
	e, _ := bulkEngine(t)
	acme := []string{"name", "Acme Trading Co., Ltd.", "city", "Shanghai", "phone", "+862150001234"}
	with := func(base []string, kv ...string) []string { return append(append([]string{}, base...), kv...) }
	type review struct {
		Held, Candidate int
		Score           float64
	}
	cases := []struct {
		name    string
		recs    []master.BulkRecord
		apart   [][2]int
		want    [][]int
		reviews []review
	}{{
		name: "keys are transitive",
		recs: []master.BulkRecord{
			rec("crm", "1", "name", "Alpha", "tax_id", "T1"),
			rec("erp", "1", "name", "Beta", "tax_id", "T1", "email", "a@b.cn"),
			rec("crm", "2", "name", "Gamma", "email", "A@B.CN"),
			rec("erp", "2", "name", "Delta", "tax_id", "T2"),
		},
		want: [][]int{{0, 1, 2}, {3}},
	}, {
		name: "keys merge records of one system",
		recs: []master.BulkRecord{rec("crm", "1", "tax_id", "T1"), rec("crm", "2", "tax_id", "T1")},
		want: [][]int{{0, 1}},
	}, {
		name: "equal values merge across systems",
		recs: []master.BulkRecord{rec("crm", "1", acme...), rec("erp", "1", "name", "ACME Trading Ltd", "city", "Shanghai City", "phone", "+86 21 5000 1234")},
		want: [][]int{{0, 1}},
	}, {
		name: "a grown cluster is scored again as a whole",
		recs: []master.BulkRecord{
			rec("crm", "1", acme...),
			rec("erp", "1", acme[:4]...),
			rec("finance", "1", with(acme[:4], "phone", "+861099998888")...),
		},
		want: [][]int{{0, 1}, {2}},
	}, {
		name: "a different tax ID vetoes",
		recs: []master.BulkRecord{rec("crm", "1", with(acme, "tax_id", "T1")...), rec("erp", "1", with(acme, "tax_id", "T2")...)},
		want: [][]int{{0}, {1}},
	}, {
		name:    "the same system is reviewed, not merged",
		recs:    []master.BulkRecord{rec("crm", "1", acme...), rec("crm", "2", acme...)},
		want:    [][]int{{0}, {1}},
		reviews: []review{{1, 0, 1}},
	}, {
		name: "a cluster holding the system already is reviewed",
		recs: []master.BulkRecord{
			rec("crm", "1", with(acme, "tax_id", "T1")...),
			rec("erp", "1", with(acme, "tax_id", "T1")...),
			rec("erp", "2", acme...),
		},
		want:    [][]int{{0, 1}, {2}},
		reviews: []review{{1, 0, 1}},
	}, {
		name:  "not a match keeps a shared key apart",
		recs:  []master.BulkRecord{rec("crm", "1", "tax_id", "T1"), rec("erp", "1", "tax_id", "T1")},
		apart: [][2]int{{0, 1}},
		want:  [][]int{{0}, {1}},
	}, {
		name:  "not a match is neither merged nor reviewed",
		recs:  []master.BulkRecord{rec("crm", "1", acme...), rec("erp", "1", acme...)},
		apart: [][2]int{{1, 0}},
		want:  [][]int{{0}, {1}},
	}, {
		name: "not a match holds through a chain of keys",
		recs: []master.BulkRecord{
			rec("crm", "1", "tax_id", "T1"),
			rec("erp", "1", "tax_id", "T1", "email", "x@y.cn"),
			rec("crm", "2", "email", "x@y.cn"),
		},
		apart: [][2]int{{0, 2}},
		want:  [][]int{{0, 1}, {2}},
	}, {
		name:    "the review band",
		recs:    []master.BulkRecord{rec("crm", "1", acme...), rec("erp", "1", with(acme[:4], "phone", "+862250001234")...)},
		want:    [][]int{{0}, {1}},
		reviews: []review{{1, 0, 0.92}},
	}, {
		name: "below the review band nothing happens",
		recs: []master.BulkRecord{rec("crm", "1", acme...), rec("erp", "1", with(acme[:2], "city", "Beijing", "phone", "+861099998888")...)},
		want: [][]int{{0}, {1}},
	}, {
		name: "one field in common is no evidence",
		recs: []master.BulkRecord{rec("crm", "1", "name", "Acme Trading"), rec("erp", "1", "name", "Acme Trading")},
		want: [][]int{{0}, {1}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := e.Cluster(context.Background(), tc.recs, master.BulkOptions{Apart: tc.apart})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Clusters, tc.want) {
				t.Errorf("clusters %v, want %v", c.Clusters, tc.want)
			}
			var got []review
			for _, r := range c.Reviews {
				got = append(got, review{r.Held, r.Candidate, r.Score.Score})
			}
			if !reflect.DeepEqual(got, tc.reviews) {
				t.Errorf("reviews %v, want %v", got, tc.reviews)
			}
		})
	}
}

// TestClusterLargeBlock: a block over the candidate bound is scored by sorted neighbourhood, and
// a duplicate among hundreds of look-alikes is still found.
func TestClusterLargeBlock(t *testing.T) {
	e, _ := bulkEngine(t)
	var recs []master.BulkRecord
	for i := range 300 {
		recs = append(recs, rec("crm", fmt.Sprint(i), "name", fmt.Sprintf("Acme Trading %03d", i), "city", "Shanghai", "phone", fmt.Sprintf("+8621%08d", i)))
	}
	recs = append(recs, rec("erp", "x", "name", "Acme Trading 150", "city", "shanghai", "phone", "+86 21 0000 0150"))
	c, err := e.Cluster(context.Background(), recs, master.BulkOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c.Stats.LargeBlocks != 1 {
		t.Errorf("%d large blocks, want 1", c.Stats.LargeBlocks)
	}
	if len(c.Clusters) != 300 || !reflect.DeepEqual(c.Clusters[150], []int{150, 300}) {
		t.Errorf("%d clusters, cluster 150 is %v; want 300 and [150 300]", len(c.Clusters), c.Clusters[150])
	}
	if max := int64(301 * 2 * master.DefaultWindow); c.Stats.Scored > max { // two sorted passes
		t.Errorf("%d pairs scored, want at most %d", c.Stats.Scored, max)
	}
}
