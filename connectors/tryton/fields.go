package tryton

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/accord-mdm/accord/connectors"
)

// writable are the customer fields a write may set.
var writable = map[string]bool{
	fName: true, fCode: true, fStreet: true, fCity: true, fPostalCode: true, fCountry: true,
	fEmail: true, fPhone: true, fTaxIdentifier: true, fTaxIDType: true,
}

// checkFields fails an upsert with a field the customer does not have or a value that is not
// text (or null), before anything is sent to Tryton.
func checkFields(op connectors.WriteOp) *connectors.OpError {
	if op.Kind != connectors.OpUpsert && op.Kind != connectors.OpDelete {
		return &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("unknown op kind %q", op.Kind)}
	}
	if op.Kind == connectors.OpDelete {
		return nil
	}
	for name, v := range op.Fields {
		if !writable[name] {
			return &connectors.OpError{Kind: connectors.Permanent, Field: name,
				Message: "customer has no such field (fields: name, code, street, city, postal_code, country, email, phone, tax_identifier, tax_identifier_type)"}
		}
		if _, err := text(v); err != nil {
			return &connectors.OpError{Kind: connectors.Permanent, Field: name, Message: err.Error()}
		}
	}
	return nil
}

// text returns a field value as text: a string, a number's exact text, or nil.
func text(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return nil, fmt.Errorf("want text or null, got %T", v)
}

// partyValues turns customer fields into the values of a party.party create (cur nil) or
// write: the first address, the first email and phone and the tax identifier are written in
// place, or created when the party has none. A null or empty email, phone or tax identifier
// removes it.
func (c *connector) partyValues(ctx context.Context, fields map[string]any, cur *party) (map[string]any, *connectors.OpError) {
	vals := map[string]any{}
	get := func(name string) (any, bool) {
		v, ok := fields[name]
		if !ok {
			return nil, false
		}
		t, _ := text(v) // checked by checkFields
		return t, true
	}
	for _, name := range []string{fName, fCode} {
		if v, ok := get(name); ok {
			vals[name] = v
		}
	}
	addr := map[string]any{}
	for _, name := range []string{fStreet, fCity, fPostalCode} {
		if v, ok := get(name); ok {
			addr[name] = v
		}
	}
	if v, ok := get(fCountry); ok {
		addr[fCountry] = nil
		if code, _ := v.(string); code != "" {
			id, found, err := c.countryID(ctx, strings.ToUpper(code))
			if err != nil {
				return nil, asOpError(err)
			}
			if !found {
				return nil, &connectors.OpError{Kind: connectors.Permanent, Field: fCountry, Message: fmt.Sprintf("no country with ISO code %q in Tryton", code)}
			}
			addr[fCountry] = id
		}
	}
	if len(addr) > 0 {
		if cur != nil && cur.address != 0 {
			vals[addressesKey] = []any{[]any{"write", []any{cur.address}, addr}}
		} else {
			vals[addressesKey] = []any{[]any{"create", []any{addr}}}
		}
	}
	var mechs []any
	for _, typ := range []string{fEmail, fPhone} {
		v, ok := get(typ)
		if !ok {
			continue
		}
		var existing int64
		if cur != nil {
			existing = map[string]int64{fEmail: cur.email, fPhone: cur.phone}[typ]
		}
		mechs = append(mechs, childAction(existing, v, map[string]any{"type": typ, "value": v}, map[string]any{"value": v})...)
	}
	if len(mechs) > 0 {
		vals[mechanismsKey] = mechs
	}
	idents, oe := taxIdentifierActions(fields, cur)
	if oe != nil {
		return nil, oe
	}
	if len(idents) > 0 {
		vals[identifiersKey] = idents
	}
	return vals, nil
}

// childAction returns the one2many action that sets a child to v: write it in place, create
// it, or, for an empty v, delete it.
func childAction(existing int64, v any, create, write map[string]any) []any {
	empty := v == nil || v == ""
	switch {
	case empty && existing != 0:
		return []any{[]any{"delete", []any{existing}}}
	case empty:
		return nil
	case existing != 0:
		return []any{[]any{"write", []any{existing}, write}}
	default:
		return []any{[]any{"create", []any{create}}}
	}
}

// taxIdentifierActions sets the party's tax identifier: its code and its Tryton type
// (cn_uscc, eu_vat, …), which Tryton checks the code against.
func taxIdentifierActions(fields map[string]any, cur *party) ([]any, *connectors.OpError) {
	code, hasCode := fields[fTaxIdentifier]
	typ, hasType := fields[fTaxIDType]
	if !hasCode && !hasType {
		return nil, nil
	}
	code, _ = text(code)
	typ, _ = text(typ)
	var existing int64
	if cur != nil {
		existing = cur.taxID
	}
	if hasCode && (code == nil || code == "") {
		return childAction(existing, nil, nil, nil), nil
	}
	write := map[string]any{}
	if hasCode {
		write["code"] = code
	}
	if hasType {
		write["type"] = typ
	}
	if existing != 0 {
		return []any{[]any{"write", []any{existing}, write}}, nil
	}
	if !hasCode {
		return nil, &connectors.OpError{Kind: connectors.Permanent, Field: fTaxIdentifier, Message: "tax_identifier_type given without tax_identifier"}
	}
	if typ == nil || typ == "" {
		return nil, &connectors.OpError{Kind: connectors.Permanent, Field: fTaxIDType, Message: "a new tax identifier needs its type (cn_uscc, eu_vat, …)"}
	}
	return []any{[]any{"create", []any{write}}}, nil
}

// asActions returns a one2many action list built so far, or an empty one.
func asActions(v any) []any {
	list, _ := v.([]any)
	return list
}
