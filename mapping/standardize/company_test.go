package standardize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCompanyNameKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"whitespace only", " \u3000", ""},
		{"Co., Ltd.", "ACME Co., Ltd.", "acme"},
		{"Inc", "Acme Inc", "acme"},
		{"Inc.", "Acme, Inc.", "acme"},
		{"full-width", "ＡＣＭＥ", "acme"},
		{"full-width with suffix", "ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．", "acme"},
		{"Co Ltd", "Acme Co Ltd", "acme"},
		{"Company Limited", "Acme Trading Company Limited", "acmetrading"},
		{"Limited", "Acme Limited", "acme"},
		{"Incorporated", "Acme Incorporated", "acme"},
		{"Corp.", "Acme Corp.", "acme"},
		{"Corporation", "Bank of America Corporation", "bankofamerica"},
		{"LLC", "Acme LLC", "acme"},
		{"L.L.C.", "Acme L.L.C.", "acme"},
		{"GmbH", "Acme GmbH", "acme"},
		{"GmbH & Co. KG", "Acme GmbH & Co. KG", "acme"},
		{"AG", "Acme AG", "acme"},
		{"S.A.", "Acme S.A.", "acme"},
		{"SAS", "Acme SAS", "acme"},
		{"S.A.S.", "Acme S.A.S.", "acme"},
		{"BV", "Acme BV", "acme"},
		{"B.V.", "Acme B.V.", "acme"},
		{"PLC", "Acme PLC", "acme"},
		{"Pty Ltd", "Acme Pty Ltd", "acme"},
		{"(Pty) Ltd", "Acme (Pty) Ltd", "acme"},
		{"suffix inside word untouched", "Costco", "costco"},
		{"punctuation removed", "A.C.M.E. - Holdings", "acmeholdings"},
		{"trademark signs", "Acme™ Inc", "acme"},
		{"有限公司", "华为技术有限公司", "华为技术"},
		{"space before 有限公司", "华为技术 有限公司", "华为技术"},
		{"space inside 有限公司", "华为技术有限 公司", "华为技术"},
		{"leading region", "北京华为技术有限公司", "华为技术"},
		{"leading region with 市", "北京市华为技术有限公司", "华为技术"},
		{"province and city", "广东省深圳市华为技术有限公司", "华为技术"},
		{"traditional region", "廣州華為技術有限公司", "華為技術"},
		{"股份有限公司", "华为技术股份有限公司", "华为技术"},
		{"有限责任公司", "华为技术有限责任公司", "华为技术"},
		{"公司", "华为技术公司", "华为技术"},
		{"repeated suffixes", "华为技术有限公司 Co., Ltd.", "华为技术"},
		{"集团 kept", "美的集团有限公司", "美的集团"},
		{"集团 kept for 股份", "美的集团股份有限公司", "美的集团"},
		{"bracketed 集团", "美的（集团）股份有限公司", "美的集团"},
		{"bracketed region kept", "腾讯科技（深圳）有限公司", "腾讯科技深圳"},
		{"square brackets", "腾讯科技【深圳】有限公司", "腾讯科技深圳"},
		{"limited partnership", "某某投资中心（有限合伙）", "某某投资中心"},
		{"branch kept", "华为技术有限公司北京分公司", "华为技术有限公司北京分公司"},
		{"head office kept", "中国石油天然气总公司", "中国石油天然气总公司"},
		{"region kept without legal form", "北京大学", "北京大学"},
		{"region kept when too little remains", "北京银行股份有限公司", "北京银行"},
		{"region only", "北京有限公司", "北京"},
		{"region with Latin name", "北京 ACME Co., Ltd.", "acme"},
		{"only a Chinese suffix", "有限公司", "有限公司"},
		{"only Latin suffixes", "Co., Ltd.", "coltd"},
		{"only Limited", "Limited", "limited"},
		{"only punctuation", "...", "..."},
		{"only trademark sign", "™", "tm"},
		{"homoglyph Cyrillic А", "\u0410cme Inc", "\u0430cme"},
		{"traditional not folded", "華為技術有限公司", "華為技術"},
		{"zero width and bidi", "\u202AAc\u200Bme\u202C Inc", "acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompanyNameKey(tt.in); got != tt.want {
				t.Errorf("CompanyNameKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCompanyNameKeyEquivalences(t *testing.T) {
	groups := [][]string{
		{"ACME Co., Ltd.", "Acme Inc", "ＡＣＭＥ", "acme", " Acme, Inc. ", "ACME LIMITED"},
		{"华为技术有限公司", "华为技术 有限公司", "北京华为技术有限公司", "华为技术（有限公司）", "华为技术股份有限公司"},
	}
	for _, g := range groups {
		want := CompanyNameKey(g[0])
		for _, s := range g[1:] {
			if got := CompanyNameKey(s); got != want {
				t.Errorf("CompanyNameKey(%q) = %q, want %q like %q", s, got, want, g[0])
			}
		}
	}
	distinct := [][2]string{
		{"\u0410cme", "Acme"}, // Cyrillic homoglyph
		{"腾讯科技（深圳）有限公司", "腾讯科技（北京）有限公司"}, // different legal persons
		{"北京银行股份有限公司", "上海银行股份有限公司"},     // region is the brand
		{"美的集团有限公司", "美的有限公司"},           // group vs operating company
		{"华为技术有限公司北京分公司", "华为技术有限公司"},    // branch vs head office
		{"華為技術有限公司", "华为技术有限公司"},         // traditional vs simplified
	}
	for _, d := range distinct {
		if a, b := CompanyNameKey(d[0]), CompanyNameKey(d[1]); a == b {
			t.Errorf("CompanyNameKey(%q) == CompanyNameKey(%q) == %q, want different", d[0], d[1], a)
		}
	}
}

// TestCompanyWordRunes checks the facts about runes that companyWords,
// isUnspacedScript and CompanyNameKey's last step take without Unicode
// table lookups.
func TestCompanyWordRunes(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !isWordRune(r) {
			continue
		}
		if isBracket(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) {
			t.Fatalf("%U is taken for a word rune but is a separator or mark", r)
		}
		if isHanIdeograph(r) && !unicode.Is(unicode.Han, r) {
			t.Fatalf("%U is taken for a Han ideograph but is not of the Han script", r)
		}
		if s := string(r); norm.NFKC.String(s) != s || MatchKey(s) != strings.ToLower(s) {
			t.Fatalf("%U changes under NFKC or case folding beyond A-Z", r)
		}
	}
	for _, suffix := range regionSuffixes {
		if last, _ := utf8.DecodeLastRuneInString(suffix); !strings.ContainsRune("区區省市", last) {
			t.Errorf("region suffix %q does not end in 区, 區, 省 or 市, which isRegion assumes", suffix)
		}
	}
	// On valid UTF-8, as Text leaves it.
	for _, s := range []string{"", "a", "Acme™", "®", "©2024", "℠ x", "™®", "\u00c2", "\u2124", "中文"} {
		if hasTrademark(s) != (strings.Map(dropTrademark, s) != s) {
			t.Errorf("hasTrademark(%q) = %v, but dropTrademark says otherwise", s, hasTrademark(s))
		}
	}
	for _, b := range regionBases {
		if !isRegion(b) || regionPrefixLen(b+"科技") != len(b) {
			t.Errorf("region %q is not recognised", b)
		}
	}
}
