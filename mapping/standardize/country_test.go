package standardize

import (
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// TestCountryNamesRoundTrip: every current ISO 3166-1 code, its alpha-3 and numeric forms, and
// its English and Chinese names all read back as that code: no name is claimed by two
// countries.
func TestCountryNamesRoundTrip(t *testing.T) {
	tags := map[string]language.Tag{"en": language.English, "zh-Hans": language.SimplifiedChinese, "zh-Hant": language.TraditionalChinese}
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !currentCountry(r) {
				continue
			}
			n++
			code := r.String()
			inputs := []string{code, r.ISO3()}
			if m := r.M49(); m > 0 {
				inputs = append(inputs, fmt3(m))
			}
			for _, tag := range tags {
				inputs = append(inputs, display.Regions(tag).Name(r))
			}
			for _, in := range inputs {
				if got, err := Country(in); err != nil || got != code {
					t.Errorf("Country(%q) = %q, %v; want %s", in, got, err, code)
				}
			}
		}
	}
	if n < 240 {
		t.Errorf("only %d countries known, want the ~249 of ISO 3166-1", n)
	}
}

func fmt3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}
