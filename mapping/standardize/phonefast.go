package standardize

import (
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Limits of libphonenumber's parser (MIN_LENGTH_FOR_NSN, MAX_LENGTH_FOR_NSN,
// MAX_LENGTH_COUNTRY_CODE), which the fast path reproduces.
const (
	minNSNLength         = 2
	maxNSNLength         = 17
	maxCountryCodeLength = 3
)

// maxFastPhoneInput is the longest input the fast path reads; longer ones
// (far beyond any real number) go to the library.
const maxFastPhoneInput = 64

// nonGeoRegion is libphonenumber's region code for non-geographic entities
// (+800 freephone, +882 satellite …).
const nonGeoRegion = "001"

// fastPhone returns the E.164 form of in, a number already cleaned by Phone,
// for region, a region code phoneRegion accepted, when in is a number written
// the common way: ASCII digits, spaces, "-", ".", "(", ")" and at most one
// "+" before the first digit. It returns false for anything else, and for any
// number libphonenumber would reject, and Phone then asks the library, which
// also words the error.
//
// For the inputs it accepts it repeats the steps of phonenumbers.Parse and
// IsValidNumber with the library's own metadata, and its own regular
// expressions where a capture or a replacement is needed, so the result is
// the library's (TestFastPhoneMatchesLibrary and FuzzPhone compare the two).
// The library spends its time on generic extension, viability and
// punctuation patterns, which on these characters cannot match or are
// decided by the character set, and on full-match number patterns, which
// digitMatcher decides with a table walk.
func fastPhone(in, region string) (string, bool) {
	t := phoneTables()
	def := t.regions[region]
	if def == nil || len(in) > maxFastPhoneInput {
		return "", false
	}
	var buf [maxFastPhoneInput]byte
	digits, plus, ok := phoneDigits(in, buf[:0])
	// Fewer than three digits is a number only in forms the fast path
	// leaves to the library (libphonenumber's viability rule).
	if !ok || len(digits) < 3 {
		return "", false
	}
	cc, national, meta, ok := t.splitNumber(def, string(digits), plus)
	if !ok || meta == nil || len(national) < minNSNLength {
		return "", false
	}
	if national, ok = meta.stripNationalPrefixIfPossible(national); !ok {
		return "", false
	}
	if len(national) < minNSNLength || len(national) > maxNSNLength {
		return "", false
	}
	if valid, ok := t.isValid(cc, national); !ok || !valid {
		return "", false
	}
	return "+" + strconv.Itoa(cc) + national, true
}

// splitNumber finds the country calling code and the national number in
// num, the digits of a number written in region def, and the metadata to
// read the national number with, as the library's maybeExtractCountryCode
// and parseHelper do. false means the library would fail or retry.
func (t *phoneTablesData) splitNumber(def *phoneMeta, num string, plus bool) (cc int, national string, meta *phoneMeta, ok bool) {
	if plus {
		cc, national, ok = t.splitCountryCode(num)
		return cc, national, t.metaForCountryCode(cc), ok
	}
	// Only without "+" does the library look for an international prefix.
	if idd := def.iddEnd(num); idd >= 0 {
		cc, national, ok = t.splitCountryCode(num[idd:])
		return cc, national, t.metaForCountryCode(cc), ok
	}
	if cc, national, ok = def.leadingCountryCode(num); !ok || cc != 0 {
		return cc, national, t.metaForCountryCode(cc), ok
	}
	return def.countryCode, num, def, true
}

// phoneDigits appends the digits of in to buf and reports whether in had a
// "+" before its first digit. It reports false if in has any character
// outside the fast path's set or a "+" anywhere else.
func phoneDigits(in string, buf []byte) (digits []byte, plus, ok bool) {
	for i := 0; i < len(in); i++ {
		switch c := in[i]; {
		case c >= '0' && c <= '9':
			buf = append(buf, c)
		case c == '+':
			if plus || len(buf) > 0 {
				return nil, false, false
			}
			plus = true
		case c == ' ', c == '-', c == '.', c == '(', c == ')':
		default:
			return nil, false, false
		}
	}
	return buf, plus, true
}

// phoneTablesData holds what the fast path derives from libphonenumber's
// metadata. It is built on first use and never changes afterwards.
type phoneTablesData struct {
	regions        map[string]*phoneMeta // supported regions
	nonGeo         map[int]*phoneMeta    // by country calling code
	countryRegions map[int][]string      // as GetRegionCodesForCountryCode
	validRegions   map[string]bool       // canonical codes phoneRegion accepts
}

// phoneTables builds the tables once; sync.OnceValue makes that safe for
// concurrent first calls. A region whose metadata the fast path cannot
// represent is left out, and its numbers go to the library.
var phoneTables = sync.OnceValue(func() *phoneTablesData {
	t := &phoneTablesData{regions: map[string]*phoneMeta{}, nonGeo: map[int]*phoneMeta{},
		countryRegions: map[int][]string{}, validRegions: map[string]bool{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return t // no fast path at all; the library still works or reports
	}
	supported := phonenumbers.GetSupportedRegions()
	for r := range supported {
		if len(r) == 2 && strings.ToUpper(r) == r && phonenumbers.GetCountryCodeForRegion(r) != 0 {
			t.validRegions[r] = true
		}
	}
	for cc := 1; cc < 1000; cc++ {
		if regions := phonenumbers.GetRegionCodesForCountryCode(cc); len(regions) > 0 {
			t.countryRegions[cc] = regions
		}
	}
	// Later entries replace earlier ones, as in the library's own maps.
	for _, md := range coll.GetMetadata() {
		m := newPhoneMeta(md)
		switch id := md.GetId(); {
		case id == nonGeoRegion:
			t.nonGeo[int(md.GetCountryCode())] = m
		case supported[id]:
			t.regions[id] = m
		}
	}
	return t
})

// splitCountryCode splits a number written after "+" or an international
// prefix into its country calling code and national number, as the library
// does (the shortest known code of up to three digits). false means the
// library would report an error or retry another way.
func (t *phoneTablesData) splitCountryCode(num string) (cc int, national string, ok bool) {
	if len(num) <= minNSNLength || num[0] == '0' {
		return 0, "", false
	}
	for i := 1; i <= maxCountryCodeLength && i <= len(num); i++ {
		cc, _ = strconv.Atoi(num[:i])
		if _, known := t.countryRegions[cc]; known {
			return cc, num[i:], true
		}
	}
	return 0, "", false
}

// metaForCountryCode returns the metadata the parser uses for numbers with
// country calling code cc: that of the code's main region, or of the
// non-geographic entity. nil means the fast path cannot handle the number.
func (t *phoneTablesData) metaForCountryCode(cc int) *phoneMeta {
	regions := t.countryRegions[cc]
	if len(regions) == 0 {
		return nil
	}
	if regions[0] == nonGeoRegion {
		return t.nonGeo[cc]
	}
	return t.regions[regions[0]]
}

// isValid repeats phonenumbers.IsValidNumber for a number with country
// calling code cc and national significant number nsn. ok is false when the
// library would take a path the fast path does not represent.
func (t *phoneTablesData) isValid(cc int, nsn string) (valid, ok bool) {
	regions := t.countryRegions[cc]
	region := ""
	switch {
	case len(regions) == 1:
		region = regions[0]
	default:
		// Regions sharing a code (NANPA, +7, +44 …): the first whose
		// leading digits, or else whose patterns, fit the number.
		for _, r := range regions {
			m := t.regions[r]
			if m == nil {
				return false, false
			}
			if m.hasLeadingDigits && m.leadingDigits.matchString(nsn) || !m.hasLeadingDigits && m.isValidType(nsn) {
				region = r
				break
			}
		}
	}
	var m *phoneMeta
	switch region {
	case "":
		return false, true
	case nonGeoRegion:
		m = t.nonGeo[cc]
	default:
		m = t.regions[region]
		if m != nil && m.countryCode != cc {
			return false, true
		}
	}
	if m == nil {
		return false, false
	}
	return m.isValidType(nsn), true
}
