package standardize

import (
	"errors"
	"strings"
	"testing"
)

func TestPhone(t *testing.T) {
	tests := []struct {
		name, in, region, want string
	}{
		{"national mobile with spaces", "138 0013 8000", "CN", "+8613800138000"},
		{"international with hyphens", "+86 138-0013-8000", "CN", "+8613800138000"},
		{"international prefix 00", "008613800138000", "CN", "+8613800138000"},
		{"full-width parens landline", "（010）1234 5678", "CN", "+861012345678"},
		{"ASCII parens landline", "(010) 1234-5678", "CN", "+861012345678"},
		{"full-width digits", "１３８　００１３　８０００", "CN", "+8613800138000"},
		{"full-width plus", "＋８６ １３８００１３８０００", "CN", "+8613800138000"},
		{"default region is CN", "13800138000", "", "+8613800138000"},
		{"lower-case region", "13800138000", "cn", "+8613800138000"},
		{"extension ext.", "+86 10 1234 5678 ext. 123", "CN", "+861012345678"},
		{"extension x", "(010) 1234 5678 x89", "CN", "+861012345678"},
		{"extension 转", "010-12345678转8001", "CN", "+861012345678"},
		{"extension 分机", "010-12345678 分机：8001", "CN", "+861012345678"},
		{"trunk prefix 0 with country code", "+86 (0)10 1234 5678", "CN", "+861012345678"},
		{"zero width and NBSP", "\u200B138\u00a00013\u00a08000", "CN", "+8613800138000"},
		{"other region with plus", "+49 30 123456", "CN", "+4930123456"},
		{"US national", "(650) 253-0000", "US", "+16502530000"},
		{"German national", "030 123456", "DE", "+4930123456"},
		{"E.164 is a fixed point", "+8613800138000", "US", "+8613800138000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Phone(tt.in, tt.region)
			if err != nil || got != tt.want {
				t.Errorf("Phone(%q, %q) = %q, %v; want %q", tt.in, tt.region, got, err, tt.want)
			}
		})
	}
}

func TestPhoneInvalid(t *testing.T) {
	tests := []struct {
		name, in, region string
	}{
		{"empty", "", "CN"},
		{"letters", "abc", "CN"},
		{"too short", "12345", "CN"},
		{"too long mobile", "138001380001", "CN"},
		{"unassigned range", "+86 000 0000 0000", "CN"},
		{"only plus", "+", "CN"},
		{"two numbers", "13800138000 / 13900139000", "CN"},
		{"huge input", strings.Repeat("1", 1000), "CN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Phone(tt.in, tt.region)
			if err == nil {
				t.Fatalf("Phone(%q, %q) = %q, want error", tt.in, tt.region, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), quote(tt.in)) {
				t.Errorf("error %q does not name the input %s", err, quote(tt.in))
			}
		})
	}
}

func TestPhoneBadRegion(t *testing.T) {
	for _, region := range []string{"XX", "ZZ", "001", "CHN", "中国"} {
		if got, err := Phone("13800138000", region); err == nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("Phone with region %q = %q, %v; want ErrInvalid", region, got, err)
		}
	}
}
