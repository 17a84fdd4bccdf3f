package standardize

import (
	"errors"
	"testing"
)

func TestByName(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
		in     string
		want   string
	}{
		{"text", nil, " a\u00a0 b ", "a b"},
		{"match_key", nil, "ＡＢＣ", "abc"},
		{"email", map[string]string{}, "John@Example.com", "John@example.com"},
		{"email_key", nil, "John@Example.com", "john@example.com"},
		{"phone", nil, "138 0013 8000", "+8613800138000"},
		{"phone", map[string]string{"region": ""}, "138 0013 8000", "+8613800138000"},
		{"phone", map[string]string{"region": "us"}, "(650) 253-0000", "+16502530000"},
		{"tax_id", nil, "91350100m000100y43", "91350100M000100Y43"},
		{"company_name_key", nil, "ACME Co., Ltd.", "acme"},
		{"person_name", nil, "JOHN o'brien", "John O'Brien"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ByName(tt.name, tt.params)
			if err != nil {
				t.Fatalf("ByName(%q, %v): %v", tt.name, tt.params, err)
			}
			got, err := f(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("%s(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
			}
		})
	}
}

func TestByNameErrors(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
	}{
		{"unknown", nil},
		{"", nil},
		{"Email", nil}, // names are exact
		{"email", map[string]string{"region": "CN"}},
		{"phone", map[string]string{"region": "XX"}},
		{"phone", map[string]string{"country": "CN"}},
		{"text", map[string]string{"x": ""}},
	}
	for _, tt := range tests {
		f, err := ByName(tt.name, tt.params)
		if err == nil || f != nil {
			t.Errorf("ByName(%q, %v) = %v, %v; want error", tt.name, tt.params, f != nil, err)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ByName(%q, %v) error %v does not wrap ErrInvalid", tt.name, tt.params, err)
		}
	}
}

func TestByNameCoversNames(t *testing.T) {
	for _, n := range Names() {
		if _, err := ByName(n, nil); err != nil {
			t.Errorf("ByName(%q) from Names(): %v", n, err)
		}
	}
}

func TestByNameErrorPropagates(t *testing.T) {
	f, err := ByName("email", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f("a@@b.com"); !errors.Is(err, ErrInvalid) {
		t.Errorf("email Func error = %v, want ErrInvalid", err)
	}
}
