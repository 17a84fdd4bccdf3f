package generate

import (
	"math/rand/v2"
	"testing"
)

func TestCreditCodeKnownValid(t *testing.T) {
	const known = "91350100M000100Y43" // a published example code
	if !ValidCreditCode(known) {
		t.Fatalf("ValidCreditCode(%q) = false, want true", known)
	}
	if got := creditCheck(known[:17]); got != '3' {
		t.Errorf("creditCheck = %q, want '3'", got)
	}
	if got := orgCheck([]byte(known[8:16])); got != known[16] {
		t.Errorf("orgCheck(%q) = %q, want %q", known[8:16], got, known[16])
	}
}

func TestValidCreditCodeRejects(t *testing.T) {
	for _, s := range []string{
		"",
		"91350100M000100Y4",   // too short
		"91350100M000100Y44",  // wrong check character
		"91350100M000100Y43 ", // not trimmed
		"91350100m000100y43",  // not upper-cased
		"91350100M000100I43",  // I is not in the alphabet
		"91350100M000100Y430", // too long
	} {
		if ValidCreditCode(s) {
			t.Errorf("ValidCreditCode(%q) = true, want false", s)
		}
	}
}

func TestCreditCodeGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 10_000 {
		c := CreditCode(r, "310115")
		if !ValidCreditCode(c) {
			t.Fatalf("CreditCode produced invalid %q", c)
		}
		if c[:8] != "91310115" {
			t.Fatalf("CreditCode = %q, want prefix 91310115", c)
		}
		if got := orgCheck([]byte(c[8:16])); got != c[16] {
			t.Fatalf("CreditCode %q: organisation check %q, want %q", c, c[16], got)
		}
	}
}

func FuzzValidCreditCode(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Add("91350100M000100Y44")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidCreditCode(s) && (len(s) != 18 || creditCheck(s) != s[17]) {
			t.Errorf("ValidCreditCode(%q) = true for an invalid code", s)
		}
	})
}
