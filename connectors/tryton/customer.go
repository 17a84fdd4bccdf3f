package tryton

import (
	"context"
	"fmt"
	"strconv"

	"github.com/accord-mdm/accord/connectors"
)

// A customer is a party.party, flattened: its first active address, its first active email
// and phone, and its tax identifier. The parties of the company itself and of its employees
// are not customers and are never read.

// Customer fields.
const (
	fName, fCode                = "name", "code"
	fStreet, fCity, fPostalCode = "street", "city", "postal_code"
	fCountry, fEmail, fPhone    = "country", "email", "phone"
	fTaxIdentifier, fTaxIDType  = "tax_identifier", "tax_identifier_type"
	customerKeyPrefix           = "accord:" // party identifier code that holds a create's key
	addressesKey, mechanismsKey = "addresses", "contact_mechanisms"
	identifiersKey              = "identifiers"
)

var customerEntity = &entity{
	name:  "customer",
	model: "party.party",
	fields: []connectors.FieldInfo{
		{Name: fName, Type: "string"}, {Name: fCode, Type: "string", Nullable: true},
		{Name: fStreet, Type: "string", Nullable: true}, {Name: fCity, Type: "string", Nullable: true},
		{Name: fPostalCode, Type: "string", Nullable: true}, {Name: fCountry, Type: "string", Nullable: true},
		{Name: fEmail, Type: "string", Nullable: true}, {Name: fPhone, Type: "string", Nullable: true},
		{Name: fTaxIdentifier, Type: "string", Nullable: true}, {Name: fTaxIDType, Type: "string", Nullable: true},
	},
	read: []string{"id", "name", "code", "active", "create_date", "write_date", "_timestamp",
		addressesKey, "addresses.street", "addresses.city", "addresses.postal_code", "addresses.country",
		"addresses.active", "addresses.create_date", "addresses.write_date",
		mechanismsKey, "contact_mechanisms.type", "contact_mechanisms.value", "contact_mechanisms.active",
		"contact_mechanisms.create_date", "contact_mechanisms.write_date",
		identifiersKey, "identifiers.type", "identifiers.code", "identifiers.create_date", "identifiers.write_date",
		"tax_identifier"},
	childModels: []string{"party.address", "party.contact_mechanism", "party.identifier"},
	children:    []string{addressesKey, mechanismsKey, identifiersKey},
	// Archived parties are read too, as deleted records.
	context: map[string]any{"active_test": false},
	domain:  customerDomain,
	convert: customerRecord,
}

// customerDomain excludes the parties of companies and employees.
func customerDomain(ctx context.Context, c *connector) ([]any, error) {
	internal := []any{}
	for _, model := range []string{"company.company", "company.employee"} {
		var rows []map[string]any
		params := []any{[]any{}, 0, nil, nil, []string{"party"}}
		if err := c.rpc.call(ctx, "model."+model+".search_read", params, map[string]any{"active_test": false}, &rows); err != nil {
			return nil, fmt.Errorf("list parties of %s: %w", model, err)
		}
		for _, r := range rows {
			if id, ok := idOf(r["party"]); ok {
				internal = append(internal, id)
			}
		}
	}
	return []any{[]any{"id", "not in", internal}}, nil
}

// party is what a write needs to know of a party as it is.
type party struct {
	id        int64
	timestamp string
	active    bool
	address   int64 // first active address, 0 if none
	email     int64 // first active email mechanism, 0 if none
	phone     int64
	taxID     int64 // the tax identifier, 0 if none
}

// parseParty reads what a write needs from a customer row.
func parseParty(row map[string]any) party {
	p := party{timestamp: str(row["_timestamp"])}
	p.id, _ = idOf(row["id"])
	p.active = truth(row["active"])
	if a := firstActive(children(row, addressesKey)); a != nil {
		p.address, _ = idOf(a["id"])
	}
	mechs := children(row, mechanismsKey)
	if m := firstOfType(mechs, "email"); m != nil {
		p.email, _ = idOf(m["id"])
	}
	if m := firstOfType(mechs, "phone"); m != nil {
		p.phone, _ = idOf(m["id"])
	}
	p.taxID, _ = idOf(row["tax_identifier"])
	return p
}

// customerRecord converts a party row.
func customerRecord(ctx context.Context, c *connector, row map[string]any) (connectors.Record, error) {
	id, ok := idOf(row["id"])
	if !ok {
		return connectors.Record{}, fmt.Errorf("party without an id")
	}
	at, err := updatedAt(row, addressesKey, mechanismsKey, identifiersKey)
	if err != nil {
		return connectors.Record{}, fmt.Errorf("party %d: %w", id, err)
	}
	f := map[string]any{fName: row["name"], fCode: row["code"], fStreet: nil, fCity: nil, fPostalCode: nil,
		fCountry: nil, fEmail: nil, fPhone: nil, fTaxIdentifier: nil, fTaxIDType: nil}
	if a := firstActive(children(row, addressesKey)); a != nil {
		f[fStreet], f[fCity], f[fPostalCode] = a["street"], a["city"], a["postal_code"]
		if cid, ok := idOf(a["country"]); ok {
			code, err := c.countryCode(ctx, cid)
			if err != nil {
				return connectors.Record{}, err
			}
			f[fCountry] = code
		}
	}
	mechs := children(row, mechanismsKey)
	if m := firstOfType(mechs, "email"); m != nil {
		f[fEmail] = m["value"]
	}
	if m := firstOfType(mechs, "phone"); m != nil {
		f[fPhone] = m["value"]
	}
	if tid, ok := idOf(row["tax_identifier"]); ok {
		for _, ident := range children(row, identifiersKey) {
			if i, _ := idOf(ident["id"]); i == tid {
				f[fTaxIdentifier], f[fTaxIDType] = ident["code"], ident["type"]
			}
		}
	}
	active := truth(row["active"])
	return connectors.Record{ID: strconv.FormatInt(id, 10), Fields: f, UpdatedAt: at,
		Version: at.Format(versionLayout), Deleted: !active}, nil
}

func firstActive(rows []map[string]any) map[string]any {
	for _, r := range rows {
		if truth(r["active"]) {
			return r
		}
	}
	return nil
}

func firstOfType(rows []map[string]any, typ string) map[string]any {
	for _, r := range rows {
		if truth(r["active"]) && str(r["type"]) == typ {
			return r
		}
	}
	return nil
}
