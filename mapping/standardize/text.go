package standardize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Text returns the stored form of a free-text value.
//
// It removes what nobody meant to type and what breaks comparisons or
// exports downstream:
//   - NUL, other C0/C1 control characters that are not whitespace, and
//     invalid UTF-8 bytes (dropped, not replaced by U+FFFD, so that a
//     mis-decoded byte does not become a visible character in a golden record);
//   - zero-width characters (U+200B..U+200D, U+2060, U+FEFF, plus the
//     equally invisible U+00AD soft hyphen, U+180E and U+2061..U+2064) and
//     bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
//     U+2066..U+2069), which are typical copy-paste debris from web pages,
//     Word and Excel;
//   - leading and trailing whitespace of any kind, including NBSP and the
//     ideographic space U+3000; internal runs become one ASCII space.
//
// The result is in Unicode NFC, so "é" typed precomposed and as e+U+0301
// store identically. Case and full-width characters are kept: the stored
// value stays as written, and folding happens only in match keys.
func Text(s string) string {
	// Most values arrive clean, and every value passes here at least twice
	// (the mapping, then its standardizer): return those unchanged
	// without building a copy or normalizing.
	if clean, _ := textClass(s); clean {
		return s
	}
	return cleanText(s)
}

// cleanText is Text's full path.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			// An invalid byte: drop it rather than invent a character.
			continue
		case isInvisible(r):
			continue
		case unicode.IsSpace(r):
			// Leading whitespace is dropped by never emitting a space
			// before the first kept rune; trailing whitespace by never
			// flushing the pending space at the end.
			pendingSpace = b.Len() > 0
			continue
		case unicode.IsControl(r):
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	// Normalising after cleaning matters: removing an invisible character
	// can bring a base letter and a combining mark together, which NFC
	// then composes. NFC never produces whitespace or control characters,
	// so the cleaning above stays valid.
	return norm.NFC.String(b.String())
}

// MatchKey returns a comparison key for a free-text value: Text, then NFKC
// (folds full-width "ＡＢＣ１２３" to "ABC123", ligatures, circled digits …),
// then full Unicode case folding ("Straße" and "STRASSE" agree), then
// whitespace collapsed again because NFKC can itself produce spaces
// (U+00A8 DIAERESIS becomes space + U+0308).
//
// What it deliberately does not fold:
//   - Traditional vs simplified Chinese (華為 ≠ 华为): the mapping is not
//     one-to-one and the choice of script is often meaningful (Hong Kong
//     and Taiwan registrations).
//   - Confusables across scripts: "Аcme" with a Cyrillic А does not equal
//     "acme". Folding homoglyphs would merge genuinely different
//     Cyrillic/Greek names; flagging mixed-script values is a data-quality
//     rule, not a key.
//   - Accents: "José" ≠ "Jose". Accent stripping is language-dependent
//     and merges different surnames.
func MatchKey(s string) string {
	t := Text(s)
	if _, simple := textClass(t); simple {
		// ASCII and CJK unified ideographs are unchanged by NFKC, and
		// full case folding only maps A-Z to a-z among them; Text left
		// no whitespace to collapse.
		return lowerASCII(t)
	}
	return matchKeyOf(t)
}

// matchKeyOf is MatchKey's full path, for t = Text(s).
func matchKeyOf(t string) string {
	k := norm.NFKC.String(t)
	k = foldCase(k)
	// Case folding can leave a string that is no longer NFKC; normalising
	// again makes MatchKey idempotent (this is the NFKC_Casefold recipe).
	k = norm.NFKC.String(k)
	return collapseSpace(k)
}

// foldCase applies full Unicode case folding.
func foldCase(s string) string {
	// A Caser keeps internal state, so one is made per call instead of
	// sharing a package-level one between goroutines.
	s = cases.Fold().String(s)
	// x/text's Fold swaps Cherokee capitals and small letters instead of
	// mapping both to the capitals as CaseFolding.txt does, so folding
	// twice undoes the fold. Map the small letters to the capitals to get
	// the standard result and an idempotent MatchKey.
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xAB70 && r <= 0xABBF: // CHEROKEE SMALL LETTER A .. MV
			return r - 0xAB70 + 0x13A0
		case r >= 0x13F8 && r <= 0x13FD: // CHEROKEE SMALL LETTER YE .. MV
			return r - 0x13F8 + 0x13F0
		}
		return r
	}, s)
}

// isInvisible reports runes that render as nothing but change comparisons.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200D, // zero width space, ZWNJ, ZWJ
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r == 0xFEFF,                // BOM / zero width no-break space
		r == 0x00AD,                // soft hyphen
		r == 0x180E:                // Mongolian vowel separator
		return true
	}
	return unicode.Is(unicode.Bidi_Control, r)
}

// collapseSpace trims whitespace and collapses internal runs to one ASCII
// space, for strings that are already clean otherwise.
func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// textClass reports whether Text(s) is s (clean), and whether s is simple:
// only ASCII and CJK unified ideographs (U+4E00..U+9FFF), the bulk of
// Chinese customer data, which normalization and case folding leave alone
// except for A-Z. It answers for the common case without allocating; a
// value it calls unclean goes through Text's full path, which is always
// right, so it need not be complete. TestTextFastPath and FuzzText compare
// it with the full path.
func textClass(s string) (clean, simple bool) {
	if s == "" {
		return true, true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false, false
	}
	simple = true
	nfc := true    // every rune so far is an NFC starter that nothing composes with
	space := false // the previous byte was a space
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case c == ' ' && space, c < ' ', c == 0x7f: // double space, controls (\t, \n …)
				return false, false
			}
			space = c == ' '
			i++
			continue
		}
		space = false
		if isHanAt(s, i) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 || isInvisible(r) || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false, false
		}
		simple = false
		nfc = nfc && isFullWidthForm(r)
	}
	// Only NFC can still differ. ASCII, CJK ideographs and full-width forms
	// are NFC by themselves and in any sequence (quick-check Yes, combining
	// class 0, composing with nothing before them); TestNFCStarters checks.
	return nfc || norm.NFC.IsNormalString(s), simple
}

// isFullWidthForm reports the full-width forms of ASCII, U+FF01..U+FF5E,
// which Chinese input methods type for digits, brackets and letters.
func isFullWidthForm(r rune) bool {
	return r >= 0xFF01 && r <= 0xFF5E
}

// isHanAt reports whether s[i:] starts with a CJK unified ideograph
// (U+4E00..U+9FFF, encoded E4 B8 80 .. E9 BF BF), without decoding it: most
// of the runes textClass sees in Chinese data.
func isHanAt(s string, i int) bool {
	if i+2 >= len(s) {
		return false
	}
	c0, c1, c2 := s[i], s[i+1], s[i+2]
	return c0 >= 0xE4 && c0 <= 0xE9 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && (c0 != 0xE4 || c1 >= 0xB8)
}

// lowerASCII maps A-Z to a-z, returning s itself if it has none.
func lowerASCII(s string) string {
	// Bytes, not runes: in UTF-8 the bytes of A-Z occur in no other rune.
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for j := i; j < len(b); j++ {
		if b[j] >= 'A' && b[j] <= 'Z' {
			b[j] += 'a' - 'A'
		}
	}
	return string(b)
}
