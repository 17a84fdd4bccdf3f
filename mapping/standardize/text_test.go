package standardize

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Acme", "Acme"},
		{"trim ASCII", "  Acme \t\n", "Acme"},
		{"trim NBSP", "\u00a0Acme\u00a0", "Acme"},
		{"trim ideographic space", "\u3000华为\u3000", "华为"},
		{"collapse internal runs", "Acme \t\u00a0\u3000 Corp", "Acme Corp"},
		{"line breaks", "line1\r\nline2\u2028line3", "line1 line2 line3"},
		{"only whitespace", " \u00a0\u3000\t", ""},
		{"zero width space", "Ac\u200Bme", "Acme"},
		{"ZWNJ ZWJ word joiner BOM", "\uFEFFA\u200Cc\u200Dm\u2060e", "Acme"},
		{"soft hyphen", "Inter\u00ADnational", "International"},
		{"bidi embedding and isolates", "\u202AAcme\u202C \u2066Corp\u2069", "Acme Corp"},
		{"bidi marks", "\u200EAcme\u200F\u061C", "Acme"},
		{"override", "\u202Eemca", "emca"},
		{"NUL byte", "Ac\x00me", "Acme"},
		{"other control characters", "Ac\x07me\x7f\u0085X", "Acme X"},
		{"invalid UTF-8 dropped", "Ac\xffme\xc3", "Acme"},
		{"truncated multibyte", "华\xe4\xb8", "华"},
		{"NFD to NFC", "Jose\u0301", "José"},
		{"removal lets NFC compose", "e\u200B\u0301", "é"},
		{"keeps case", "ACME corp", "ACME corp"},
		{"keeps full-width", "ＡＣＭＥ（北京）", "ＡＣＭＥ（北京）"},
		{"keeps traditional", "華為", "華為"},
		{"zero width between spaces", "a \u200B b", "a b"},
		{"literal replacement char kept", "a\uFFFDb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextNFCEqualsNFD(t *testing.T) {
	composed, decomposed := "Caf\u00e9 Zoë", "Cafe\u0301 Zoe\u0308"
	if Text(composed) != Text(decomposed) {
		t.Errorf("Text(%q) = %q, Text(%q) = %q; want equal", composed, Text(composed), decomposed, Text(decomposed))
	}
	if MatchKey(composed) != MatchKey(decomposed) {
		t.Errorf("MatchKey differs for NFC and NFD input")
	}
}

func TestMatchKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"lower-cases", "ACME Corp", "acme corp"},
		{"full-width to half-width", "ＡＣＭＥ　１２３", "acme 123"},
		{"full-width brackets", "华为（北京）", "华为(北京)"},
		{"case folding sharp s", "STRASSE", "strasse"},
		{"sharp s folds like SS", "Straße", "strasse"},
		{"Greek final sigma", "ΟΔΟΣ", "οδοσ"},
		{"ligature", "ﬁrm", "firm"},
		{"circled digit", "①", "1"},
		{"NFKC-produced space collapsed", "\u00a8abc", "\u0308abc"},
		{"NFKC-produced space inside", "a \u00a8b", "a \u0308b"},
		{"invisible and bidi removed", "\u202AAc\u200Bme\u202C", "acme"},
		{"traditional not folded", "華為", "華為"},
		{"simplified not folded", "华为", "华为"},
		{"accents kept", "José", "josé"},
		// x/text's Fold swaps Cherokee cases; the key must use the
		// capitals, as CaseFolding.txt does, whichever case was typed.
		{"Cherokee small letter", "\uab9e", "\u13ce"},
		{"Cherokee capital letter", "\u13ce", "\u13ce"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchKey(tt.in); got != tt.want {
				t.Errorf("MatchKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestMatchKeyHomoglyph documents that a Cyrillic А (U+0410) is not folded
// to a Latin A: confusable folding would merge genuinely different names.
func TestMatchKeyHomoglyph(t *testing.T) {
	cyr := "\u0410cme" // looks exactly like "Acme"
	if got := MatchKey(cyr); got == "acme" {
		t.Errorf("MatchKey(%q) = %q: homoglyphs must not be folded", cyr, got)
	}
	if got, want := MatchKey(cyr), "\u0430cme"; got != want {
		t.Errorf("MatchKey(%q) = %q, want %q", cyr, got, want)
	}
}

func TestTraditionalSimplifiedDiffer(t *testing.T) {
	if MatchKey("華為技術") == MatchKey("华为技术") {
		t.Error("traditional and simplified Chinese must not be folded together")
	}
}

// textFastPathCases returns strings around the boundaries of textClass:
// every rune up to U+3100, every CJK unified ideograph and every full- and
// half-width form, alone and
// between letters, plus random mixes of ASCII, ideographs, spaces,
// controls, invisibles, combining marks and compatibility characters.
func textFastPathCases() []string {
	var out []string
	add := func(r rune) {
		c := string(r)
		out = append(out, c, "a"+c, c+"b", "中"+c+"文", "A "+c, c+"\u0301", "e"+c+"\u0301")
	}
	for r := rune(0); r < 0x3100; r++ {
		add(r)
	}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		add(r)
	}
	for r := rune(0xFF00); r <= 0xFFEF; r++ { // full-width and half-width forms
		add(r)
	}
	for _, r := range []rune{0x4DFF, 0xA000, 0xF900, 0xFA0E, 0x2F00, 0x3400, 0xFEFF, 0xFF21, 0xFFFD, 0x1D400, 0x20000, 0x2F800} {
		add(r)
	}
	alphabet := []string{"a", "Z", "5", " ", "  ", "\t", "\n", "\x00", "\x7f", "\xff", "中", "文", "有限公司", "é", "e\u0301",
		"\u0301", "\u200b", "\u00a0", "\u3000", "Ａ", "ß", "İ", "Σ", "ﬁ", "\u2126", "\u212b", "\U00020000", "\u00a8", "(", "-"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestTextFastPath checks that Text and MatchKey with their fast paths give
// what the full paths give.
func TestTextFastPath(t *testing.T) {
	cases := textFastPathCases()
	fast := 0
	for _, in := range cases {
		checkTextFastPath(t, in)
		if clean, _ := textClass(in); clean {
			fast++
		}
	}
	t.Logf("%d strings, %d already clean", len(cases), fast)
}

// checkTextFastPath fails t if a fast path of Text or MatchKey differs from
// the full path on in.
func checkTextFastPath(t *testing.T, in string) {
	t.Helper()
	full := cleanText(in)
	if got := Text(in); got != full {
		t.Fatalf("Text(%q) = %q, full path %q", in, got, full)
	}
	if got, want := MatchKey(in), matchKeyOf(full); got != want {
		t.Fatalf("MatchKey(%q) = %q, full path %q", in, got, want)
	}
}

// TestIsHanAt checks isHanAt against decoding on every rune's encoding and on
// truncated and invalid sequences.
func TestIsHanAt(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		s := string(r)
		if got, want := isHanAt(s, 0), r >= 0x4E00 && r <= 0x9FFF; got != want {
			t.Fatalf("isHanAt(%U) = %v", r, got)
		}
		if len(s) == 3 && (isHanAt(s[:2], 0) || isHanAt(s[:2]+"\x00", 0) || isHanAt(s[:1]+"\xc0"+s[2:], 0)) {
			t.Fatalf("isHanAt takes a broken encoding of %U for a Han ideograph", r)
		}
	}
}

// TestNFCStarters checks what textClass assumes of ASCII, CJK ideographs and
// full-width forms: each is NFC and starts a segment that nothing before it
// composes with, so any sequence of them is NFC.
func TestNFCStarters(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if !(r < utf8.RuneSelf || isHanIdeograph(r) || isFullWidthForm(r)) {
			continue
		}
		s := string(r)
		if p := norm.NFC.PropertiesString(s); !norm.NFC.IsNormalString(s) || !p.BoundaryBefore() || p.CCC() != 0 {
			t.Fatalf("%U is not an NFC starter", r)
		}
	}
}
