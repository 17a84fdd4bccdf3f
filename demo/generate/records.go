package generate

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// TimeLayout is the fixed-width UTC layout of every updated_at value.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// updatedWindow is how far before Options.Now the updated_at values reach.
const updatedWindow = 90 * 24 * time.Hour

// record is one row to write: cols are in the table's column order and cols[0] is the id.
type record struct {
	company string
	cols    []any
}

// dataset is everything Generate writes, and the ground truth about it.
type dataset struct {
	rows  [numSystems][]record
	truth Truth
}

// build draws n companies and renders their rows. Everything comes from r (and h), in a fixed
// order, so the result depends only on their seeds, n and now. A nil h gives the linked data
// set; otherwise copies are not linked and h adds the hard cases (see hard).
func build(r *rand.Rand, n int, now time.Time, h *hard) dataset {
	linked := h == nil
	v := newVocab()
	seen := &uniqueKeys{
		taxIDs:  make(map[string]struct{}, n),
		domains: make(map[string]struct{}, n),
		phones:  make(map[string]struct{}, n),
		names:   make(map[string]struct{}, n),
	}
	companies := make([]company, n)
	for i := range companies {
		companies[i] = newCompany(r, v, seen, i+1)
		companies[i].member = drawMembership(r)
	}
	invalid := markInvalid(r, companies)

	var ds dataset
	h.apply(v, companies, &ds.truth)
	overlapping := 0
	for i := range companies {
		c := &companies[i]
		keys := drawKeys(r, c, linked)
		held := 0
		for s := range numSystems {
			if c.member[s] {
				ds.rows[s] = append(ds.rows[s], newRecord(r, h, v, c, s, keys[s], now, &ds.truth))
				held++
			}
		}
		if held > 1 {
			overlapping++
		}
	}
	ds.truth = Truth{
		Moved: ds.truth.Moved, OldTaxIDs: ds.truth.OldTaxIDs, LookAlikes: ds.truth.LookAlikes,
		Rows:        make(map[string]int, numSystems),
		Invalid:     map[string]int{crm.String(): invalid, erp.String(): 0, finance.String(): 0},
		Companies:   n - invalid,
		Overlapping: overlapping,
		Cluster:     make(map[string]string, len(ds.rows[crm])+len(ds.rows[erp])+len(ds.rows[finance])),
	}
	for s := range numSystems {
		assignIDs(r, s, ds.rows[s], &ds.truth)
	}
	return ds
}

// assignIDs shuffles a system's rows, so ids say nothing about the company, numbers them with
// the system's prefix and records them in the truth.
func assignIDs(r *rand.Rand, s system, rows []record, truth *Truth) {
	prefix := map[system]string{crm: "C", erp: "E", finance: "F"}[s]
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for i := range rows {
		id := fmt.Sprintf("%s%06d", prefix, i+1)
		rows[i].cols[0] = id
		truth.Cluster[s.String()+"/"+id] = rows[i].company
	}
	truth.Rows[s.String()] = len(rows)
}

// newRecord renders system s's copy of c carrying the keys in k, with h's hard cases; it
// counts old tax IDs in truth.
func newRecord(r *rand.Rand, h *hard, v *vocab, c *company, s system, k keySet, now time.Time, truth *Truth) record {
	tax, email, phone := missing(r), missing(r), missing(r)
	if k&keyTax != 0 {
		id := h.taxID(c)
		if id != c.taxID {
			truth.OldTaxIDs++
		}
		tax = messyTaxID(r, id)
	}
	if k&keyEmail != 0 {
		email = messyEmail(r, c.email)
	}
	if k&keyBilling != 0 {
		email = messyEmail(r, c.billing)
	}
	if k&keyPhone != 0 {
		phone = messyPhone(r, c.phone)
	}
	name := messyName(r, v, c.name)
	updated := now.Add(-time.Duration(1+r.Int64N(int64(updatedWindow/time.Microsecond))) * time.Microsecond)
	stamp := updated.UTC().Format(TimeLayout)
	switch s {
	case crm:
		contact := any(c.contact)
		if r.IntN(10) == 0 {
			contact = missing(r)
		}
		if c.invalid {
			email, phone, tax = invalidEmail(r, c.email), nil, nil
		}
		city := messyCity(r, h.cityOf(c, s), c.name.chinese)
		return record{c.id, []any{"", name, contact, email, phone, tax, city, stamp, 0}}
	case erp:
		city := messyCity(r, h.cityOf(c, s), c.name.chinese)
		return record{c.id, []any{"", name, tax, phone, email, city, stamp, 0}}
	default:
		return record{c.id, []any{"", name, tax, email, phone, stamp, 0}}
	}
}

// missing is an absent value: NULL, or in 15% of cases the empty string some systems store.
func missing(r *rand.Rand) any {
	if r.IntN(20) < 3 {
		return ""
	}
	return nil
}
