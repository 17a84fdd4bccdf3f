package mapping_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzInbound feeds records of arbitrary values to a mapping with a field of every kind. It
// must never panic; every error names the system, the record and a mapped field; every value
// is valid UTF-8 in NFC.
func FuzzInbound(f *testing.F) {
	for _, s := range []string{"", "Acme", "  深圳市示例科技有限公司\u3000", "+86 138-0013-8000", "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
		"91350100M000100Y43", "2024-03-10 02:30:00", "19.999", "Y", "\xff\xfe", "Cafe\u0301", "a\u0000b", "0000-00-00"} {
		f.Add(s, s, int64(len(s)), true)
	}
	f.Fuzz(func(t *testing.T, s, other string, n int64, b bool) {
		m := catalogueMapping(t)
		fields := []string{"name", "email", "phone", "tax", "person", "code", "ref", "qty", "amount", "yen", "flag", "since", "at"}
		raw := map[string]any{}
		for i, f := range fields {
			switch i % 5 {
			case 0:
				raw[f] = s
			case 1:
				raw[f] = other
			case 2:
				raw[f] = json.Number(strconv.FormatInt(n, 10))
			case 3:
				if b {
					raw[f] = nil
				}
			case 4:
				raw[f] = b
			}
		}
		got, errs := m.Inbound("R1", raw)
		mapped := append(fields, "key", "(record)")
		for _, e := range errs {
			if e.System != "crm" || e.Record != "R1" || !slices.Contains(mapped, e.Field) || e.Msg == "" {
				t.Fatalf("error %#v does not name system, record and a mapped field", e)
			}
		}
		for f, v := range got {
			if !utf8.ValidString(v.S) || !norm.NFC.IsNormalString(v.S) {
				t.Fatalf("%s = %q: not valid UTF-8 in NFC", f, v.S)
			}
		}
	})
}
