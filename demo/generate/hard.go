package generate

import (
	"math/rand/v2"
	"strings"
)

// The unlinked data set is also harder in the ways real systems are. Every draw for that comes
// from a stream of its own (hard.r), so the main stream, and with it the linked data set the
// demo syncs, is the same either way.
const (
	// pMoved is the share of companies that moved to another city; a copy keeps the former city
	// with probability pStaleERP (the ERP) or pStaleCRM (sales update theirs more often).
	pMoved, pStaleERP, pStaleCRM = 5, 60, 30
	// pOldTaxID is the share, in percent, of tax IDs written as the 15-character 税务登记号 the
	// 统一社会信用代码 replaced in 2015: the same company, a different key.
	pOldTaxID = 4
	// pLookAlike is the share, in percent, of companies named like an earlier, different one.
	pLookAlike = 6
)

// hard draws the unlinked data set's hard cases; a nil *hard (the linked data set) draws none.
type hard struct {
	r *rand.Rand
}

// oldTaxID returns the 税务登记号 of a 统一社会信用代码: its division and organisation code.
func oldTaxID(code string) string { return code[2:17] }

// cityOf returns the city system s's copy of c shows: the former one when that copy is stale.
func (h *hard) cityOf(c *company, s system) []string {
	if h == nil || c.former == nil {
		return c.city
	}
	if p := map[system]int{crm: pStaleCRM, erp: pStaleERP}[s]; h.r.IntN(100) < p {
		return c.former
	}
	return c.city
}

// taxID returns the tax ID a copy carries: now and then the company's old 税务登记号.
func (h *hard) taxID(c *company) string {
	if h != nil && h.r.IntN(100) < pOldTaxID {
		return oldTaxID(c.taxID)
	}
	return c.taxID
}

// apply renames some companies after earlier ones and moves some, and counts both in truth. A
// company that moved keeps its tax ID, whose division code names the city it registered in.
func (h *hard) apply(v *vocab, companies []company, truth *Truth) {
	if h == nil {
		return
	}
	based := map[int]bool{} // companies already imitated: one look-alike each keeps keys apart
	for i := range companies {
		c := &companies[i]
		if j := h.r.IntN(max(i, 1)); i >= 10 && h.r.IntN(100) < pLookAlike && !based[j] {
			based[j] = true
			h.lookAlike(v, c, &companies[j])
			truth.LookAlikes++
		}
		if h.r.IntN(100) < pMoved {
			c.former, c.city = c.city, otherCity(h.r, v, c.city)
			truth.Moved++
		}
	}
}

// lookAlike renames c after base, a different company: the same name in another city, the same
// brand in another industry, or (Chinese names) base's branch in another city, on base's e-mail
// domain. c keeps its own tax ID and phone.
func (h *hard) lookAlike(v *vocab, c, base *company) {
	if c.city[0] == base.city[0] {
		c.city = otherCity(h.r, v, base.city)
		c.taxID = "91" + c.city[2] + c.taxID[8:17] // registered there: the same organisation code
		c.taxID += string(creditCheck(c.taxID))
	}
	c.name = base.name
	c.name.suffix = append([]string(nil), base.name.suffix...)
	if base.name.region != "" {
		c.name.region = c.city[0] // a region in the name is the company's own
	}
	switch k := h.r.IntN(3); {
	case k == 1 && base.name.chinese:
		c.name.industry = otherWord(h.r, v.industries, base.name.industry)
	case k == 1:
		c.name.industry = otherWord(h.r, v.enIndustries, base.name.industry)
	case k == 2 && base.name.chinese:
		c.name.region = base.name.region
		c.name.branch = c.city[0] + "分公司"
		_, domain, _ := strings.Cut(base.email, "@")
		c.email = strings.ToLower(strings.ReplaceAll(c.city[1], "'", "")) + "@" + domain
		c.billing = ""
	}
}

// otherCity draws a city other than city.
func otherCity(r *rand.Rand, v *vocab, city []string) []string {
	for {
		if o := v.cities[r.IntN(len(v.cities))]; o[0] != city[0] {
			return o
		}
	}
}

// otherWord draws the first field of an entry of list other than w.
func otherWord(r *rand.Rand, list wordList, w string) string {
	for {
		if o := list[r.IntN(len(list))][0]; o != w {
			return o
		}
	}
}
