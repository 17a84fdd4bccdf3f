package generate

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// ReservedPhonePrefix starts no generated phone number (national form, without +86), so an edit
// may set a number such as 139 0000 2026 without linking the row to another company.
const ReservedPhonePrefix = "1390000"

// company is one real-world company: its canonical identity and where it is held.
type company struct {
	id      string
	name    companyName
	city    []string // a vocab city entry: Chinese, English, division code
	former  []string // the city it moved from, or nil (unlinked data set only)
	taxID   string   // canonical 统一社会信用代码
	email   string   // primary address; a fifth of them in mixed case
	billing string   // finance's billing address when it differs from email, else ""
	phone   string   // 11-digit Chinese mobile number without country code
	contact string
	member  [numSystems]bool
	invalid bool // CRM-only company whose CRM row carries an invalid email and no other key
}

// companyName keeps a name in parts so each system copy can be rendered differently.
type companyName struct {
	chinese  bool
	region   string // Chinese names only; "" when the name has none
	brand    []rune // Chinese brand characters, or the English words joined by spaces
	industry string
	suffix   []string // canonical legal form first, then the variants clerks type
	branch   string   // "苏州分公司" after the legal form for a branch, else ""
}

// uniqueKeys remembers the key values already given out, so no two companies share one, and
// the registered names: as a company registry, no two companies of one city share a trade name
// and industry (the look-alikes of unlinked data are made on purpose, elsewhere).
type uniqueKeys struct {
	taxIDs, domains, phones, names map[string]struct{}
}

// nameTries bounds the draws for a name still free in its city: beyond, a clash is kept (the
// vocabulary would be exhausted, which only far more companies than a city holds can do).
const nameTries = 20

// claim reports whether v was still free in set and marks it taken.
func claim(set map[string]struct{}, v string) bool {
	if _, taken := set[v]; taken {
		return false
	}
	set[v] = struct{}{}
	return true
}

// claimName claims c's trade name and industry in its city.
func claimName(seen *uniqueKeys, c company) bool {
	if seen.names == nil {
		seen.names = map[string]struct{}{}
	}
	return claim(seen.names, string(c.name.brand)+"|"+c.name.industry+"|"+c.city[0])
}

// newCompany draws company number i (counting from 1) with keys unique within seen.
func newCompany(r *rand.Rand, v *vocab, seen *uniqueKeys, i int) company {
	c := company{id: fmt.Sprintf("CO%06d", i), city: v.cities[r.IntN(len(v.cities))]}
	var domainParts []string
	var person [2]string // contact name and its email local part
	if r.IntN(2) == 0 {
		for try := 0; ; try++ { // without a clash, the draws are what they always were
			if c.name, domainParts = chineseName(r, v, c.city); claimName(seen, c) || try == nameTries {
				break
			}
		}
		person = chinesePerson(r, v)
	} else {
		for try := 0; ; try++ {
			if c.name, domainParts = englishName(r, v); claimName(seen, c) || try == nameTries {
				break
			}
		}
		person = englishPerson(r, v)
		if r.IntN(10) < 3 { // local staff at a foreign-invested company
			person = chinesePerson(r, v)
		}
	}
	c.contact = person[0]
	for c.taxID = CreditCode(r, c.city[2]); !claim(seen.taxIDs, c.taxID); {
		c.taxID = CreditCode(r, c.city[2]) // clashes are rare
	}
	domain := uniqueDomain(r, seen, domainParts, c.city[1])
	local := v.mailboxes[r.IntN(len(v.mailboxes))][0]
	if r.IntN(3) == 0 {
		local = person[1]
	}
	c.email = local + "@" + domain
	if r.IntN(5) != 0 {
		c.email = strings.ToLower(c.email)
	}
	if r.IntN(3) == 0 {
		c.billing = []string{"finance", "ap", "billing", "caiwu"}[r.IntN(4)] + "@" + strings.ToLower(domain)
	}
	prefixes := v.mobilePrefixes
	for {
		c.phone = fmt.Sprintf("%s%08d", prefixes[r.IntN(len(prefixes))][0], r.IntN(100_000_000))
		if !strings.HasPrefix(c.phone, ReservedPhonePrefix) && claim(seen.phones, c.phone) {
			break
		}
	}
	return c
}

// chineseName draws <region?><brand 2–4 chars><industry><legal form> and the domain words.
func chineseName(r *rand.Rand, v *vocab, city []string) (companyName, []string) {
	n := companyName{chinese: true}
	if r.IntN(5) < 2 {
		n.region = city[0]
	}
	size := 2
	if k := r.IntN(20); k >= 19 {
		size = 4
	} else if k >= 14 {
		size = 3
	}
	var pinyin strings.Builder
	for range size {
		ch := v.brandChars[r.IntN(len(v.brandChars))]
		n.brand = append(n.brand, []rune(ch[0])[0])
		pinyin.WriteString(strings.ToUpper(ch[1][:1]) + ch[1][1:])
	}
	ind := v.industries[r.IntN(len(v.industries))]
	n.industry = ind[0]
	suffixes := v.zhSuffixes[0]
	if k := r.IntN(20); k >= 17 {
		suffixes = v.zhSuffixes[1]
	} else if k >= 14 {
		suffixes = v.zhSuffixes[2]
	}
	n.suffix = suffixes
	parts := []string{pinyin.String()}
	switch r.IntN(3) {
	case 1:
		parts = append(parts, strings.ToUpper(ind[1][:1])+ind[1][1:])
	case 2:
		parts = append(parts, "-"+ind[2])
	}
	return n, parts
}

// englishName draws <Word> [<Word>] <Industry> <legal form> and the domain words.
func englishName(r *rand.Rand, v *vocab) (companyName, []string) {
	first := r.IntN(len(v.enWords))
	words := []string{v.enWords[first][0]}
	if r.IntN(5) < 2 {
		second := r.IntN(len(v.enWords) - 1)
		if second >= first {
			second++
		}
		words = append(words, v.enWords[second][0])
	}
	ind := v.enIndustries[r.IntN(len(v.enIndustries))]
	n := companyName{brand: []rune(strings.Join(words, " ")), industry: ind[0]}
	n.suffix = v.enSuffixes[[]int{0, 0, 0, 0, 1, 1, 2, 3, 3, 3}[r.IntN(10)]]
	parts := append([]string(nil), words...)
	switch r.IntN(3) {
	case 1:
		parts = append(parts, strings.ToUpper(ind[1][:1])+ind[1][1:])
	case 2:
		parts = append(parts, "-"+ind[1])
	}
	return n, parts
}

// uniqueDomain joins the domain words and adds a top-level domain. When that is taken it tries
// the city, then numbers Chinese companies like in domains (lucky numbers, founding years),
// then any number. The registry compares lower case; the result keeps its case.
func uniqueDomain(r *rand.Rand, seen *uniqueKeys, parts []string, city string) string {
	tld := []string{".com", ".com", ".com", ".cn", ".com.cn", ".net"}[r.IntN(6)]
	base := strings.Join(parts, "")
	for _, d := range []string{base + tld, base + strings.ReplaceAll(city, "'", "") + tld} {
		if claim(seen.domains, strings.ToLower(d)) {
			return d
		}
	}
	for try := 0; ; try++ {
		n := 1988 + r.IntN(38)
		switch {
		case try >= 8:
			n = r.IntN(100_000)
		case r.IntN(3) == 0:
			n = []int{8, 88, 168, 518, 666, 888, 999}[r.IntN(7)]
		}
		if d := base + strconv.Itoa(n) + tld; claim(seen.domains, strings.ToLower(d)) {
			return d
		}
	}
}

// chinesePerson returns a Chinese contact name and an email local part in pinyin.
func chinesePerson(r *rand.Rand, v *vocab) [2]string {
	s := v.surnames[r.IntN(len(v.surnames))]
	g := v.givenNames[r.IntN(len(v.givenNames))]
	locals := []string{s[1] + "." + g[1], g[1] + "." + s[1], s[1] + g[1], g[1][:1] + s[1]}
	return [2]string{s[0] + g[0], locals[r.IntN(len(locals))]}
}

// englishPerson returns an English contact name and an email local part.
func englishPerson(r *rand.Rand, v *vocab) [2]string {
	f := v.enFirst[r.IntN(len(v.enFirst))][0]
	l := v.enLast[r.IntN(len(v.enLast))][0]
	locals := []string{f + "." + l, f[:1] + l, f}
	return [2]string{f + " " + l, strings.ToLower(locals[r.IntN(len(locals))])}
}
