package standardize

import (
	"errors"
	"strings"
	"testing"
)

// Valid Unified Social Credit Codes. The first is a published example; the
// others were built in real format (registration department, type, 6-digit
// region, 9-character organisation code) and their check characters derived
// with an independent implementation using the standard's weight table.
var validUSCC = []string{
	"91350100M000100Y43",
	"91110108551385082Q",
	"91440300MA5EXAMPLA",
	"12100000400010243D",
	"52310000MJ49283715",
}

func TestTaxID(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"USCC", "91350100M000100Y43", "91350100M000100Y43"},
		{"USCC lower-case", "91350100m000100y43", "91350100M000100Y43"},
		{"USCC full-width", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"USCC with spaces and hyphens", " 9135 0100-M000 100Y.43 ", "91350100M000100Y43"},
		{"USCC with full-width space and dash", "9135　0100－M000100Y43", "91350100M000100Y43"},
		{"USCC check char is digit 5", "52310000mj49283715", "52310000MJ49283715"},
		{"EU VAT", "DE123456789", "DE123456789"},
		{"EU VAT formatted", "de 123.456-789", "DE123456789"},
		{"Swiss UID", "CHE-123.456.789", "CHE123456789"},
		{"old 15-digit tax number", "110108551385082", "110108551385082"},
		{"18 chars outside USCC alphabet not checked", "91350100O000100Y4Z", "91350100O000100Y4Z"},
		{"Mexican RFC", "a&b010101aaa", "A&B010101AAA"},
		{"Mexican RFC with Ñ", "ñab010101aaa", "ÑAB010101AAA"},
		{"zero width removed", "DE\u200B123456789", "DE123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TaxID(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("TaxID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestTaxIDValidUSCC(t *testing.T) {
	for _, code := range validUSCC {
		if got, err := TaxID(code); err != nil || got != code {
			t.Errorf("TaxID(%q) = %q, %v; want it accepted unchanged", code, got, err)
		}
		if c := usccCheckChar(code[:17]); c != code[17] {
			t.Errorf("usccCheckChar(%q) = %q, want %q", code[:17], c, code[17])
		}
	}
}

// TestTaxIDComputedUSCC builds codes with the package's own check function
// and verifies that every single-character change of the check character is
// rejected.
func TestTaxIDComputedUSCC(t *testing.T) {
	for _, body := range []string{"91110000100000000", "93330106MA2GL1234", "Y1440300MA5D00001", "11100000000000000"} {
		code := body + string(usccCheckChar(body))
		if _, err := TaxID(code); err != nil {
			t.Errorf("TaxID(%q) = %v, want valid", code, err)
		}
		for i := 0; i < len(usccAlphabet); i++ {
			if usccAlphabet[i] == code[17] {
				continue
			}
			bad := body + string(usccAlphabet[i])
			if _, err := TaxID(bad); err == nil {
				t.Errorf("TaxID(%q) accepted a wrong check character", bad)
			}
		}
	}
}

func TestTaxIDInvalid(t *testing.T) {
	tests := []struct {
		name, in, wantMsg string
	}{
		{"USCC last char changed", "91350100M000100Y44", `expected '3', got '4'`},
		{"USCC body changed", "91350100M000101Y43", "check character mismatch"},
		{"empty", "", "empty"},
		{"separators only", " - . ", "empty"},
		{"placeholder N/A", "N/A", `'/'`},
		{"Chinese placeholder", "无", `'无'`},
		{"punctuation", "DE123,456", `','`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TaxID(tt.in)
			if err == nil {
				t.Fatalf("TaxID(%q) = %q, want error", tt.in, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("TaxID(%q) error %q, want it to contain %q", tt.in, err, tt.wantMsg)
			}
		})
	}
}

func TestOrganizationCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"91350100M000100Y43", "M000100Y4"},
		{" 91350100m000100y43 ", "M000100Y4"},
		{"350100M000100Y4", "M000100Y4"}, // the old 税务登记号 of the same company
		{"91350100M000100Y44", ""},       // check character wrong
		{"35010AM000100Y4", ""},          // division not digits
		{"DE123456789", ""},              // not Chinese
		{"350100M000100Y", ""},           // 14 characters
		{"N/A", ""},
		{"", ""},
	} {
		if got := OrganizationCode(tc.in); got != tc.want {
			t.Errorf("OrganizationCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
