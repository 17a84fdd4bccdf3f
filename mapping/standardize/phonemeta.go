package standardize

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

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
