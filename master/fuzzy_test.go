package master

import (
	"math"
	"testing"

	"github.com/accord-mdm/accord/config"
)

func TestSimilarity(t *testing.T) {
	for _, tc := range []struct {
		kind, a, b string
		want       float64
	}{
		{"company_name", "Blue River Trading Co., Ltd.", "BLUE RIVER TRADING LIMITED", 1},
		{"company_name", "Ｂｌｕｅ River Trading Inc.", "Blue River Trading", 1},
		{"company_name", "Westgate Trading Inc.", "Westgate Media Ltd", 1.0 / 3},         // one word of three
		{"company_name", "Falcon Rhine Machinery Ltd", "Falcon Machinery Inc.", 2.0 / 3}, // two of three
		{"company_name", "Orion Ttitan Technologies", "Orion Titan Technologies", (2 + 0.89) / 3},
		{"company_name", "Polar Energy", "Solar Energy", 1.0 / 3}, // one letter, another word
		{"company_name", "深圳市华为技术有限公司", "华为技术（深圳）有限公司", 0.933},
		{"company_name", "华信科技有限公司", "华信科技股份有限公司", 1},
		{"place", "深圳市", "SHENZHEN", 1},
		{"place", "Xi'an", "西安", 1},
		{"place", "广州", "杭州", 0},
		{"tax_id", "91350100M000100Y43", "350100M000100Y4", 1},
		{"tax_id", "91350100M000100Y43", "91110105MA8LHMQ334", 0},
		{"tax_id", "DE123456789", "DE123456789", 1},
		{"email", "info@blueriver.cn", "ap@blueriver.cn", sameDomain},
		{"email", "a@qq.com", "b@qq.com", 0},
	} {
		if got := similarity(tc.kind, tc.a, tc.b); math.Abs(got-tc.want) > 0.005 {
			t.Errorf("similarity(%s, %q, %q) = %.3f, want %.3f", tc.kind, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestBlockPartEmailDomain(t *testing.T) {
	p := config.BlockPart{Field: "email", Use: "email_domain"}
	for in, want := range map[string]string{
		"Info@BlueRiver.cn": "blueriver.cn",
		"someone@qq.com":    "", // free mail: a block of strangers
		"not an address":    "",
	} {
		if got := blockPart(p, in); got != want {
			t.Errorf("blockPart(email_domain, %q) = %q, want %q", in, got, want)
		}
	}
}
