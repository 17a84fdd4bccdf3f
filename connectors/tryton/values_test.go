package tryton

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

func TestTaggedValues(t *testing.T) {
	dt := map[string]any{"__class__": "datetime", "year": json.Number("2026"), "month": json.Number("11"), "day": json.Number("24"),
		"hour": json.Number("8"), "minute": json.Number("27"), "second": json.Number("52"), "microsecond": json.Number("344446")}
	got, err := timeOf(dt)
	want := time.Date(2026, 11, 24, 8, 27, 52, 344446000, time.UTC)
	if err != nil || !got.Equal(want) {
		t.Errorf("timeOf = %v, %v; want %v", got, err, want)
	}
	if z, err := timeOf(nil); err != nil || !z.IsZero() {
		t.Errorf("timeOf(nil) = %v, %v", z, err)
	}
	if _, err := timeOf("yesterday"); err == nil {
		t.Error("timeOf(text) succeeded")
	}
	if d, err := decimalText(map[string]any{"__class__": "Decimal", "decimal": "0.10000000000000000001"}); err != nil || d != "0.10000000000000000001" {
		t.Errorf("decimalText = %v, %v", d, err)
	}
	if d, err := decimalText(nil); err != nil || d != nil {
		t.Errorf("decimalText(nil) = %v, %v", d, err)
	}
	if d, err := dateText(map[string]any{"__class__": "date", "year": json.Number("2026"), "month": json.Number("1"), "day": json.Number("2")}); err != nil || d != "2026-01-02" {
		t.Errorf("dateText = %v, %v", d, err)
	}
	back := datetimeValue(want)
	if back["microsecond"] != 344446 || back["__class__"] != "datetime" {
		t.Errorf("datetimeValue = %v", back)
	}
	for v, want := range map[any]bool{true: true, false: false, json.Number("1"): true, json.Number("0"): false, nil: true} {
		if truth(v) != want {
			t.Errorf("truth(%v) = %v", v, !want)
		}
	}
}

func TestCheckFields(t *testing.T) {
	for _, tc := range []struct {
		fields map[string]any
		field  string
	}{
		{nil, ""},
		{map[string]any{}, ""},
		{map[string]any{"name": "A", "email": nil, "postal_code": json.Number("310000")}, ""},
		{map[string]any{"favourite_colour": "red"}, "favourite_colour"},
		{map[string]any{"name": 7}, "name"},
		{map[string]any{"city": map[string]any{}}, "city"},
	} {
		oe := checkFields(connectors.WriteOp{Kind: connectors.OpUpsert, Fields: tc.fields})
		if got := ""; oe != nil {
			got = oe.Field
			if got != tc.field || oe.Kind != connectors.Permanent {
				t.Errorf("checkFields(%v) = %+v, want Permanent naming %q", tc.fields, oe, tc.field)
			}
		} else if tc.field != "" {
			t.Errorf("checkFields(%v) passed, want a failure naming %q", tc.fields, tc.field)
		}
	}
}

func TestChildActions(t *testing.T) {
	for _, tc := range []struct {
		existing int64
		v        any
		want     []any
	}{
		{0, nil, nil},
		{0, "", nil},
		{4, nil, []any{[]any{"delete", []any{int64(4)}}}},
		{4, "", []any{[]any{"delete", []any{int64(4)}}}},
		{4, "x", []any{[]any{"write", []any{int64(4)}, map[string]any{"value": "x"}}}},
		{0, "x", []any{[]any{"create", []any{map[string]any{"type": "email", "value": "x"}}}}},
	} {
		got := childAction(tc.existing, tc.v, map[string]any{"type": "email", "value": tc.v}, map[string]any{"value": tc.v})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("childAction(%d, %v) = %v, want %v", tc.existing, tc.v, got, tc.want)
		}
	}
}

func TestTaxIdentifierActions(t *testing.T) {
	existing := &party{taxID: 9}
	for _, tc := range []struct {
		name   string
		fields map[string]any
		cur    *party
		want   []any
		field  string
	}{
		{"absent", map[string]any{}, existing, nil, ""},
		{"cleared", map[string]any{"tax_identifier": nil}, existing, []any{[]any{"delete", []any{int64(9)}}}, ""},
		{"cleared, none", map[string]any{"tax_identifier": ""}, nil, nil, ""},
		{"rewritten", map[string]any{"tax_identifier": "X1"}, existing, []any{[]any{"write", []any{int64(9)}, map[string]any{"code": "X1"}}}, ""},
		{"created", map[string]any{"tax_identifier": "X1", "tax_identifier_type": "cn_uscc"}, nil,
			[]any{[]any{"create", []any{map[string]any{"code": "X1", "type": "cn_uscc"}}}}, ""},
		{"created without type", map[string]any{"tax_identifier": "X1"}, nil, nil, "tax_identifier_type"},
		{"type without code", map[string]any{"tax_identifier_type": "eu_vat"}, nil, nil, "tax_identifier"},
	} {
		got, oe := taxIdentifierActions(tc.fields, tc.cur)
		if tc.field != "" {
			if oe == nil || oe.Field != tc.field {
				t.Errorf("%s: %v, want a failure naming %s", tc.name, oe, tc.field)
			}
			continue
		}
		if oe != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, oe, tc.want)
		}
	}
}

func TestChildrenOrder(t *testing.T) {
	row := map[string]any{
		"addresses":  []any{json.Number("7"), json.Number("3")},
		"addresses.": []any{map[string]any{"id": json.Number("3"), "city": "B"}, map[string]any{"id": json.Number("7"), "city": "A"}},
	}
	got := children(row, "addresses")
	if len(got) != 2 || got[0]["city"] != "A" {
		t.Errorf("children = %v, want the one2many's order (7, then 3)", got)
	}
	if got := children(map[string]any{}, "addresses"); len(got) != 0 {
		t.Errorf("children of a row without addresses = %v", got)
	}
}

func TestUnconfiguredFailsCleanly(t *testing.T) {
	c := New()
	if err := c.Check(t.Context()); err == nil {
		t.Error("Check before Configure succeeded")
	}
	if _, err := c.Read(t.Context(), connectors.ReadRequest{Entity: "customer"}); err == nil {
		t.Error("Read before Configure succeeded")
	}
	if _, err := c.Write(t.Context(), connectors.WriteRequest{Entity: "customer"}); err == nil {
		t.Error("Write before Configure succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close before Configure: %v", err)
	}
}
