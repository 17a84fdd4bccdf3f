package generate

import (
	"math"
	"math/rand/v2"
)

// system is one of the three demo systems.
type system int

const (
	crm system = iota
	erp
	finance
	numSystems
)

// String returns the system's name as used in Truth and in file names.
func (s system) String() string {
	switch s {
	case crm:
		return "crm"
	case erp:
		return "erp"
	default:
		return "finance"
	}
}

// Membership probabilities before redrawing companies that land in no system. They are the
// targets 2000, 1500 and 1200 of 2600 divided by P(at least one system) ≈ 0.921.
const (
	pCRM     = 0.708
	pERP     = 0.531
	pFinance = 0.425
	// invalidShare is the share of CRM rows given an invalid email, taken from CRM-only companies.
	invalidShare = 0.0025
)

// drawMembership picks the systems holding a company: at least one.
func drawMembership(r *rand.Rand) [numSystems]bool {
	for {
		m := [numSystems]bool{r.Float64() < pCRM, r.Float64() < pERP, r.Float64() < pFinance}
		if m[crm] || m[erp] || m[finance] {
			return m
		}
	}
}

// markInvalid flags round(invalidShare × CRM rows) CRM-only companies, at least one when any
// exists, chosen at random. Their CRM rows will carry an invalid email and nothing else.
func markInvalid(r *rand.Rand, companies []company) int {
	var crmRows int
	var crmOnly []int
	for i, c := range companies {
		if c.member[crm] {
			crmRows++
			if !c.member[erp] && !c.member[finance] {
				crmOnly = append(crmOnly, i)
			}
		}
	}
	n := min(len(crmOnly), max(1, int(math.Round(invalidShare*float64(crmRows)))))
	r.Shuffle(len(crmOnly), func(i, j int) { crmOnly[i], crmOnly[j] = crmOnly[j], crmOnly[i] })
	for _, i := range crmOnly[:n] {
		companies[i].invalid = true
	}
	return n
}

// keySet says which deterministic keys one system copy carries, as a bit set.
type keySet uint8

const (
	keyTax     keySet = 1 << iota
	keyEmail          // the primary address
	keyBilling        // finance's own billing address; no other copy carries it
	keyPhone
)

// drawKeys decides which keys each copy of c carries and then adds keys until the copies are
// connected through shared keys; see connect. Copies of absent systems stay empty.
func drawKeys(r *rand.Rand, c *company, linked bool) [numSystems]keySet {
	// Probability in percent that a copy carries tax ID, email, phone.
	odds := [numSystems][3]int{crm: {15, 85, 80}, erp: {85, 65, 70}, finance: {95, 90, 45}}
	var keys [numSystems]keySet
	for s := range numSystems {
		if !c.member[s] {
			continue
		}
		if r.IntN(100) < odds[s][0] {
			keys[s] |= keyTax
		}
		if r.IntN(100) < odds[s][1] {
			keys[s] |= keyEmail
		}
		if r.IntN(100) < odds[s][2] {
			keys[s] |= keyPhone
		}
		if s == finance && keys[s]&keyEmail != 0 && c.billing != "" {
			keys[s] ^= keyEmail | keyBilling
		}
		if keys[s] == 0 {
			keys[s] = keyTax
			if s == crm {
				keys[s] = keyEmail
			}
		}
	}
	if !linked {
		return keys
	}
	// The demo edits the CRM phone of a company held everywhere; its CRM copy must stay linked
	// by something other than the phone.
	if c.member[crm] && c.member[erp] && c.member[finance] &&
		keys[crm]&(keys[erp]|keys[finance])&(keyTax|keyEmail) == 0 {
		keys[crm] |= keyEmail
		keys[erp] |= keyEmail
	}
	connect(c, &keys)
	return keys
}

// connect adds keys until every copy is reachable from the first through pairs of copies that
// share a key. An unreachable copy takes the first key, in the order its system is most likely
// to hold, that a reachable copy carries. Keys are only added (finance swaps its billing address
// for the primary one, which no other copy can share anyway), so earlier links survive.
func connect(c *company, keys *[numSystems]keySet) {
	prefs := [numSystems][3]keySet{
		crm:     {keyEmail, keyPhone, keyTax},
		erp:     {keyTax, keyEmail, keyPhone},
		finance: {keyTax, keyEmail, keyPhone},
	}
	for {
		reached, union := reachable(c, keys)
		lost := system(-1)
		for s := range numSystems {
			if c.member[s] && !reached[s] {
				lost = s
				break
			}
		}
		if lost < 0 {
			return
		}
		for _, k := range prefs[lost] {
			if union&k != 0 {
				if lost == finance && k == keyEmail {
					keys[lost] &^= keyBilling
				}
				keys[lost] |= k
				break
			}
		}
	}
}

// reachable returns the copies reachable from the first present one through shared keys, and
// the union of their keys.
func reachable(c *company, keys *[numSystems]keySet) ([numSystems]bool, keySet) {
	var reached [numSystems]bool
	var union keySet
	for s := range numSystems {
		if c.member[s] {
			reached[s], union = true, keys[s]
			break
		}
	}
	for grew := true; grew; {
		grew = false
		for s := range numSystems {
			if c.member[s] && !reached[s] && keys[s]&union != 0 {
				reached[s], union, grew = true, union|keys[s], true
			}
		}
	}
	return reached, union
}
