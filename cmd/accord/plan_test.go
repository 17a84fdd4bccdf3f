package main

import (
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config/configtest"
)

// TestPlan checks that plan passes the demo's configuration, showing what it syncs, and that it
// reports every problem of a broken one at its file and line, expressions included, which a
// load alone does not compile.
func TestPlan(t *testing.T) {
	out, err := runAccord(t, "plan", "-f", "../../examples/demo")
	if err != nil {
		t.Fatalf("plan of the demo configuration: %v\n%s", err, out)
	}
	for _, want := range []string{"OK (version ", "golden customer: 8 fields, match keys tax_id, email, phone", "classification from order, invoice",
		"finance    sqltable   customer   billing_accounts   both      false"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}

	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {type: string}\n  email: {type: string}\n",
		"systems/crm.yaml": `connector: sqltable
entities:
  customer:
    object: accounts
    fields:
      - {golden: name, expr: "upper(account_name", direction: inbound}
      - {golden: email, from: email, to_expr: "lower(", to: email}
`})
	out, err = runAccord(t, "plan", "-f", dir)
	if err == nil || !strings.Contains(err.Error(), "2 problem(s)") {
		t.Errorf("plan of a broken configuration = %v, want 2 problems\n%s", err, out)
	}
	for _, want := range []string{
		"/systems/crm.yaml:6: entities.customer: fields[0] (name): expr: ",
		"/systems/crm.yaml:7: entities.customer: fields[1] (email): to_expr: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}

// TestPlanOutboundExpressions: outbound expressions are type-checked against the golden model,
// whose fields are text: an unknown field and text used as a number are errors at their line;
// a well-typed expression passes.
func TestPlanOutboundExpressions(t *testing.T) {
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {type: string}\n  city: {type: string}\n  limit: {type: decimal, scale: 2}\n",
		"systems/erp.yaml": `connector: sqltable
entities:
  customer:
    object: customers
    direction: outbound
    fields:
      - {golden: name, to: label, to_expr: "name + ' (' + cty + ')'"}
      - {golden: limit, to: limit_x2, to_expr: "limit * 2"}
      - {golden: city, to: city_upper, to_expr: "upper(city) + ' ' + name"}
`})
	out, err := runAccord(t, "plan", "-f", dir)
	if err == nil || !strings.Contains(err.Error(), "2 problem(s)") {
		t.Fatalf("plan = %v, want 2 problems\n%s", err, out)
	}
	for _, want := range []string{
		"/systems/erp.yaml:7: entities.customer: fields[0] (name): to_expr: unknown name cty",
		"/systems/erp.yaml:8: entities.customer: fields[1] (limit): to_expr: invalid operation: * (mismatched types string and int)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "fields[2]") {
		t.Errorf("a well-typed expression was refused:\n%s", out)
	}
}

// TestPlanTypeMismatch: a value map whose golden values do not fit the golden field's type,
// and a default that does not, are configuration errors at the field's line.
func TestPlanTypeMismatch(t *testing.T) {
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  tier: {type: enum, values: [high, mid, low]}\n  limit: {type: decimal, scale: 2}\n",
		"systems/erp.yaml": `connector: sqltable
value_maps:
  tiers:
    values: {A: high, B: medium}
entities:
  customer:
    object: customers
    direction: inbound
    fields:
      - {golden: tier, from: grade, value_map: tiers}
      - {golden: limit, from: credit, default: "1,000"}
`})
	out, err := runAccord(t, "plan", "-f", dir)
	if err == nil || !strings.Contains(err.Error(), "2 problem(s)") {
		t.Errorf("plan = %v, want 2 problems\n%s", err, out)
	}
	for _, want := range []string{
		`erp.yaml:10: entities.customer: fields[0] (tier): value_map tiers value B does not fit the golden field's type enum: "medium" is not one of high, mid, low`,
		`erp.yaml:11: entities.customer: fields[1] (limit): default does not fit the golden field's type decimal`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}

// TestPlanLookups: a lookup names one kind, an object lookup its value field, a cross-reference
// an entity the system holds; each problem is reported at the field's line.
func TestPlanLookups(t *testing.T) {
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {}\n  owner: {}\n  parent: {}\n",
		"systems/crm.yaml": `connector: sqltable
entities:
  customer:
    object: accounts
    fields:
      - {golden: name, from: name}
      - {golden: owner, from: owner_id, lookup: {object: users}}
      - {golden: parent, from: parent_id, lookup: {xref: order, missing: skip}}
      - {golden: owner, from: owner2, lookup: {object: users, value: email, xref: customer}}
`})
	out, err := runAccord(t, "plan", "-f", dir)
	if err == nil || !strings.Contains(err.Error(), "4 problem(s)") {
		t.Fatalf("plan = %v, want 4 problems\n%s", err, out)
	}
	for _, want := range []string{
		`/systems/crm.yaml:7: entities.customer: fields[1] (owner): lookup: object users needs value: the field of its rows the golden record keeps`,
		`/systems/crm.yaml:8: entities.customer: fields[2] (parent): lookup: xref "order" is not a golden entity`,
		`/systems/crm.yaml:8: entities.customer: fields[2] (parent): lookup: missing "skip" is not reject or absent`,
		`/systems/crm.yaml:9: entities.customer: fields[3] (owner): lookup: set exactly one of object (a table of the system) or xref (a golden entity)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}
