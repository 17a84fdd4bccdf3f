package standardize

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// phoneViaLibrary is Phone without the fast path: what Phone returned before
// the fast path existed, and the reference it is compared with.
func phoneViaLibrary(s, region string) (string, error) {
	reg, err := phoneRegion(region)
	if err != nil {
		return "", err
	}
	in := norm.NFKC.String(Text(s))
	if in == "" {
		return "", invalidf("phone number", s, "empty, expected a number like +86 138 0013 8000")
	}
	return libraryPhone(s, dropChineseExtension(in), reg)
}

// comparePhone fails t if Phone and phoneViaLibrary differ on in, result or
// error, and reports whether the fast path answered and whether the number
// is valid.
func comparePhone(t *testing.T, in, region string) (fast, valid bool) {
	t.Helper()
	got, err := Phone(in, region)
	want, wantErr := phoneViaLibrary(in, region)
	if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("Phone(%q, %q) = %q, %v; the library gives %q, %v", in, region, got, err, want, wantErr)
	}
	if reg, err := phoneRegion(region); err == nil {
		_, fast = fastPhone(dropChineseExtension(norm.NFKC.String(Text(in))), reg)
	}
	return fast, wantErr == nil
}

// TestDigitMatcherMatchesRegexp compares digitMatcher with the regexp package
// on every pattern the fast path builds from libphonenumber's metadata, on
// random digit strings and on strings made to fit each pattern's lengths.
func TestDigitMatcherMatchesRegexp(t *testing.T) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, md := range coll.GetMetadata() {
		patterns = append(patterns, "^(?:"+md.GetInternationalPrefix()+")", "^(?:"+md.GetNationalPrefixForParsing()+")",
			"^(?:"+md.GetLeadingDigits()+")", md.GetInternationalPrefix())
		for _, d := range []*phonenumbers.PhoneNumberDesc{md.GetGeneralDesc(), md.GetFixedLine(), md.GetMobile(),
			md.GetTollFree(), md.GetPremiumRate(), md.GetSharedCost(), md.GetPersonalNumber(), md.GetVoip(),
			md.GetPager(), md.GetUan(), md.GetVoicemail()} {
			patterns = append(patterns, "^(?:"+d.GetNationalNumberPattern()+")$")
		}
	}
	// Constructs the metadata does not use, to keep the matcher honest.
	patterns = append(patterns, "", "$", "^$", "1$", "^1", "(1|12)3", "0*", "a|5", "[^3]+9$", `\d{3}`, "^(?:1?)$|2",
		"x*$", "(?i)[a-z0-9]{2}", "^^1$$")
	patterns = slices.Compact(slices.Sorted(slices.Values(patterns)))

	rng := rand.New(rand.NewPCG(1, 2))
	rounds := 100
	if raceEnabled {
		rounds = 10
	}
	cases, unsupported := 0, 0
	for _, p := range patterns {
		dm, ok := compileDigitMatcher(p)
		if !ok {
			unsupported++
			continue
		}
		re := regexp.MustCompile(p)
		check := func(s string) {
			cases++
			if got, want := dm.matchString(s), re.MatchString(s); got != want {
				t.Fatalf("pattern %q on %q: matcher %v, regexp %v", p, s, got, want)
			}
		}
		check("")
		for range 3 * rounds {
			b := make([]byte, rng.IntN(19))
			for i := range b {
				b[i] = byte('0' + rng.IntN(10))
			}
			check(string(b))
		}
		// Every prefix of a random string too, so short lengths are
		// covered densely.
		for range rounds {
			var b []byte
			for len(b) < 18 {
				b = append(b, byte('0'+rng.IntN(10)))
				check(string(b))
			}
		}
	}
	if unsupported > 0 {
		t.Errorf("%d patterns not supported by digitMatcher", unsupported)
	}
	t.Logf("%d patterns, %d comparisons", len(patterns), cases)
}

// chinaPhoneCases returns Chinese numbers in the formats source systems
// store them: every mobile range 130-199 and landlines of many cities, each
// written several ways.
func chinaPhoneCases(rng *rand.Rand) []string {
	var out []string
	for prefix := 100; prefix <= 199; prefix++ {
		for range 8 {
			n := fmt.Sprintf("%d%08d", prefix, rng.IntN(100_000_000))
			out = append(out, n, n[:3]+" "+n[3:7]+" "+n[7:], "+86 "+n[:3]+"-"+n[3:7]+"-"+n[7:], "0086"+n, "86"+n,
				"+86 (0)"+n, n[:3]+"."+n[3:7]+"."+n[7:], "(+86) "+n, "0"+n, n[:10], n+"9")
		}
	}
	areas := []string{"10", "20", "21", "22", "23", "24", "25", "27", "28", "29", "311", "351", "371", "411", "431",
		"451", "510", "512", "531", "532", "571", "574", "591", "592", "731", "755", "756", "757", "760", "769",
		"851", "871", "898", "931", "991", "335", "999", "100", "200"}
	for _, area := range areas {
		for _, digits := range []int{6, 7, 8, 9} {
			for range 6 {
				local := fmt.Sprintf("%0*d", digits, rng.IntN(1_000_000_000)%pow10(digits))
				out = append(out, "0"+area+local, "(0"+area+") "+local, "0"+area+"-"+local, "+86 "+area+" "+local,
					"+86 (0"+area+") "+local, "0086-"+area+"-"+local, "86"+area+local, area+local, local)
			}
		}
	}
	return append(out, "400 810 8888", "4008108888", "800-810-8888", "95588", "10086", "+86 95588", "12345",
		"+86 000 0000 0000", "0000000", "8600000000000")
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// worldPhoneCases returns the library's example numbers of every region and
// type, written nationally, internationally, as E.164 and with a digit
// added or removed, each with the region it belongs to.
func worldPhoneCases() (ins, regions []string) {
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER,
		phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	for _, region := range slices.Sorted(func(yield func(string) bool) {
		for r := range phonenumbers.GetSupportedRegions() {
			if !yield(r) {
				return
			}
		}
	}) {
		for _, typ := range types {
			num := phonenumbers.GetExampleNumberForType(region, typ)
			if num == nil {
				continue
			}
			national := phonenumbers.Format(num, phonenumbers.NATIONAL)
			intl := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			for _, s := range []string{national, intl, e164, e164[1:], e164 + "1", e164[:len(e164)-1],
				strings.ReplaceAll(national, " ", ""), "00" + e164[1:], "011" + e164[1:]} {
				ins = append(ins, s, s, s)
				regions = append(regions, region, "CN", "US")
			}
		}
	}
	for _, cc := range []int{800, 808, 870, 878, 881, 882, 883, 888, 979} {
		if num := phonenumbers.GetExampleNumberForNonGeoEntity(cc); num != nil {
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			ins = append(ins, e164, e164+"0", "00"+e164[1:])
			regions = append(regions, "CN", "DE", "CN")
		}
	}
	return ins, regions
}

// randomPhoneCases returns digit strings of random length with random
// separators and prefixes, mostly invalid numbers.
func randomPhoneCases(rng *rand.Rand, n int) []string {
	seps := []string{"", "", "", " ", "-", ".", "(", ")", "  "}
	prefixes := []string{"", "", "+", "00", "0", "+0", "(", "+86", "86", "011", "+1", "1", "+44", "(+"}
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		b.WriteString(prefixes[rng.IntN(len(prefixes))])
		for range 1 + rng.IntN(18) {
			b.WriteByte(byte('0' + rng.IntN(10)))
			if rng.IntN(4) == 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
		}
		out = append(out, b.String())
	}
	return out
}

// TestFastPhoneMatchesLibrary proves the fast path on many numbers: Phone
// with it must give exactly what the library alone gives, result or error.
// It also checks that the fast path does answer for the formats it is
// meant for, so that it cannot quietly stop working.
func TestFastPhoneMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	total, fast := 0, 0
	seen := 0
	run := func(in, region string) (fastPath, valid bool) {
		if seen++; raceEnabled && seen%10 != 0 {
			return false, false
		}
		total++
		fastPath, valid = comparePhone(t, in, region)
		if fastPath {
			fast++
		}
		return fastPath, valid
	}
	china := chinaPhoneCases(rng)
	chinaValid := 0
	for _, in := range china {
		// Chinese numbers in these formats are what the fast path is for:
		// every valid one must take it.
		if f, valid := run(in, "CN"); valid {
			chinaValid++
			if !f {
				t.Errorf("Phone(%q, CN) is valid but did not take the fast path", in)
			}
		}
	}
	for _, in := range china {
		run(in, "US")
	}
	ins, regions := worldPhoneCases()
	for i, in := range ins {
		run(in, regions[i])
	}
	regionList := []string{"CN", "US", "DE", "GB", "FR", "IT", "JP", "HK", "TW", "SG", "AU", "BR", "IN", "RU", "CA", "MX", "KR", "NL"}
	for _, in := range randomPhoneCases(rng, 60_000) {
		run(in, regionList[rng.IntN(len(regionList))])
	}
	t.Logf("%d comparisons, %d answered by the fast path, including all %d valid Chinese numbers", total, fast, chinaValid)

	// Every valid number in a common format must take the fast path.
	for _, in := range []string{"138 0013 8000", "+86 138-0013-8000", "008613800138000", "（010）1234 5678",
		"(0755) 8888 1234", "１３８　００１３　８０００", "+49 30 123456", "(650) 253-0000", "+8613800138000"} {
		region := "CN"
		if in == "(650) 253-0000" {
			region = "US"
		}
		if f, _ := comparePhone(t, in, region); !f {
			t.Errorf("Phone(%q, %q) did not take the fast path", in, region)
		}
	}
}

// TestFoldWidth checks foldWidth against NFKC on every rune, alone and
// between ASCII, and on random mixes of ASCII, full-width forms and what
// surrounds them.
func TestFoldWidth(t *testing.T) {
	check := func(s string) {
		if got, want := foldWidth(s), norm.NFKC.String(s); got != want {
			t.Fatalf("foldWidth(%q) = %q, NFKC gives %q", s, got, want)
		}
	}
	step := rune(1)
	if raceEnabled {
		step = 7
	}
	for r := rune(0); r <= 0x10FFFF; r += step {
		check(string(r))
		check("(" + string(r) + "0")
	}
	pieces := []string{"0", "9", "(", " ", "+", "x", "\u0301", "\u0338", "（", "）", "０", "９", "＋", "\uff00", "\uff5f",
		"\uff61", "\u3000", "\uffe0", "ｅ", "\xff", "é", "中"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20_000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		check(b.String())
	}
}
