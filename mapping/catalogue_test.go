package mapping_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

// catalogueMapping maps one field of every kind the bad-input catalogue exercises.
func catalogueMapping(t *testing.T) *mapping.Mapping {
	t.Helper()
	scale2, scale0 := 2, 0
	typed := func(typ string, scale *int) *config.FieldDef { return &config.FieldDef{Type: typ, Scale: scale} }
	in := func(golden, from, std string, def *config.FieldDef) config.FieldMap {
		return config.FieldMap{Golden: golden, From: from, Standardize: std, GoldenDef: def, Direction: config.Inbound}
	}
	m, err := mapping.Compile("crm", "customer", &config.Binding{Region: "CN", Timezone: "America/New_York", Fields: []config.FieldMap{
		in("name", "name", "text", nil), in("key", "name", "company_name_key", nil), in("email", "email", "email", nil),
		in("phone", "phone", "phone", nil), in("tax", "tax", "tax_id", nil), in("person", "person", "person_name", nil),
		in("code", "code", "match_key", nil), in("ref", "ref", "", nil),
		in("qty", "qty", "", typed(config.TypeInteger, nil)), in("amount", "amount", "", typed(config.TypeDecimal, &scale2)),
		in("yen", "yen", "", typed(config.TypeDecimal, &scale0)), in("flag", "flag", "", typed(config.TypeBoolean, nil)),
		in("since", "since", "", typed(config.TypeDate, nil)), in("at", "at", "", typed(config.TypeTimestamp, nil)),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBadInputCatalogue is the bad-input catalogue of docs/configuration.md, one row per item:
// the record (JSON), the golden field looked at, and what it must become — a value, "(null)"
// for a clear, "(absent)" for no change — or the error it must be quarantined with.
func TestBadInputCatalogue(t *testing.T) {
	m := catalogueMapping(t)
	tests := []struct {
		item, in, field, want, err string
	}{
		{"whitespace, NBSP, U+3000", `{"name":"\u3000 Acme\u00a0\u00a0Trading\t "}`, "name", "Acme Trading", ""},
		{"mixed-case email", `{"email":"John.Doe@Example.COM"}`, "email", "John.Doe@example.com", ""},
		{"display name in an email", `{"email":"John <john@example.com>"}`, "email", "", "display name"},
		{"several addresses", `{"email":"a@example.com; b@example.com"}`, "email", "", "invalid email"},
		{"a@", `{"email":"a@"}`, "email", "", "invalid email"},
		{"a@@b.com", `{"email":"a@@b.com"}`, "email", "", `more than one "@"`},
		{"a@b..com", `{"email":"a@b..com"}`, "email", "", "invalid email"},
		{"full-width email", `{"email":"ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"}`, "email", "john@example.com", ""},
		{"IDN email", `{"email":"info@Bücher.de"}`, "email", "info@bücher.de", ""},
		{"phone with spaces", `{"phone":"138 0013 8000"}`, "phone", "+8613800138000", ""},
		{"phone with +86 and dashes", `{"phone":"+86 138-0013-8000"}`, "phone", "+8613800138000", ""},
		{"phone with 00 prefix", `{"phone":"008613800138000"}`, "phone", "+8613800138000", ""},
		{"landline in full-width brackets", `{"phone":"（010）1234 5678"}`, "phone", "+861012345678", ""},
		{"full-width digits", `{"phone":"１３８００１３８０００"}`, "phone", "+8613800138000", ""},
		{"NFD becomes NFC", `{"name":"Cafe\u0301"}`, "name", "Café", ""},
		{"zero-width and bidi removed", `{"name":"Ac\u200bme\u202e"}`, "name", "Acme", ""},
		{"NUL removed", `{"name":"Ac\u0000me"}`, "name", "Acme", ""},
		{"U+FFFD refused", `{"name":"深\ufffd"}`, "name", "", "holds U+FFFD at byte 3"},
		{"null clears", `{"name":null}`, "name", "(null)", ""},
		{"empty is a value", `{"name":""}`, "name", "", ""},
		{"absent changes nothing", `{}`, "name", "(absent)", ""},
		{"oversized field", `{"name":"` + strings.Repeat("x", mapping.MaxValueBytes+1) + `"}`, "name", "", "over the 65536-byte limit of a field"},
		{"wrong type: an object for text", `{"name":{"a":1}}`, "name", "", "expected a text value"},
		{"locale number", `{"amount":"12,34"}`, "amount", "", "a comma is a decimal or a thousands separator"},
		{"Y as a boolean", `{"flag":"Y"}`, "flag", "true", ""},
		{"integer ID above 2^53 kept exact", `{"ref":9007199254740993}`, "ref", "9007199254740993", ""},
		{"integer above 2^53", `{"qty":"9007199254740993"}`, "qty", "9007199254740993", ""},
		{"money precision 19.999 into 2 decimals", `{"amount":"19.999"}`, "amount", "", "more than the 2 decimal places"},
		{"JPY with decimals", `{"yen":"1200.5"}`, "yen", "", "more than the 0 decimal places"},
		{"timestamp without offset", `{"at":"2024-01-15 09:30:00"}`, "at", "2024-01-15T14:30:00Z", ""},
		{"timestamp in a DST gap", `{"at":"2024-03-10 02:30:00"}`, "at", "", "daylight-saving gap"},
		{"sentinel date 0000-00-00", `{"since":"0000-00-00"}`, "since", "", ""},
		{"sentinel date 9999-12-31 kept", `{"since":"9999-12-31"}`, "since", "9999-12-31", ""},
		{"impossible date", `{"since":"2023-02-30"}`, "since", "", "is not a date that exists"},
		{"O'Brien is data", `{"person":"O'Brien"}`, "person", "O'Brien", ""},
		{"SQL injection is data", `{"name":"Robert'); DROP TABLE x;--"}`, "name", "Robert'); DROP TABLE x;--", ""},
		{"formula is data", `{"name":"=HYPERLINK(\"http://x\",\"y\")"}`, "name", `=HYPERLINK("http://x","y")`, ""},
		{"invalid credit code", `{"tax":"91350100M000100Y44"}`, "tax", "", "check character"},
		{"valid credit code, lower case", `{"tax":"91350100m000100y43"}`, "tax", "91350100M000100Y43", ""},
		{"match key folds width and case", `{"code":"ＡＢＣ-１２３"}`, "code", "abc-123", ""},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			raw := map[string]any{}
			dec := json.NewDecoder(strings.NewReader(tt.in))
			dec.UseNumber()
			if err := dec.Decode(&raw); err != nil {
				t.Fatal(err)
			}
			got, errs := m.Inbound("R1", raw)
			if tt.err != "" {
				// The name feeds two fields (name and its key): both are named.
				if len(errs) == 0 || errs[0].Field != tt.field || errs[0].Record != "R1" || !strings.Contains(errs[0].Error(), tt.err) {
					t.Fatalf("errors %v, want one for field %s containing %q", errs, tt.field, tt.err)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors %v", errs)
			}
			v, ok := got[tt.field]
			show := v.String()
			if !ok {
				show = "(absent)"
			}
			if show != tt.want {
				t.Fatalf("%s = %q, want %q", tt.field, show, tt.want)
			}
		})
	}
}

// TestCatalogueKeys: full- and half-width forms and legal-form variants of one company share a
// key; traditional and simplified Chinese, and a Cyrillic homoglyph, do not — such pairs are
// never merged automatically.
func TestCatalogueKeys(t *testing.T) {
	m := catalogueMapping(t)
	key := func(name string) string {
		got, errs := m.Inbound("R1", map[string]any{"name": name})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return got["key"].S
	}
	same := [][2]string{
		{"ＡＣＭＥ（深圳）有限公司", "ACME(深圳)有限公司"},
		{"深圳市示例科技有限公司", "深圳市示例科技股份有限公司"},
		{"Acme Co., Ltd.", "ACME CO LTD"},
	}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("%q and %q: keys %q and %q differ", p[0], p[1], key(p[0]), key(p[1]))
		}
	}
	differ := [][2]string{{"广州发展银行", "廣州發展銀行"}, {"Acme", "Аcme"}}
	for _, p := range differ {
		if key(p[0]) == key(p[1]) {
			t.Errorf("%q and %q share key %q", p[0], p[1], key(p[0]))
		}
	}
}

// TestOversizedRecord: a record whose mapped values pass MaxRecordBytes is refused whole.
func TestOversizedRecord(t *testing.T) {
	fields := []config.FieldMap{}
	raw := map[string]any{}
	for i := range 20 {
		f := "note" + string(rune('a'+i))
		fields = append(fields, config.FieldMap{Golden: f, From: f, Direction: config.Inbound})
		raw[f] = strings.Repeat("x", mapping.MaxValueBytes)
	}
	m, err := mapping.Compile("crm", "customer", &config.Binding{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	got, errs := m.Inbound("R1", raw)
	if len(got) != 0 || len(errs) != 1 || errs[0].Error() != "crm record R1: field (record): mapped values pass the 1048576-byte limit of a record" {
		t.Fatalf("got %d values, errors %v", len(got), errs)
	}
}
