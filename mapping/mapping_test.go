package mapping_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

func binding() *config.Binding {
	return &config.Binding{Region: "CN", Fields: []config.FieldMap{
		{Golden: "name", From: "account_name", Standardize: "text", Direction: config.Both},
		{Golden: "email", From: "contact.email", To: "email", Standardize: "email", Direction: config.Both},
		{Golden: "phone", From: "phone", Standardize: "phone", Direction: config.Both},
		{Golden: "tax_id", From: "tax_id", Standardize: "tax_id", Direction: config.Inbound, Required: true},
		{Golden: "city", Expr: `upper(city ?? "")`, Direction: config.Inbound},
	}}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	m := map[string]any{}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInbound(t *testing.T) {
	m, err := mapping.Compile("crm", "customer", binding())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		want     map[string]string
		errField string
	}{
		{
			name: "messy values are standardized",
			in:   `{"account_name":"\u3000ＡＣＭＥ  Co., Ltd.\u00a0","contact":{"email":"ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"},"phone":"+86 138-0013-8000","tax_id":"91350100m000100y43","city":"xiamen"}`,
			want: map[string]string{"name": "ＡＣＭＥ Co., Ltd.", "email": "john@example.com", "phone": "+8613800138000", "tax_id": "91350100M000100Y43", "city": "XIAMEN"},
		},
		{
			name: "absent is left out, null clears, empty is a value",
			in:   `{"account_name":null,"contact":{},"phone":"","tax_id":"91350100M000100Y43"}`,
			want: map[string]string{"name": "(null)", "phone": "", "city": "", "tax_id": "91350100M000100Y43"},
		},
		{
			name:     "an invalid credit code names the field",
			in:       `{"account_name":"Acme","tax_id":"91350100M000100Y44"}`,
			errField: "tax_id",
		},
		{
			name:     "a missing required value names the field",
			in:       `{"account_name":"Acme"}`,
			errField: "tax_id",
		},
		{
			name:     "an invalid email names the field",
			in:       `{"account_name":"Acme","contact":{"email":"a@@b.com"},"tax_id":"91350100M000100Y43"}`,
			errField: "email",
		},
		{
			name:     "a nested object where text is expected names the field",
			in:       `{"account_name":{"x":1},"tax_id":"91350100M000100Y43"}`,
			errField: "name",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := m.Inbound("C1", decode(t, tt.in))
			if tt.errField != "" {
				if len(errs) == 0 || errs[0].Field != tt.errField || errs[0].Record != "C1" || errs[0].System != "crm" {
					t.Fatalf("errors %v, want one naming crm record C1 field %s", errs, tt.errField)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestChangesOnlyWhatDiffers(t *testing.T) {
	m, err := mapping.Compile("erp", "customer", binding())
	if err != nil {
		t.Fatal(err)
	}
	golden := map[string]any{"name": "Acme", "email": "a@x.com", "phone": "+8613800138000"}
	current := map[string]string{"name": "Acme", "email": "old@x.com", "phone": "+8613800138000"}
	got, err := m.Changes(golden, current, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["email"] != "a@x.com" {
		t.Fatalf("changes %v, want only email", got)
	}
	// Inbound-only fields are never written; golden fields without a value are not blanked.
	out, _ := m.Outbound(map[string]any{"name": "Acme", "tax_id": "X"}, nil)
	if len(out) != 1 || out["account_name"] != "Acme" {
		t.Fatalf("outbound %v", out)
	}
}

func TestHashIsStable(t *testing.T) {
	a := mapping.Hash(map[string]any{"b": "2", "a": json.Number("1.10"), "c": nil})
	b := mapping.Hash(map[string]any{"c": nil, "a": json.Number("1.10"), "b": "2"})
	if a != b {
		t.Fatal("hash depends on key order")
	}
	if a == mapping.Hash(map[string]any{"b": "2", "a": json.Number("1.1"), "c": nil}) {
		t.Fatal("1.10 and 1.1 must differ: numbers are kept as written")
	}
}

func TestCompileRejectsBadExpression(t *testing.T) {
	b := &config.Binding{Fields: []config.FieldMap{{Golden: "x", Expr: "1 +", Direction: config.Inbound}}}
	if _, err := mapping.Compile("crm", "customer", b); err == nil || !strings.Contains(err.Error(), "fields[0] (x)") {
		t.Fatalf("got %v, want an error naming fields[0] (x)", err)
	}
}

// TestOversizedValue: a value over MaxValueBytes quarantines its record, naming the field and
// the size, instead of entering the golden record.
func TestOversizedValue(t *testing.T) {
	m, err := mapping.Compile("crm", "customer", &config.Binding{Fields: []config.FieldMap{
		{Golden: "name", From: "name", Direction: config.Inbound}, {Golden: "note", From: "note", Direction: config.Inbound}}})
	if err != nil {
		t.Fatal(err)
	}
	got, errs := m.Inbound("r1", map[string]any{"name": "Acme", "note": strings.Repeat("x", mapping.MaxValueBytes+1)})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "crm record r1: field note: value of 65537 bytes is over the 65536-byte limit") {
		t.Errorf("errors %v, want the note refused for its size", errs)
	}
	if got["name"] != mapping.Text("Acme") {
		t.Errorf("fields %v", got)
	}
	if _, errs := m.Inbound("r2", map[string]any{"note": strings.Repeat("x", mapping.MaxValueBytes)}); len(errs) != 0 {
		t.Errorf("a value of exactly the limit refused: %v", errs)
	}
}

// TestOutboundExpressionSeesTextForMissingFields: with the golden model known, an outbound
// expression sees "" for a field without a value or cleared, never nil.
func TestOutboundExpressionSeesTextForMissingFields(t *testing.T) {
	model := &config.Golden{Fields: map[string]config.FieldDef{"name": {}, "city": {}, "note": {}}}
	m, err := mapping.Compile("erp", "customer", &config.Binding{Model: model, Fields: []config.FieldMap{
		{Golden: "name", To: "label", ToExpr: `name + "/" + upper(city) + "/" + note`, Direction: config.Outbound}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Outbound(map[string]any{"name": "Acme", "city": nil}, nil)
	if err != nil || out["label"] != "Acme//" {
		t.Fatalf("outbound = %v, %v; want label Acme//", out, err)
	}
}

// fakeResolver knows user U1 as a@x.com, both ways.
type fakeResolver struct{}

func (fakeResolver) Resolve(l *config.Lookup, v string, outbound bool) (string, bool, error) {
	if !outbound && v == "U1" {
		return "a@x.com", true, nil
	}
	if outbound && v == "a@x.com" {
		return "U1", true, nil
	}
	return "", false, nil
}

// TestLookupPolicies: a reference that resolves to nothing quarantines the record (reject) or is
// left out (absent); a dry run keeps the reference; outbound writes the system's reference.
func TestLookupPolicies(t *testing.T) {
	compile := func(missing string) *mapping.Mapping {
		m, err := mapping.Compile("crm", "customer", &config.Binding{Fields: []config.FieldMap{{Golden: "owner", From: "owner_id", Direction: config.Both,
			Lookup: &config.Lookup{Object: "users", Value: "email", Missing: missing}}}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if got, errs := compile("").Resolved("r1", map[string]any{"owner_id": "U1"}, fakeResolver{}); len(errs) != 0 || got["owner"].S != "a@x.com" {
		t.Errorf("found: %v %v", got, errs)
	}
	if _, errs := compile("").Resolved("r1", map[string]any{"owner_id": "U9"}, fakeResolver{}); len(errs) != 1 ||
		errs[0].Error() != `crm record r1: field owner: no users row has ID "U9" (lookup of its email)` {
		t.Errorf("reject: %v", errs)
	}
	if got, errs := compile("absent").Resolved("r1", map[string]any{"owner_id": "U9"}, fakeResolver{}); len(errs) != 0 || len(got) != 0 {
		t.Errorf("absent: %v %v", got, errs)
	}
	if got, _ := compile("").Inbound("r1", map[string]any{"owner_id": "U9"}); got["owner"].S != "U9" {
		t.Errorf("dry run: %v", got)
	}
	if out, err := compile("").Outbound(map[string]any{"owner": "a@x.com"}, fakeResolver{}); err != nil || out["owner_id"] != "U1" {
		t.Errorf("outbound: %v %v", out, err)
	}
	if _, err := compile("").Outbound(map[string]any{"owner": "b@x.com"}, fakeResolver{}); err == nil {
		t.Error("outbound of an unknown e-mail under reject: want an error")
	}
}
