package master

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/hbollon/go-edlib"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping/standardize"
	"github.com/accord-mdm/accord/store"
)

// blockPrefix marks blocking keys among a golden record's match keys: they find candidates
// for scoring, never a match by themselves.
const blockPrefix = "block:"

// maxCandidates bounds the golden records one record is scored against: a blocking key shared
// by more is too common to say anything (and would make matching all-pairs).
const maxCandidates = 100

// blockKeys derives the blocking keys of a record's values. A key any of whose parts is empty
// is not made.
func (e *Engine) blockKeys(fields map[string]string) []store.MatchKey {
	var keys []store.MatchKey
	for _, b := range e.model.Match.Blocking {
		parts := make([]string, 0, len(b.Of))
		for _, p := range b.Of {
			v := blockPart(p, fields[p.Field])
			if v == "" {
				parts = nil
				break
			}
			parts = append(parts, v)
		}
		if len(parts) > 0 {
			keys = append(keys, store.MatchKey{Kind: blockPrefix + b.Kind, Value: strings.Join(parts, "|")})
		}
	}
	return keys
}

func blockPart(p config.BlockPart, v string) string {
	if v == "" {
		return ""
	}
	switch p.Use {
	case "company_name_key":
		return cut(standardize.CompanyNameKey(v), p.Length)
	case "email_domain":
		k, err := standardize.EmailKey(v)
		if err != nil {
			return ""
		}
		_, domain, _ := strings.Cut(k, "@")
		if freeMail[domain] {
			return "" // a block of everyone on qq.com says nothing and holds too many
		}
		return domain
	case "digits_suffix":
		d := digits(v)
		if len(d) < p.Length {
			return ""
		}
		return d[len(d)-p.Length:]
	}
	return cut(standardize.MatchKey(v), p.Length)
}

// cut keeps the first n runes of s (all of it when n is 0).
func cut(s string, n int) string {
	if n <= 0 {
		return s
	}
	r := []rune(s)
	return string(r[:min(len(r), n)])
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// RuleScore is one rule's part in a candidate's score: what a steward sees, no values.
type RuleScore struct {
	Field      string  `json:"field"`
	Compare    string  `json:"compare"`
	Weight     float64 `json:"weight"`
	Similarity float64 `json:"similarity"`
	Veto       bool    `json:"veto,omitempty"`
}

// Scored is a candidate golden record and how well a record matches it.
type Scored struct {
	ID      string      `json:"id"`
	Score   float64     `json:"score"`
	Rules   []RuleScore `json:"rules"`
	Vetoed  bool        `json:"vetoed,omitempty"`
	Missing bool        `json:"missing,omitempty"` // too few fields in common to score
}

// Score compares a record's values with a candidate's: the weighted mean of the similarities of
// the fields both hold. Fewer than two rules or half the weight in common gives no score; a veto
// rule whose values differ rules the pair out.
func (e *Engine) Score(rec, cand map[string]string) Scored {
	var s Scored
	total, have, sum := 0.0, 0.0, 0.0
	for _, r := range e.model.Match.Rules {
		total += r.Weight
		a, b := rec[r.Field], cand[r.Field]
		if r.OrFrom != "" {
			a, b = orTaxIDCity(a, rec[r.OrFrom]), orTaxIDCity(b, cand[r.OrFrom])
		}
		if a == "" || b == "" {
			continue
		}
		sim := similarity(r.Compare, a, b)
		s.Rules = append(s.Rules, RuleScore{Field: r.Field, Compare: r.Compare, Weight: r.Weight, Similarity: round3(sim), Veto: r.Veto})
		if r.Veto && sim < 1 {
			s.Vetoed = true
		}
		have += r.Weight
		sum += r.Weight * sim
	}
	switch {
	case s.Vetoed:
	case total == 0 || have < total/2 || len(s.Rules) < 2:
		// One field alone (a name shared by two companies in two cities, one of which left its
		// city out) is not evidence enough to merge or to ask.
		s.Missing = true
	default:
		s.Score = round3(sum / have)
	}
	return s
}

// orTaxIDCity returns city, or when it is empty the city tax ID taxID was issued in ("" when
// the ID names none).
func orTaxIDCity(city, taxID string) string {
	if city != "" || taxID == "" {
		return city
	}
	return standardize.TaxIDCity(taxID)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// similarity compares two golden values by rule kind, 0 to 1. Jaro-Winkler runs over runes
// (go-edlib), so a Chinese name is compared character by character, not byte by byte.
func similarity(kind, a, b string) float64 {
	switch kind {
	case "company_name":
		return companyName(a, b)
	case "text":
		return jaroWinkler(standardize.MatchKey(a), standardize.MatchKey(b))
	case "exact":
		return boolScore(standardize.MatchKey(a) == standardize.MatchKey(b))
	case "tax_id":
		org := standardize.OrganizationCode(a)
		return boolScore(standardize.MatchKey(a) == standardize.MatchKey(b) || org != "" && org == standardize.OrganizationCode(b))
	case "place":
		// Different cities often share a character (广州, 杭州): equal or not, never similar.
		return boolScore(standardize.CityKey(a) == standardize.CityKey(b))
	case "phone":
		da, db := digits(a), digits(b)
		switch {
		case da == db:
			return 1
		case len(da) >= 8 && len(db) >= 8 && da[len(da)-8:] == db[len(db)-8:]:
			return 0.8
		}
		return 0
	case "email":
		ka, errA := standardize.EmailKey(a)
		kb, errB := standardize.EmailKey(b)
		if errA != nil || errB != nil {
			return 0
		}
		if ka == kb {
			return 1
		}
		_, da, _ := strings.Cut(ka, "@")
		_, db, _ := strings.Cut(kb, "@")
		if da == db && !freeMail[da] {
			return sameDomain
		}
		return 0
	}
	return 0
}

func boolScore(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func jaroWinkler(a, b string) float64 {
	if a == "" || b == "" {
		return 0
	}
	if a == b {
		return 1
	}
	return float64(edlib.JaroWinklerSimilarity(a, b))
}

// wordMatch is how alike two words of company names must be (Jaro-Winkler) to count as one word
// with a typo: "titan" and "ttitan" (0.89), not "solar" and "polar" (0.87).
const wordMatch = 0.88

// companyName compares company names by their words, legal forms and regions removed. Names
// written in words (Latin script) score the words they share — each pair of alike words by its
// similarity — over the words they hold between them: "Westgate Trading" against "Westgate Media"
// shares one word of three (0.33), where Jaro-Winkler over the whole, which rewards a common
// start, gives 0.87. Two one-word names, as Chinese ones are (Chinese is not written in words),
// compare by Jaro-Winkler character by character.
func companyName(a, b string) float64 {
	wa, wb := standardize.CompanyNameWords(a), standardize.CompanyNameWords(b)
	ka, kb := strings.Join(wa, ""), strings.Join(wb, "")
	if ka == kb {
		return boolScore(ka != "")
	}
	if len(wa) == 1 && len(wb) == 1 {
		return jaroWinkler(ka, kb)
	}
	used := make([]bool, len(wb))
	sum, matched := 0.0, 0
	for _, x := range wa {
		best, at := 0.0, -1
		for j, y := range wb {
			if s := jaroWinkler(x, y); !used[j] && s >= wordMatch && s > best {
				best, at = s, j
			}
		}
		if at >= 0 {
			used[at] = true
			sum += best
			matched++
		}
	}
	return sum / float64(len(wa)+len(wb)-matched)
}

// freeMail domains say nothing about the company behind an address.
var freeMail = map[string]bool{
	"qq.com": true, "163.com": true, "126.com": true, "yeah.net": true, "sina.com": true, "sina.cn": true,
	"sohu.com": true, "foxmail.com": true, "aliyun.com": true, "139.com": true, "189.cn": true,
	"gmail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true, "yahoo.com": true, "icloud.com": true,
}

// fuzzyMatch scores a record against the golden records sharing a blocking key with it and
// returns the best candidate, nil when none scores.
func (e *Engine) fuzzyMatch(ctx context.Context, tx *store.Tx, fields map[string]string) (*Scored, error) {
	scored, err := e.fuzzyScores(ctx, tx, fields)
	if err != nil || len(scored) == 0 {
		return nil, err
	}
	return &scored[0], nil
}

// fuzzyScores scores a record against the golden records sharing a blocking key with it and
// returns those that score, best first (ties in ID order).
func (e *Engine) fuzzyScores(ctx context.Context, tx *store.Tx, fields map[string]string) ([]Scored, error) {
	keys := e.blockKeys(fields)
	if len(keys) == 0 || len(e.model.Match.Rules) == 0 {
		return nil, nil
	}
	ids, err := tx.FindByKeys(ctx, e.entity, keys)
	if err != nil {
		return nil, err
	}
	sort.Strings(ids)
	if len(ids) > maxCandidates {
		ids = ids[:maxCandidates]
	}
	gs, err := tx.LiveGoldens(ctx, ids)
	if err != nil {
		return nil, err
	}
	var scored []Scored
	for _, g := range gs {
		gf, err := g.Fields()
		if err != nil {
			return nil, fmt.Errorf("golden record %s: %w", g.ID, err)
		}
		s := e.Score(fields, texts(gf))
		s.ID = g.ID
		if !s.Vetoed && !s.Missing {
			scored = append(scored, s)
		}
	}
	sort.SliceStable(scored, func(i, j int) bool { return scored[i].Score > scored[j].Score })
	return scored, nil
}

// texts are a golden record's values as text (cleared fields left out).
func texts(fields map[string]any) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		if v != nil {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// detailsJSON is what a review case keeps of a score: rule scores, no values.
func detailsJSON(s *Scored) string {
	b, _ := json.Marshal(s.Rules)
	return string(b)
}

// sameDomain is the similarity of two addresses on one company domain.
const sameDomain = 0.9
