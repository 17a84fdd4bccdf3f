package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/demo"
	"github.com/accord-mdm/accord/demo/generate"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// quality is how the golden records of one run compare with the truth.
type quality struct {
	Label                        string
	Records, Companies, Golden   int
	Precision, Recall, F1        float64
	Reviews, ReviewsTrue         int
	Elapsed                      time.Duration
	PredictedPairs, TruthPairs   int64
	TruePairs                    int64
	WrongMerges, MissedCompanys  int
	Unlinked, Fuzzy              bool
	Moved, OldTaxIDs, LookAlikes int // the generator's hard cases (unlinked data only)
}

// matchRun generates companies (seed, unlinked), syncs the three systems into a fresh SQLite
// store through the sqltable connector and the master engine — the pipeline's pages without
// Temporal — with the demo's golden model, its fuzzy rules on or off, and scores the result.
// With explain set it also writes there why pairs were missed or wrongly merged (explainRun).
func matchRun(ctx context.Context, dir string, companies int, seed uint64, unlinked, fuzzy bool, explain io.Writer) (quality, error) {
	q := quality{Unlinked: unlinked, Fuzzy: fuzzy}
	dataDir := filepath.Join(dir, fmt.Sprintf("match-%d-%v-%v", seed, unlinked, fuzzy))
	truth, err := generate.Generate(ctx, generate.Options{Dir: dataDir, Companies: companies, Seed: seed, Unlinked: unlinked,
		Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return q, err
	}
	q.Moved, q.OldTaxIDs, q.LookAlikes = truth.Moved, truth.OldTaxIDs, truth.LookAlikes
	cfgDir := filepath.Join(dataDir, "config")
	if err := demo.WriteConfig(cfgDir); err != nil {
		return q, err
	}
	if !fuzzy {
		if err := dropFuzzy(filepath.Join(cfgDir, "golden", "customer.yaml")); err != nil {
			return q, err
		}
	}
	os.Setenv("ACCORD_DEMO_DIR", dataDir)
	cfg, err := config.Load(cfgDir)
	if err != nil {
		return q, err
	}
	s, err := store.Open(ctx, filepath.Join(dataDir, "accord.db"))
	if err != nil {
		return q, err
	}
	defer s.Close()
	engine, err := master.NewEngine(cfg, "customer")
	if err != nil {
		return q, err
	}
	start := time.Now()
	for _, system := range []string{"erp", "finance", "crm"} {
		if err := syncAll(ctx, s, cfg, engine, system); err != nil {
			return q, fmt.Errorf("%s: %w", system, err)
		}
	}
	q.Elapsed = time.Since(start)
	if explain != nil {
		if err := explainRun(ctx, explain, s, engine, truth); err != nil {
			return q, err
		}
	}
	return score(ctx, s, truth, q)
}

// dropFuzzy removes the blocking keys and rules from a golden model file: keys only.
func dropFuzzy(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var keep []string
	skip := false
	for _, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "blocking:"), strings.HasPrefix(t, "rules:"):
			skip = true
			continue
		case strings.HasPrefix(t, "merge_at:"), strings.HasPrefix(t, "review_at:"):
			continue
		case skip && (strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "#")):
			continue
		}
		skip = false
		keep = append(keep, line)
	}
	return os.WriteFile(path, []byte(strings.Join(keep, "\n")), 0o644)
}

// syncAll reads system page by page and merges each page in one transaction, as SyncPage does.
func syncAll(ctx context.Context, s *store.Store, cfg *config.Config, engine *master.Engine, system string) error {
	sys, b, err := cfg.Binding(system, "customer")
	if err != nil {
		return err
	}
	m, err := mapping.Compile(system, "customer", b)
	if err != nil {
		return err
	}
	conn, err := connectors.Registry{"sqltable": sqltable.New}.New(sys.Connector)
	if err != nil {
		return err
	}
	defer conn.Close()
	settings, err := sys.SettingsJSON()
	if err != nil {
		return err
	}
	if err := conn.Configure(ctx, settings); err != nil {
		return err
	}
	cursor := ""
	for {
		page, err := conn.Read(ctx, connectors.ReadRequest{Entity: b.Object, Cursor: cursor, Limit: 1000})
		if err != nil {
			return err
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			_, err := engine.Ingest(ctx, tx, m, system, b, page.Records, nil)
			return err
		}); err != nil {
			return err
		}
		if !page.More {
			return nil
		}
		cursor = page.NextCursor
	}
}

// score compares the store's golden records with the truth, pair by pair: two records in one
// golden record are a predicted pair; two rows of one company a true pair.
func score(ctx context.Context, s *store.Store, truth generate.Truth, q quality) (quality, error) {
	links, err := readLinks(ctx, s)
	if err != nil {
		return q, err
	}
	byGolden := map[string]int64{}
	byCompany := map[string]int64{}
	cell := map[[2]string]int64{}
	goldenCompanies := map[string]map[string]bool{}
	for _, l := range links {
		company := truth.Cluster[l.System+"/"+l.ExternalID]
		byGolden[l.GoldenID]++
		byCompany[company]++
		cell[[2]string{l.GoldenID, company}]++
		if goldenCompanies[l.GoldenID] == nil {
			goldenCompanies[l.GoldenID] = map[string]bool{}
		}
		goldenCompanies[l.GoldenID][company] = true
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	for _, n := range byGolden {
		q.PredictedPairs += pairs(n)
	}
	for _, n := range byCompany {
		q.TruthPairs += pairs(n)
	}
	for _, n := range cell {
		q.TruePairs += pairs(n)
	}
	for _, cs := range goldenCompanies {
		if len(cs) > 1 {
			q.WrongMerges++
		}
	}
	q.Records, q.Companies, q.Golden = len(links), len(byCompany), len(byGolden)
	q.Precision, q.Recall = ratio(q.TruePairs, q.PredictedPairs), ratio(q.TruePairs, q.TruthPairs)
	if q.Precision+q.Recall > 0 {
		q.F1 = 2 * q.Precision * q.Recall / (q.Precision + q.Recall)
	}
	cases, err := s.Read().ListReviews(ctx, "", 100000)
	if err != nil {
		return q, err
	}
	q.Reviews = len(cases)
	for _, c := range cases {
		held, cand := goldenCompanies[c.GoldenID], goldenCompanies[c.CandidateID]
		for co := range held {
			if cand[co] {
				q.ReviewsTrue++
				break
			}
		}
	}
	return q, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// matchingSection measures the shipped rules on data they were not tuned on: seeds 2 and 3 (the
// rules were tuned looking at seed 1, with -explain 1), each unlinked (copies may share no key:
// the headline) and as the demo generates it (every copy shares a key with another), with the
// fuzzy rules and with keys only.
func matchingSection(ctx context.Context, dir string, companies int) (string, error) {
	var rows []quality
	for _, seed := range []uint64{2, 3} {
		for _, unlinked := range []bool{true, false} {
			for _, fuzzy := range []bool{true, false} {
				fmt.Fprintf(os.Stderr, "matching: seed %d unlinked %v fuzzy %v …\n", seed, unlinked, fuzzy)
				q, err := matchRun(ctx, dir, companies, seed, unlinked, fuzzy, nil)
				if err != nil {
					return "", err
				}
				data := "demo data (copies share a key)"
				if unlinked {
					data = "**unlinked**"
				}
				rules := "keys only"
				if fuzzy {
					rules = "keys + fuzzy rules"
				}
				q.Label = fmt.Sprintf("seed %d, %s, %s", seed, data, rules)
				rows = append(rows, q)
			}
		}
	}
	return matchingMarkdown(rows, companies), nil
}

func matchingMarkdown(rows []quality, companies int) string {
	var b strings.Builder
	var hard quality
	for _, q := range rows {
		if q.Unlinked && q.Fuzzy {
			hard.Moved, hard.OldTaxIDs, hard.LookAlikes = hard.Moved+q.Moved, hard.OldTaxIDs+q.OldTaxIDs, hard.LookAlikes+q.LookAlikes
		}
	}
	fmt.Fprintf(&b, "## Matching quality\n\n")
	fmt.Fprintf(&b, "%d generated companies per run, written as a CRM, an ERP and a finance system hold them (Chinese and\n", companies)
	fmt.Fprintf(&b, "English names, legal-form and region variants, full-width characters, typos and transpositions, missing\n")
	fmt.Fprintf(&b, "tax IDs, phone formats; `demo/generate`), synced through the sqltable connector and the master engine\n")
	fmt.Fprintf(&b, "page by page into a SQLite golden store with the shipped `examples/demo/golden/customer.yaml`.\n")
	fmt.Fprintf(&b, "**Unlinked** data are the realistic case and the headline: copies of a company may share no key at\n")
	fmt.Fprintf(&b, "all, and they hold the hard cases — here, over both seeds, %d companies that moved city (a system\n", hard.Moved)
	fmt.Fprintf(&b, "keeps the old one, the tax ID names where they registered), %d tax IDs written as the old 15-character\n", hard.OldTaxIDs)
	fmt.Fprintf(&b, "税务登记号 (a wrong key), and %d look-alike companies (the same name in another city, the same brand\n", hard.LookAlikes)
	fmt.Fprintf(&b, "in another industry, a 分公司 branch on its head office's e-mail domain). In the demo data every copy\n")
	fmt.Fprintf(&b, "shares a key with another, and none of the hard cases occur. Pairs of records in one golden record\n")
	fmt.Fprintf(&b, "are compared with pairs of rows of one company; records held for review count as not merged.\n")
	fmt.Fprintf(&b, "The rules were tuned on seed 1 only (`go run ./cmd/accord-bench -explain 1` prints its missed pairs\n")
	fmt.Fprintf(&b, "and wrong merges with their rule scores); these runs use seeds 2 and 3.\n")
	fmt.Fprintf(&b, "Command: `make bench BENCH=matching` (about 2 minutes).\n\n")
	fmt.Fprintf(&b, "| run | records | companies | golden | precision | recall | F1 | golden records mixing companies | review cases (true matches) | time |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, q := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.4f | %.4f | %.4f | %d | %d (%d) | %s |\n", q.Label, q.Records, q.Companies, q.Golden,
			q.Precision, q.Recall, q.F1, q.WrongMerges, q.Reviews, q.ReviewsTrue, q.Elapsed.Round(100*time.Millisecond))
	}
	minP, minF := 1.0, 1.0
	var recs int
	var took time.Duration
	for _, q := range rows {
		if q.Fuzzy {
			recs += q.Records
			took += q.Elapsed
		}
		if q.Fuzzy && q.Unlinked {
			minP = min(minP, q.Precision)
			minF = min(minF, q.F1)
		}
	}
	fmt.Fprintf(&b, "\nGoals (unlinked data, the shipped rules): precision ≥ 0.995 — lowest here %.4f (%s); F1 ≥ 0.98 — lowest\n",
		minP, met(minP >= 0.995))
	fmt.Fprintf(&b, "here %.4f (%s).\n", minF, met(minF >= 0.98))
	b.WriteString("What the rules do: cities compare equal in Chinese, pinyin or English (深圳, 深圳市, Shenzhen);\n")
	b.WriteString("where a record holds no city (the finance system), the city its 统一社会信用代码 was issued in\n")
	b.WriteString("stands in; an old 税务登记号 equals the code that replaced it; Latin names compare word by word\n")
	b.WriteString("(Westgate Trading is not Westgate Media); a same-domain address scores 0.9; a record that scores\n")
	b.WriteString("above merge_at against several candidates joins them. What stays missed: a name alone (two fields\n")
	b.WriteString("must compare), companies that moved (the city and the tax ID's city disagree), a typo in a name's\n")
	b.WriteString("first two letters (another name block) and Chinese names one character apart, which are as often\n")
	b.WriteString("two companies as a typo. Where every copy shares a key, keys alone are exact and the fuzzy rules\n")
	b.WriteString("can only add wrong merges of look-alikes and review cases. The true matches among the review cases\n")
	b.WriteString("(in brackets) count as missed here: a steward's merge recovers them.\n")
	rate := float64(recs) / took.Seconds()
	fmt.Fprintf(&b, "\nSpeed: with the fuzzy rules the sync's engine merged %.0f records/s (every record in its page's\n", rate)
	fmt.Fprintf(&b, "transaction: match keys, candidates, survivorship, lineage, outbox): a million records would take it\n")
	fmt.Fprintf(&b, "%.0f minutes. A first load of that size goes through `accord golden load` instead, whose bulk path\n", 1e6/rate/60)
	fmt.Fprintf(&b, "is measured against the 60 s goal in the dedup section; the incremental match of one record against a\n")
	fmt.Fprintf(&b, "store of 1,000,000 in the incremental section.\n\n")
	return b.String()
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}
