package standardize

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// Country returns the ISO 3166-1 alpha-2 code ("CN") of a country given as an alpha-2,
// alpha-3 or numeric code ("cn", "CHN", "156"), or by its English, simplified or traditional
// Chinese name ("China", "中国", "中國"), or a common alias ("USA", "UK", "中华人民共和国",
// "香港"). Case, width, spaces and punctuation do not matter. Anything else is an error naming
// the input: a country is never guessed.
func Country(s string) (string, error) {
	in := Text(s)
	if in == "" {
		return "", invalidf("country", s, `empty, expected an ISO 3166 code or a name such as "CN", "CHN", "China" or "中国"`)
	}
	folded := norm.NFKC.String(in)
	if len(folded) <= 3 && isCode(folded) {
		if r, err := language.ParseRegion(strings.ToUpper(folded)); err == nil && currentCountry(r.Canonicalize()) {
			return r.Canonicalize().String(), nil // a withdrawn code ("DD") as its successor's
		}
	}
	if code, ok := countryNames()[countryKey(folded)]; ok {
		return code, nil
	}
	return "", invalidf("country", s, `not an ISO 3166 country code or a known country name`)
}

func isCode(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// countryKey folds a name for lookup: lower case, letters and digits only.
func countryKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// countryAliases are names people write that the CLDR display names lack.
var countryAliases = map[string]string{
	"USA": "US", "United States of America": "US", "America": "US", "UK": "GB", "Great Britain": "GB",
	"Britain": "GB", "South Korea": "KR", "Korea": "KR", "Republic of Korea": "KR", "North Korea": "KP",
	"Hong Kong": "HK", "Macau": "MO", "Macao": "MO", "Russian Federation": "RU", "Viet Nam": "VN",
	"Holland": "NL", "Czech Republic": "CZ", "UAE": "AE", "PRC": "CN", "Mainland China": "CN",
	"中华人民共和国": "CN", "中國大陸": "CN", "中国大陆": "CN", "大陆": "CN", "內地": "CN", "内地": "CN",
	"香港": "HK", "香港特别行政区": "HK", "香港特別行政區": "HK", "澳门": "MO", "澳門": "MO",
	"澳门特别行政区": "MO", "澳門特別行政區": "MO", "台湾": "TW", "臺灣": "TW", "台灣": "TW", "中华民国": "TW",
	"美利坚合众国": "US", "英国": "GB", "英國": "GB", "韩国": "KR", "韓國": "KR", "南韩": "KR", "朝鲜": "KP",
}

// currentCountry reports whether r is a country of ISO 3166-1 as it stands: not a withdrawn
// code ("DD", "SU", whose names would be claimed twice), a reserved one without a name, or a
// grouping.
func currentCountry(r language.Region) bool {
	return r.IsCountry() && r.Canonicalize() == r && r.ISO3() != "ZZZ" && display.English.Regions().Name(r) != ""
}

var countryNames = sync.OnceValue(func() map[string]string {
	names := map[string]string{}
	en := display.English.Regions()
	zhs := display.Regions(language.SimplifiedChinese)
	zht := display.Regions(language.TraditionalChinese)
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !currentCountry(r) {
				continue
			}
			code := r.String()
			for _, n := range []string{en.Name(r), zhs.Name(r), zht.Name(r)} {
				if k := countryKey(n); k != "" {
					if _, taken := names[k]; !taken {
						names[k] = code
					}
				}
			}
		}
	}
	for n, code := range countryAliases {
		names[countryKey(n)] = code
	}
	return names
})
