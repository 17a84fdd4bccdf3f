package standardize

import (
	"regexp"
	"slices"
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
// The time goes elsewhere in the library: the generic extension, viability
// and punctuation patterns, which cannot match or are trivially decided on
// these characters, and the full-match number patterns, which digitMatcher
// decides in a table walk.
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
	num := string(digits)
	cc, national, meta := 0, "", def
	switch {
	case plus:
		if cc, national, ok = t.splitCountryCode(num); !ok {
			return "", false
		}
		meta = t.metaForCountryCode(cc)
	case def.iddEnd(num) >= 0:
		if cc, national, ok = t.splitCountryCode(num[def.iddEnd(num):]); !ok {
			return "", false
		}
		meta = t.metaForCountryCode(cc)
	default:
		cc, national, ok = def.leadingCountryCode(num)
		if !ok {
			return "", false
		}
		if cc != 0 {
			meta = t.metaForCountryCode(cc)
		} else {
			cc, national = def.countryCode, num
		}
	}
	if meta == nil || len(national) < minNSNLength {
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

// phoneTables holds what the fast path derives from libphonenumber's
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

// phoneMeta is one region's metadata prepared for the fast path.
type phoneMeta struct {
	countryCode int
	// iddPattern is the international prefix ("00" from China) as the
	// library uses it; iddAtStart tells cheaply whether it matches at the
	// start of a number at all.
	iddPattern *regexp.Regexp
	iddAtStart *digitMatcher
	// nationalPrefix ("0" from China) with its capturing groups and
	// transform rule, for the rare numbers where it matches; nil if the
	// region has none. nationalPrefixMatch tells cheaply whether it does.
	nationalPrefix      *regexp.Regexp
	nationalPrefixMatch *digitMatcher
	transformRule       string
	leadingDigits       *digitMatcher
	hasLeadingDigits    bool
	general             phoneDesc
	types               []phoneDesc // every type but mobile, fixed line last
	mobile              phoneDesc
	sameMobileAndFixed  bool
	possibleLengths     []int32 // of the general description
	localOnlyLengths    []int32
}

// phoneDesc is a number description: possible lengths and pattern.
type phoneDesc struct {
	lengths []int32
	pattern *digitMatcher
}

// newPhoneMeta prepares md, or returns nil if any of its patterns is beyond
// digitMatcher or a description is missing (the library would panic).
func newPhoneMeta(md *phonenumbers.PhoneMetadata) *phoneMeta {
	m := &phoneMeta{
		countryCode:        int(md.GetCountryCode()),
		transformRule:      md.GetNationalPrefixTransformRule(),
		hasLeadingDigits:   md.GetLeadingDigits() != "",
		sameMobileAndFixed: md.GetSameMobileAndFixedLinePattern(),
	}
	ok := true
	compile := func(pattern string) *digitMatcher {
		dm, compiled := compileDigitMatcher(pattern)
		ok = ok && compiled
		return dm
	}
	desc := func(d *phonenumbers.PhoneNumberDesc) phoneDesc {
		if d == nil {
			ok = false
			return phoneDesc{}
		}
		return phoneDesc{lengths: d.PossibleLength, pattern: compile("^(?:" + d.GetNationalNumberPattern() + ")$")}
	}
	var err error
	if m.iddPattern, err = regexp.Compile(md.GetInternationalPrefix()); err != nil {
		return nil
	}
	m.iddAtStart = compile("^(?:" + md.GetInternationalPrefix() + ")")
	if npp := md.GetNationalPrefixForParsing(); npp != "" {
		if m.nationalPrefix, err = regexp.Compile("^(?:" + npp + ")"); err != nil {
			return nil
		}
		m.nationalPrefixMatch = compile("^(?:" + npp + ")")
	}
	if m.hasLeadingDigits {
		m.leadingDigits = compile("^(?:" + md.GetLeadingDigits() + ")")
	}
	m.general = desc(md.GetGeneralDesc())
	// getNumberTypeHelper's order; any match makes the number valid.
	for _, d := range []*phonenumbers.PhoneNumberDesc{md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(),
		md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail(), md.GetFixedLine()} {
		m.types = append(m.types, desc(d))
	}
	m.mobile = desc(md.GetMobile())
	if g := md.GetGeneralDesc(); g != nil {
		m.possibleLengths, m.localOnlyLengths = g.PossibleLength, g.PossibleLengthLocalOnly
	}
	if !ok || len(m.possibleLengths) == 0 {
		return nil
	}
	return m
}

// matches is the library's isNumberMatchingDesc.
func (d phoneDesc) matches(nsn string) bool {
	if len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(nsn))) {
		return false
	}
	return d.pattern.matchString(nsn)
}

// isValidType reports whether getNumberTypeHelper would find a type for nsn,
// which is what IsValidNumberForRegion asks.
func (m *phoneMeta) isValidType(nsn string) bool {
	if !m.general.matches(nsn) {
		return false
	}
	for _, d := range m.types {
		if d.matches(nsn) {
			return true
		}
	}
	// A fixed-line match returned above; mobile counts only if its
	// pattern is not the fixed-line one.
	return !m.sameMobileAndFixed && m.mobile.matches(nsn)
}

// iddEnd returns where the region's international prefix ends at the start
// of num, or -1 if num does not start with it or what follows starts with 0
// (the library's parsePrefixAsIdd).
func (m *phoneMeta) iddEnd(num string) int {
	if !m.iddAtStart.matchString(num) {
		return -1 // no match at 0, so the leftmost match is elsewhere or none
	}
	ind := m.iddPattern.FindStringIndex(num)
	if ind == nil || ind[0] != 0 || ind[1] < len(num) && num[ind[1]] == '0' {
		return -1
	}
	return ind[1]
}

// leadingCountryCode decides, as maybeExtractCountryCode does for a number
// without "+" or international prefix, whether num starts with the region's
// own country calling code ("8613800138000" in China). cc is 0 if not.
func (m *phoneMeta) leadingCountryCode(num string) (cc int, national string, ok bool) {
	code := strconv.Itoa(m.countryCode)
	if !strings.HasPrefix(num, code) {
		return 0, "", true
	}
	potential, ok := m.stripNationalPrefix(num[len(code):])
	if !ok {
		return 0, "", false
	}
	fullValid := m.general.pattern.matchString(num)
	nationalValid := m.general.pattern.matchString(potential)
	length, ok := m.testNumberLength(num)
	if !ok {
		return 0, "", false
	}
	if !fullValid && nationalValid || length == lengthTooLong {
		return m.countryCode, potential, true
	}
	return 0, "", true
}

// stripNationalPrefixIfPossible removes the national prefix from a national
// number if what remains has a possible length, as parseHelper does.
func (m *phoneMeta) stripNationalPrefixIfPossible(national string) (string, bool) {
	potential, ok := m.stripNationalPrefix(national)
	if !ok {
		return "", false
	}
	length, ok := m.testNumberLength(potential)
	if !ok {
		return "", false
	}
	if length == lengthPossible || length == lengthTooLong {
		return potential, true
	}
	return national, true
}

// stripNationalPrefix is the library's maybeStripNationalPrefixAndCarrierCode
// (the carrier code is not kept). false means the result is not all digits,
// which the fast path's matchers cannot judge.
func (m *phoneMeta) stripNationalPrefix(num string) (string, bool) {
	if num == "" || m.nationalPrefix == nil || !m.nationalPrefixMatch.matchString(num) {
		return num, true
	}
	viable := m.general.pattern.matchString(num)
	groups := m.nationalPrefix.FindStringSubmatchIndex(num)
	if groups == nil {
		return "", false // cannot happen: the matcher agreed
	}
	last := len(groups)/2 - 1
	out := ""
	if m.transformRule == "" || groups[last*2] < 0 {
		out = num[groups[1]:]
	} else {
		out = m.nationalPrefix.ReplaceAllString(num, m.transformRule)
		if strings.Trim(out, "0123456789") != "" {
			return "", false
		}
	}
	if viable && !m.general.pattern.matchString(out) {
		return num, true
	}
	return out, true
}

// lengthResult is the part of the library's ValidationResult the parser
// looks at.
type lengthResult int

const (
	lengthPossible lengthResult = iota
	lengthPossibleLocalOnly
	lengthTooShort
	lengthTooLong
	lengthInvalid
)

// testNumberLength is the library's testNumberLength for the general
// description (type UNKNOWN). false means the library would panic on
// missing lengths.
func (m *phoneMeta) testNumberLength(num string) (lengthResult, bool) {
	lengths := m.possibleLengths
	if len(lengths) == 0 {
		return 0, false
	}
	if lengths[0] == -1 {
		return lengthInvalid, true
	}
	n := int32(len(num))
	switch {
	case slices.Contains(m.localOnlyLengths, n):
		return lengthPossibleLocalOnly, true
	case lengths[0] == n:
		return lengthPossible, true
	case lengths[0] > n:
		return lengthTooShort, true
	case lengths[len(lengths)-1] < n:
		return lengthTooLong, true
	case slices.Contains(lengths[1:], n):
		return lengthPossible, true
	}
	return lengthInvalid, true
}
