package config_test

import (
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
)

// TestMatchOrFrom: or_from names a field and goes with compare place only.
func TestMatchOrFrom(t *testing.T) {
	golden := func(rules string) map[string]string {
		return map[string]string{
			"golden/customer.yaml": `entity: customer
fields: {name: {}, city: {}, tax_id: {}}
match:
  blocking:
    - {kind: name2, of: [{field: name, use: company_name_key, length: 2}]}
  rules:
` + rules,
			"systems/crm.yaml": "connector: sqltable\nentities:\n  customer:\n    object: accounts\n    fields:\n      - {golden: name, from: name}\n",
		}
	}
	dir := configtest.Dir(t, golden(`    - {field: name, compare: company_name, weight: 0.5, or_from: tax_id}
    - {field: city, compare: place, weight: 0.2, or_from: vat}
`))
	_, err := config.Load(dir)
	for _, want := range []string{
		`customer.yaml:7: match rule 0 (name): or_from "tax_id" must be a field, and the rule compare place`,
		`customer.yaml:8: match rule 1 (city): or_from "vat" must be a field`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	configtest.Write(t, dir, golden(`    - {field: city, compare: place, weight: 0.2, or_from: tax_id}
    - {field: tax_id, compare: tax_id, veto: true}
`))
	if _, err := config.Load(dir); err != nil {
		t.Fatal(err)
	}
}
