package standardize

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// seeds are shared by all fuzz targets: each target's own inputs plus the
// nasty characters every standardizer must survive.
var fuzzSeeds = []string{
	"", " ", "\x00", "\xff\xfe", "\u00a0\u3000", "\u200B\u200D\uFEFF\u2060",
	"\u202A\u202E\u2066\u2069\u200E\u200F", "e\u0301", "\u00a8", "ﬁ", "ǆ", "İ", "ß",
	"ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．", "华为技术 有限公司", "北京华为技术有限公司", "\u0410cme Inc",
	"john@example.com", "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "用户@例子.中国", "a@@b.com", "John <j@x.com>",
	"138 0013 8000", "+86 138-0013-8000", "008613800138000", "（010）1234 5678", "010-12345678转8001",
	"91350100M000100Y43", "de 123.456-789", "JOHN o'brien",
}

// checkClean asserts the invariants every output of this package has.
func checkClean(t *testing.T, fn, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: invalid UTF-8", fn, in, out)
	}
	for _, r := range out {
		if r == 0 || isInvisible(r) {
			t.Fatalf("%s(%q) = %q: contains %U", fn, in, out, r)
		}
		if unicode.IsControl(r) {
			t.Fatalf("%s(%q) = %q: contains control character %U", fn, in, out, r)
		}
	}
	if strings.TrimFunc(out, unicode.IsSpace) != out {
		t.Fatalf("%s(%q) = %q: leading or trailing whitespace", fn, in, out)
	}
}

// checkInvalid asserts that an error is one of ours.
func checkInvalid(t *testing.T, fn, in string, err error) {
	t.Helper()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("%s(%q): error %v does not wrap ErrInvalid", fn, in, err)
	}
	if !utf8.ValidString(err.Error()) {
		t.Fatalf("%s(%q): error message is not valid UTF-8", fn, in)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkTextFastPath(t, in)
		out := Text(in)
		checkClean(t, "Text", in, out)
		if strings.Contains(out, "  ") {
			t.Fatalf("Text(%q) = %q: double space", in, out)
		}
		if !norm.NFC.IsNormalString(out) {
			t.Fatalf("Text(%q) = %q: not NFC", in, out)
		}
		if again := Text(out); again != out {
			t.Fatalf("Text not idempotent: %q -> %q -> %q", in, out, again)
		}

		key := MatchKey(in)
		checkClean(t, "MatchKey", in, key)
		if !norm.NFKC.IsNormalString(key) {
			t.Fatalf("MatchKey(%q) = %q: not NFKC", in, key)
		}
		if again := MatchKey(key); again != key {
			t.Fatalf("MatchKey not idempotent: %q -> %q -> %q", in, key, again)
		}
		if MatchKey(out) != key {
			t.Fatalf("MatchKey(Text(%q)) = %q, MatchKey = %q", in, MatchKey(out), key)
		}

		name := PersonName(in)
		checkClean(t, "PersonName", in, name)
		if again := PersonName(name); again != name {
			t.Fatalf("PersonName not idempotent: %q -> %q -> %q", in, name, again)
		}
		if (name == "") != (out == "") {
			t.Fatalf("PersonName(%q) = %q but Text = %q", in, name, out)
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Email(in)
		key, kerr := EmailKey(in)
		if (err == nil) != (kerr == nil) {
			t.Fatalf("Email(%q) err %v but EmailKey err %v", in, err, kerr)
		}
		if err != nil {
			checkInvalid(t, "Email", in, err)
			checkInvalid(t, "EmailKey", in, kerr)
			return
		}
		checkClean(t, "Email", in, out)
		checkClean(t, "EmailKey", in, key)
		if strings.Count(out, "@") != 1 || strings.ContainsFunc(out, unicode.IsSpace) {
			t.Fatalf("Email(%q) = %q: not a single bare address", in, out)
		}
		if again, err := Email(out); err != nil || again != out {
			t.Fatalf("Email not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
		if k, err := EmailKey(out); err != nil || k != key {
			t.Fatalf("EmailKey(Email(%q)) = %q, %v; EmailKey = %q", in, k, err, key)
		}
		if again, err := EmailKey(key); err != nil || again != key {
			t.Fatalf("EmailKey not idempotent: %q -> %q -> %q, %v", in, key, again, err)
		}
		if _, domain, _ := strings.Cut(key, "@"); strings.ToLower(domain) != domain || !isASCII(domain) {
			t.Fatalf("EmailKey(%q) = %q: domain not lower-case ASCII", in, key)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "CN")
	}
	f.Add("(650) 253-0000", "US")
	f.Add("030 123456", "de")
	f.Add("+44 20 7946 0958", "")
	f.Add("(0755) 8888-1234", "CN")
	f.Add("+1 (0)650.253.0000", "US")
	f.Add("0086 10 1234 5678", "cn")
	f.Fuzz(func(t *testing.T, in, region string) {
		// The fast path must give exactly what the library alone gives.
		comparePhone(t, in, region)
		out, err := Phone(in, region)
		if err != nil {
			checkInvalid(t, "Phone", in, err)
			return
		}
		if len(out) < 2 || out[0] != '+' || strings.Trim(out[1:], "0123456789") != "" {
			t.Fatalf("Phone(%q, %q) = %q: not E.164", in, region, out)
		}
		if again, err := Phone(out, region); err != nil || again != out {
			t.Fatalf("Phone not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}

func FuzzTaxID(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range validUSCC {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if clean := Text(in); isUpperAlnum(clean) {
			if full, err := taxIDChars(in, clean); err != nil || full != clean {
				t.Fatalf("TaxID's shortcut keeps %q, the full path gives %q, %v", clean, full, err)
			}
		}
		out, err := TaxID(in)
		if err != nil {
			checkInvalid(t, "TaxID", in, err)
			return
		}
		checkClean(t, "TaxID", in, out)
		if out == "" || strings.ContainsFunc(out, func(r rune) bool { return !isTaxIDChar(r) }) {
			t.Fatalf("TaxID(%q) = %q: unexpected characters", in, out)
		}
		if again, err := TaxID(out); err != nil || again != out {
			t.Fatalf("TaxID not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
		if isUSCCShaped(out) && usccCheckChar(out[:17]) != out[17] {
			t.Fatalf("TaxID(%q) = %q accepted a wrong check character", in, out)
		}
	})
}

func FuzzCompanyNameKey(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if clean := Text(in); hasTrademark(clean) != (strings.Map(dropTrademark, clean) != clean) {
			t.Fatalf("hasTrademark(%q) disagrees with dropTrademark", clean)
		}
		key := CompanyNameKey(in)
		checkClean(t, "CompanyNameKey", in, key)
		if (key == "") != (MatchKey(in) == "") {
			t.Fatalf("CompanyNameKey(%q) = %q, but MatchKey = %q", in, key, MatchKey(in))
		}
		if again := CompanyNameKey(key); again != key {
			t.Fatalf("CompanyNameKey not idempotent: %q -> %q -> %q", in, key, again)
		}
		if CompanyNameKey(Text(in)) != key {
			t.Fatalf("CompanyNameKey(Text(%q)) = %q, CompanyNameKey = %q", in, CompanyNameKey(Text(in)), key)
		}
	})
}

func FuzzCityKey(f *testing.F) {
	for _, s := range append(fuzzSeeds, "深圳市", "Shenzhen City", "Xi'an", "市", " city city", "廣州") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		key := CityKey(in)
		checkClean(t, "CityKey", in, key)
		if (key == "") != (MatchKey(in) == "") {
			t.Fatalf("CityKey(%q) = %q, but MatchKey = %q", in, key, MatchKey(in))
		}
		if again := CityKey(key); again != key {
			t.Fatalf("CityKey not idempotent: %q -> %q -> %q", in, key, again)
		}
	})
}

func FuzzCountry(f *testing.F) {
	for _, s := range append(fuzzSeeds, "cn", "CHN", "156", "China", "中國", "ｕｓａ", "DD", "ZZ", "Hong Kong SAR China") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Country(in)
		if err != nil {
			checkInvalid(t, "Country", in, err)
			return
		}
		if len(out) != 2 || strings.ToUpper(out) != out {
			t.Fatalf("Country(%q) = %q: not an alpha-2 code", in, out)
		}
		if again, err := Country(out); err != nil || again != out {
			t.Fatalf("Country not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}
