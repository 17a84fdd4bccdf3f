package standardize

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// usccAlphabet is the character set of the 统一社会信用代码 (Unified Social
// Credit Code, GB 32100-2015): digits and upper-case letters without I, O,
// S, V and Z, which are too easily confused with 1, 0, 5, U and 2. A
// character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccLength is the length of a Unified Social Credit Code.
const usccLength = 18

// TaxID returns the stored (and match) form of a tax or company registration
// number: NFKC (full-width "９１３５…" becomes "9135…"), upper-cased, with
// whitespace, dashes of any kind and dots removed ("DE 123.456-789" becomes
// "DE123456789").
//
// An 18-character result made only of the 统一社会信用代码 alphabet is taken
// to be a Unified Social Credit Code and its check character is verified as
// GB 32100-2015 prescribes; a mismatch is an error saying which check
// character was expected. Any other identifier (EU VAT numbers, old 15-digit
// Chinese tax registration numbers, …) is returned normalised without a
// checksum test, because Accord does not know which scheme it belongs to.
//
// Empty input and characters other than A-Z, 0-9, "&" and "Ñ" (the last two
// occur in Mexican RFCs) are errors: a value like "N/A" or "无" is a
// placeholder, not an identifier, and must not become a match key that
// links every customer without one.
func TaxID(s string) (string, error) {
	id := Text(s)
	if !isUpperAlnum(id) {
		// A-Z and 0-9, the usual identifier, are what taxIDChars would
		// return unchanged; anything else is rewritten or refused.
		var err error
		if id, err = taxIDChars(s, id); err != nil {
			return "", err
		}
	}
	if id == "" {
		return "", invalidf("tax ID", s, "empty, expected a tax or registration number")
	}
	if isUSCCShaped(id) {
		want := usccCheckChar(id[:usccLength-1])
		if got := id[usccLength-1]; got != want {
			return "", invalidf("tax ID", s, "统一社会信用代码 check character mismatch: expected %q, got %q", want, got)
		}
	}
	return id, nil
}

// isTaxIDChar reports the characters tax identifiers are written with
// worldwide: A-Z, 0-9, and the "&" and "Ñ" of Mexican RFCs. Keeping to this
// set rejects placeholders in any script and makes TaxID idempotent (no
// character here changes under NFKC or upper-casing).
func isTaxIDChar(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '&' || r == 'Ñ'
}

// isUSCCShaped reports whether id has the length and alphabet of a Unified
// Social Credit Code.
func isUSCCShaped(id string) bool {
	return len(id) == usccLength && inUSCCAlphabet(id)
}

// inUSCCAlphabet reports whether every character of s is in usccAlphabet.
func inUSCCAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(usccAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// usccCheckChar computes the GB 32100-2015 check character of the first 17
// characters of a code, which must all be in usccAlphabet.
//
// The weights the standard tabulates (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25,
// 13, 8, 24, 10, 30, 28) are 3^i mod 31, so they are computed instead of kept
// in a package-level table.
func usccCheckChar(first17 string) byte {
	sum, weight := 0, 1
	for i := 0; i < len(first17); i++ {
		sum += strings.IndexByte(usccAlphabet, first17[i]) * weight
		weight = weight * 3 % 31
	}
	return usccAlphabet[(31-sum%31)%31]
}

// taxIDChars returns t, the Text of the input s, NFKC-normalised and
// upper-cased without separators, or an error naming s for a character
// outside isTaxIDChar.
func taxIDChars(s, t string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(norm.NFKC.String(t)) {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '.' {
			continue
		}
		if !isTaxIDChar(r) {
			return "", invalidf("tax ID", s, "character %q not allowed, expected letters A-Z and digits 0-9", r)
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// isUpperAlnum reports whether s consists of A-Z and 0-9 only.
func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// OrganizationCode returns the 9-character 组织机构代码 (GB 11714 organisation code) inside a
// Chinese tax ID, or "" for any other identifier or an invalid one: characters 9–17 of a
// 统一社会信用代码, or 7–15 of the 15-character 税务登记号 it replaced in 2015 (a 6-digit
// division code, then the organisation code). An organisation keeps its code for life, so a
// company's old and new numbers share it: "91440300MA5F7K2Q8X" and "440300MA5F7K2Q8" are one
// company.
func OrganizationCode(s string) string {
	id, err := TaxID(s)
	switch {
	case err != nil:
		return ""
	case isUSCCShaped(id):
		return id[8:17]
	case len(id) == 15 && isDigits(id[:6]) && inUSCCAlphabet(id[6:]):
		return id[6:]
	}
	return ""
}

// isDigits reports whether s consists of 0-9 only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
