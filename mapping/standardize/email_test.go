package standardize

import (
	"errors"
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	tests := []struct {
		name, in, want, wantKey string
	}{
		{"plain", "john@example.com", "john@example.com", "john@example.com"},
		{"trimmed", " \u00a0john@example.com\u3000", "john@example.com", "john@example.com"},
		{"mixed case: local kept, domain lowered", "John.Doe@Example.COM", "John.Doe@example.com", "john.doe@example.com"},
		{"full-width", "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com", "john@example.com"},
		{"full-width upper", "ＪＯＨＮ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "JOHN@example.com", "john@example.com"},
		{"zero width removed", "jo\u200Bhn@exam\u200Dple.com", "john@example.com", "john@example.com"},
		{"plus tag kept", "john+crm@example.com", "john+crm@example.com", "john+crm@example.com"},
		{"atext specials", "o'brien!#$%&*/=?^_`{|}~-@example.com", "o'brien!#$%&*/=?^_`{|}~-@example.com", "o'brien!#$%&*/=?^_`{|}~-@example.com"},
		{"IDN unicode", "用户@例子.中国", "用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s"},
		{"IDN punycode stored as unicode", "用户@xn--fsqu00a.xn--fiqs8s", "用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s"},
		{"IDN ideographic full stop", "info@例子。中国", "info@例子.中国", "info@xn--fsqu00a.xn--fiqs8s"},
		{"IDN upper-case domain", "a@ÉXAMPLE.com", "a@éxample.com", "a@xn--xample-9ua.com"},
		{"IDN NFD domain", "a@e\u0301xample.com", "a@éxample.com", "a@xn--xample-9ua.com"},
		{"subdomain", "a@mail.corp.example.com.cn", "a@mail.corp.example.com.cn", "a@mail.corp.example.com.cn"},
		{"local part 64 bytes", strings.Repeat("a", 64) + "@x.com", strings.Repeat("a", 64) + "@x.com", strings.Repeat("a", 64) + "@x.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Email(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("Email(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			key, err := EmailKey(tt.in)
			if err != nil || key != tt.wantKey {
				t.Errorf("EmailKey(%q) = %q, %v; want %q", tt.in, key, err, tt.wantKey)
			}
		})
	}
}

func TestEmailKeyIDNForms(t *testing.T) {
	a, errA := EmailKey("用户@例子.中国")
	b, errB := EmailKey("用户@XN--FSQU00A.XN--FIQS8S")
	if errA != nil || errB != nil || a != b {
		t.Errorf("EmailKey of Unicode and punycode forms: %q (%v) vs %q (%v); want equal", a, errA, b, errB)
	}
}

func TestEmailInvalid(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		name, in, wantMsg string
	}{
		{"empty", "", "empty"},
		{"whitespace only", " \u3000", "empty"},
		{"display name", "John <j@x.com>", "display names"},
		{"angle brackets only", "<j@x.com>", "display names"},
		{"comma separated", "a@x.com,b@y.com", "several addresses"},
		{"semicolon separated", "a@x.com; b@y.com", "several addresses"},
		{"space separated", "a@x.com b@y.com", "several addresses"},
		{"full-width semicolon", "a@x.com；b@y.com", "several addresses"},
		{"space inside", "john doe@x.com", "whitespace"},
		{"no at", "john.example.com", `missing "@"`},
		{"empty domain", "a@", `empty domain`},
		{"empty local", "@b.com", `empty local part`},
		{"double at", "a@@b.com", `more than one "@"`},
		{"two ats apart", "a@b@c.com", `more than one "@"`},
		{"double dot in domain", "a@b..com", "empty label"},
		{"leading dot in domain", "a@.b.com", "empty label"},
		{"trailing dot in domain", "a@b.com.", "empty label"},
		{"no dot in domain", "a@b", `must contain a "."`},
		{"IP address", "a@192.168.0.1", "all digits"},
		{"address literal", "a@[192.168.0.1]", "address literals"},
		{"local leading dot", ".a@b.com", `start or end with "."`},
		{"local trailing dot", "a.@b.com", `start or end with "."`},
		{"local double dot", "a..b@b.com", `contain ".."`},
		{"quoted local", `"john doe"@b.com`, "whitespace"},
		{"quoted local no space", `"john"@b.com`, "not allowed in local part"},
		{"comment", "john(work)@b.com", "not allowed in local part"},
		{"local part 65 bytes", strings.Repeat("a", 65) + "@x.com", "65 bytes, at most 64"},
		{"local part multibyte over 64 bytes", strings.Repeat("用", 22) + "@x.com", "66 bytes, at most 64"},
		{"domain over 253", "a@" + long + "." + long + "." + long + "." + long + ".com", "at most 253"},
		{"total over 254", strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 47)+".", 4) + "com", "260 bytes, at most 254"},
		{"label over 63", "a@" + long + "a.com", "longer than 63"},
		{"hyphen label", "a@-b.com", "not a valid domain name"},
		{"underscore domain", "a@b_c.com", "not a valid domain name"},
		{"bad punycode", "a@xn--zz.com", "not a valid domain name"},
		{"mailto prefix", "mailto:a@b.com", "not allowed in local part"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Email(tt.in)
			if err == nil {
				t.Fatalf("Email(%q) = %q, want error containing %q", tt.in, got, tt.wantMsg)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Email(%q) error %v does not wrap ErrInvalid", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Email(%q) error %q, want it to contain %q", tt.in, err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "invalid email ") {
				t.Errorf("Email(%q) error %q should start with %q", tt.in, err, "invalid email ")
			}
			if _, kerr := EmailKey(tt.in); kerr == nil {
				t.Errorf("EmailKey(%q) accepted an address Email rejects", tt.in)
			}
		})
	}
}

func TestEmailErrorMessage(t *testing.T) {
	_, err := Email("a@@b.com")
	if want := `invalid email "a@@b.com": more than one "@"`; err == nil || err.Error() != want {
		t.Errorf("Email error = %v, want %s", err, want)
	}
}

func TestEmailErrorTruncatesHugeInput(t *testing.T) {
	_, err := Email(strings.Repeat("x", 10000))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("error for a 10000-byte input should be short, got %d bytes", len(err.Error()))
	}
}
