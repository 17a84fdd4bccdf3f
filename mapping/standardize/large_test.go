package standardize

import (
	"strings"
	"testing"
)

// TestLargeInputs feeds every standardizer inputs of a few hundred
// kilobytes built to hit repeated work (suffix and region stripping, word
// joining, combining marks). It asserts nothing about timing, which would be
// flaky, but an accidentally quadratic step turns this test from
// milliseconds into minutes, which the suite's timeout then reports.
func TestLargeInputs(t *testing.T) {
	inputs := []string{
		strings.Repeat("北京", 20000) + "有限公司",
		strings.Repeat("有限公司 ", 20000),
		strings.Repeat("北京 ", 20000) + "acme ltd",
		strings.Repeat("s.a. ", 20000),
		strings.Repeat("co ", 20000),
		"a" + strings.Repeat("\u0301", 40000),
		strings.Repeat("\ufdfa", 5000), // NFKC expands it 18-fold
		strings.Repeat("\u1100 \u1161", 20000),
		strings.Repeat("\xff", 40000),
		strings.Repeat("@", 40000),
		strings.Repeat("1", 40000),
	}
	for _, in := range inputs {
		Text(in)
		MatchKey(in)
		CompanyNameKey(in)
		PersonName(in)
		if _, err := Email(in); err == nil {
			t.Errorf("Email accepted a %d-byte input", len(in))
		}
		_, _ = EmailKey(in)
		_, _ = Phone(in, "CN")
		_, _ = TaxID(in)
	}
}
