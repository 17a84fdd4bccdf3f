package standardize

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// PersonName returns the stored form of a person's name: Text, then, if no
// word of the name is in mixed case, every word is title-cased, so
// "JOHN o'brien" becomes "John O'Brien". Letters after a hyphen, apostrophe
// or dot start a new part ("MARY-JANE" → "Mary-Jane", "j.r.r." → "J.R.R.").
//
// A name with any mixed-case word is kept exactly as written, because mixed
// case is the one sign that someone capitalised on purpose: "Ludwig van
// Beethoven", "Ronald McDonald" and "Vincent van Gogh" stay as they are,
// while "VINCENT VAN GOGH" from an upper-case-only legacy system becomes
// "Vincent Van Gogh" (particles are not guessed: "van" is also a Vietnamese
// middle name, "Van"). The price is that "john McDonald" is not corrected.
//
// Case is handled in every script that has it (Latin, Greek, Cyrillic);
// Chinese, Japanese and Korean names have no case and are returned as Text
// leaves them, with no spaces inserted or removed.
func PersonName(s string) string {
	t := Text(s)
	words := strings.Split(t, " ")
	for _, w := range words {
		if wordCase(w) == mixedCase {
			return t
		}
	}
	for i, w := range words {
		words[i] = titleWord(w)
	}
	// Case mapping can leave a base letter and a combining mark in an
	// order NFC would change; normalise so PersonName is idempotent.
	return norm.NFC.String(strings.Join(words, " "))
}

// letterCase classifies the cased letters of a word.
type letterCase int

const (
	uncased   letterCase = iota // no cased letters (CJK, digits)
	upperCase                   // all cased letters upper-case
	lowerCase                   // all cased letters lower-case
	mixedCase                   // both, or a title-case digraph such as ǅ
)

// wordCase returns the letterCase of w.
func wordCase(w string) letterCase {
	upper, lower := false, false
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsTitle(r):
			return mixedCase
		}
	}
	switch {
	case upper && lower:
		return mixedCase
	case upper:
		return upperCase
	case lower:
		return lowerCase
	}
	return uncased
}

// titleWord upper-cases the first letter of each part of w and lower-cases
// the other letters.
func titleWord(w string) string {
	if wordCase(w) == uncased {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	start := true
	for _, r := range w {
		switch {
		case r == '-' || r == '\'' || r == '\u2019' || r == '.':
			start = true
		case start && unicode.IsLetter(r):
			r = unicode.ToTitle(r)
			start = false
		case unicode.IsLetter(r):
			r = unicode.ToLower(r)
		case unicode.IsDigit(r):
			start = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
