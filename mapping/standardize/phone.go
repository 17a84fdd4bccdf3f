package standardize

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// DefaultPhoneRegion is the region assumed for phone numbers written without
// a country code when no region is configured: most of Accord's source
// systems are Chinese and store mainland numbers in national format.
const DefaultPhoneRegion = "CN"

// Phone returns the E.164 form ("+8613800138000") of a phone number.
//
// region is the ISO 3166-1 alpha-2 code ("CN", "DE", case-insensitive;
// empty means DefaultPhoneRegion) used to read numbers written in national
// format; numbers with "+" or with the region's international prefix
// ("00" from China: "008613800138000") carry their own country code.
// Full-width digits and brackets ("（010）１２３４ ５６７８") are folded by NFKC
// first. Extensions are dropped, including the Chinese "转 123" / "分机 123"
// forms that libphonenumber does not recognise: E.164 has no place for
// them and a customer's main number is what records are matched on.
//
// A number libphonenumber cannot parse, or parses but does not consider valid
// for its region (wrong length, unassigned range), is an error naming the
// input.
func Phone(s, region string) (string, error) {
	reg, err := phoneRegion(region)
	if err != nil {
		return "", err
	}
	in := foldWidth(Text(s))
	if in == "" {
		return "", invalidf("phone number", s, "empty, expected a number like +86 138 0013 8000")
	}
	in = dropChineseExtension(in)
	if e164, ok := fastPhone(in, reg); ok {
		return e164, nil
	}
	return libraryPhone(s, in, reg)
}

// libraryPhone is Phone's slow path: libphonenumber's Parse and validity
// check on the cleaned input in. s is the caller's input, for errors.
func libraryPhone(s, in, reg string) (string, error) {
	num, err := parsePhone(in, reg)
	if err != nil {
		return "", invalidCause("phone number", s, err, "cannot be read as a phone number (region %s)", reg)
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", invalidf("phone number", s, "not a valid number (region %s): wrong length or unassigned range", reg)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// phoneRegion validates and canonicalises a region code.
func phoneRegion(region string) (string, error) {
	if phoneTables().validRegions[region] {
		return region, nil // already canonical: every call of a mapping
	}
	reg := strings.ToUpper(strings.TrimSpace(region))
	if reg == "" {
		return DefaultPhoneRegion, nil
	}
	// GetCountryCodeForRegion is 0 for codes libphonenumber has no metadata
	// for, including "ZZ" (unknown) and "001" (non-geographic entities).
	if len(reg) != 2 || phonenumbers.GetCountryCodeForRegion(reg) == 0 {
		return "", invalidf("phone region", region, `expected a two-letter ISO 3166-1 region code such as "CN"`)
	}
	return reg, nil
}

// parsePhone calls the library, turning a panic into an error: the library is
// a port of a large Java code base and this package promises never to panic
// on input, whatever the input.
func parsePhone(in, region string) (num *phonenumbers.PhoneNumber, err error) {
	defer func() {
		if r := recover(); r != nil {
			num, err = nil, fmt.Errorf("phone number parser failed: %v", r)
		}
	}()
	return phonenumbers.Parse(in, region)
}

// dropChineseExtension cuts a trailing Chinese extension ("010-12345678转8001",
// "分机：8001") off the number. Only a label followed by digits alone is
// cut, so a label somewhere else is left for the parser to reject.
func dropChineseExtension(in string) string {
	if isASCII(in) {
		return in // every label is Chinese
	}
	for _, label := range [...]string{"转", "轉", "分机", "分機", "内线", "內線"} {
		i := strings.LastIndex(in, label)
		if i <= 0 {
			continue
		}
		rest := strings.TrimLeft(in[i+len(label):], " :#")
		if rest != "" && strings.Trim(rest, "0123456789") == "" {
			return strings.TrimRight(in[:i], " ,-")
		}
	}
	return in
}

// foldWidth returns norm.NFKC.String(s). Phone numbers are mostly ASCII,
// or ASCII with the full-width forms Chinese input methods type (U+FF01..
// U+FF5E, "（０１０）"), whose NFKC form is their ASCII twin, U+FEE0 below;
// those are folded directly instead of through the normalizer.
func foldWidth(s string) string {
	if isASCII(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case r >= 0xFF01 && r <= 0xFF5E:
			b = append(b, byte(r-0xFEE0))
		default:
			return norm.NFKC.String(s)
		}
	}
	return string(b)
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
