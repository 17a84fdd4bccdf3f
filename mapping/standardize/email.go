package standardize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Limits from RFC 5321 §4.5.3.1 (local part), the RFC 3696 erratum (whole
// address) and RFC 1035 (domain, label); longer addresses cannot be delivered, so storing them
// only hides an error.
const (
	maxLocalBytes   = 64
	maxAddressBytes = 254
	maxDomainBytes  = 253
	maxLabelBytes   = 63
)

// Email returns the stored form of a single e-mail address.
//
// The input is cleaned with Text and then NFKC-normalised, so an address
// typed with a Chinese input method in full-width form
// ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ") is stored as "john@example.com".
//
// The local part is kept as written (case included): RFC 5321 lets the
// receiving server treat it case-sensitively, and the stored value is what
// Accord writes back to target systems. The domain is case-insensitive and is
// stored lower-cased, in its Unicode form for internationalised domains
// (an input of "user@xn--fsqu00a.xn--fiqs8s" is stored as "user@例子.中国"),
// validated with the IDNA2008 lookup rules of golang.org/x/net/idna.
//
// Rejected with an error wrapping ErrInvalid: empty input, display names
// and angle brackets ("John <j@x.com>"), several addresses, a missing or
// repeated "@", an empty local part or domain, a domain without a dot
// (intranet names are not deliverable addresses in customer master data),
// an all-numeric top-level domain (bare IP addresses), address literals,
// quoted local parts and comments, dots at the start or end of the local
// part or doubled, empty domain labels ("a@b..com"), a local part over 64
// bytes and an address over 254 bytes (the domain measured in its ASCII
// form, as it travels on the wire).
func Email(s string) (string, error) {
	a, err := parseEmail(s)
	if err != nil {
		return "", err
	}
	return a.local + "@" + a.unicodeDomain, nil
}

// EmailKey returns the match key of an e-mail address: the address as
// validated by Email, lower-cased as a whole, with the domain in its ASCII
// (punycode) form. "用户@例子.中国" and "用户@xn--fsqu00a.xn--fiqs8s" give the
// same key, and so do "John.Doe@Example.com" and "john.doe@example.com" —
// almost every real mail server treats the local part case-insensitively,
// even though the standard allows otherwise.
//
// Provider-specific rules (Gmail ignoring dots and "+tag") are not applied:
// they hold only for some domains and would merge distinct mailboxes
// elsewhere.
func EmailKey(s string) (string, error) {
	a, err := parseEmail(s)
	if err != nil {
		return "", err
	}
	// Lower-casing may leave a string that is not NFKC any more; normalise
	// again so the key of a key is the key itself.
	local := norm.NFKC.String(strings.ToLower(a.local))
	return local + "@" + a.asciiDomain, nil
}

// address is a validated e-mail address in both domain forms.
type address struct {
	local         string
	unicodeDomain string
	asciiDomain   string
}

// parseEmail validates s as one address and splits it up.
func parseEmail(s string) (address, error) {
	const what = "email"
	in := norm.NFKC.String(Text(s))
	if in == "" {
		return address{}, invalidf(what, s, "empty, expected an address like name@example.com")
	}
	if strings.ContainsAny(in, "<>") {
		return address{}, invalidf(what, s, `display names and angle brackets are not allowed, expected the bare address only`)
	}
	// Several addresses in one field are common in CRM exports
	// ("a@x.com; b@y.com"). Which one is "the" address is a business
	// decision, so this is reported rather than guessed.
	withAt := 0
	for p := range strings.FieldsFuncSeq(in, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		if strings.Contains(p, "@") {
			withAt++
		}
	}
	if withAt > 1 {
		return address{}, invalidf(what, s, "several addresses, expected exactly one")
	}
	if strings.ContainsFunc(in, unicode.IsSpace) {
		return address{}, invalidf(what, s, "contains whitespace")
	}
	switch n := strings.Count(in, "@"); {
	case n == 0:
		return address{}, invalidf(what, s, `missing "@"`)
	case n > 1:
		return address{}, invalidf(what, s, `more than one "@"`)
	}
	local, domain, _ := strings.Cut(in, "@")
	if local == "" {
		return address{}, invalidf(what, s, `empty local part before "@"`)
	}
	if domain == "" {
		return address{}, invalidf(what, s, `empty domain after "@"`)
	}
	if msg := checkLocal(local); msg != "" {
		return address{}, invalidf(what, s, "%s", msg)
	}
	uni, ascii, msg, cause := checkDomain(domain)
	if msg != "" {
		return address{}, invalidCause(what, s, cause, "%s", msg)
	}
	if n := len(local) + 1 + len(ascii); n > maxAddressBytes {
		return address{}, invalidf(what, s, "address is %d bytes, at most %d allowed", n, maxAddressBytes)
	}
	return address{local: local, unicodeDomain: uni, asciiDomain: ascii}, nil
}

// checkLocal validates a local part as an RFC 5322 dot-atom, extended with
// the non-ASCII characters that RFC 6531 (internationalised mail) allows.
// Quoted local parts ("john doe"@x.com) are legal but practically never
// real customer addresses; they are rejected so they surface for review.
func checkLocal(local string) string {
	if len(local) > maxLocalBytes {
		return fmt.Sprintf("local part is %d bytes, at most %d allowed", len(local), maxLocalBytes)
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return `local part must not start or end with "." or contain ".."`
	}
	for _, r := range local {
		if r == '.' || isAtext(r) {
			continue
		}
		if r >= utf8.RuneSelf && unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			continue
		}
		return fmt.Sprintf("character %q not allowed in local part", r)
	}
	return ""
}

// checkDomain validates a domain and returns its Unicode (stored) and ASCII
// (key, length) forms. On failure it returns a message and maybe a cause.
func checkDomain(domain string) (uni, ascii, msg string, cause error) {
	if strings.HasPrefix(domain, "[") {
		return "", "", "address literals like [192.0.2.1] are not supported, expected a domain name", nil
	}
	// The ideographic full stop is how Chinese keyboards type "." and IDNA
	// treats it as a label separator; map it before looking at labels so
	// "例子。中国" is checked the same as "例子.中国".
	domain = strings.ReplaceAll(domain, "\u3002", ".")
	if msg := checkLabels(domain, false); msg != "" {
		return "", "", msg, nil
	}
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", "", fmt.Sprintf("domain %q is not a valid domain name", domain), err
	}
	ascii = strings.ToLower(ascii)
	// Check again on the ASCII form: mapping can change labels, and the
	// 63-byte label limit applies to the punycode form only.
	if msg := checkLabels(ascii, true); msg != "" {
		return "", "", msg, nil
	}
	if len(ascii) > maxDomainBytes {
		return "", "", fmt.Sprintf("domain is %d bytes, at most %d allowed", len(ascii), maxDomainBytes), nil
	}
	uni, err = idna.Lookup.ToUnicode(ascii)
	if err != nil {
		return "", "", fmt.Sprintf("domain %q is not a valid domain name", domain), err
	}
	return norm.NFC.String(uni), ascii, "", nil
}

// checkLabels checks the dot structure of a domain and, with checkLength,
// the DNS limit on label length.
func checkLabels(domain string, checkLength bool) string {
	if !strings.Contains(domain, ".") {
		return `domain must contain a "."`
	}
	for l := range strings.SplitSeq(domain, ".") { // no slice: every address passes here twice
		if l == "" {
			return `domain has an empty label (leading, trailing or doubled ".")`
		}
		if checkLength && len(l) > maxLabelBytes {
			return fmt.Sprintf("domain label %q is longer than %d bytes", l, maxLabelBytes)
		}
	}
	if tld := domain[strings.LastIndexByte(domain, '.')+1:]; strings.Trim(tld, "0123456789") == "" {
		return fmt.Sprintf("top-level domain %q is all digits, expected a domain name, not an IP address", tld)
	}
	return ""
}

// isAtext reports the ASCII characters RFC 5322 allows unquoted in a local part.
func isAtext(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}
