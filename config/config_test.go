package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/config/configtest"
)

func TestLoadDemo(t *testing.T) {
	c, err := config.Load("../examples/demo")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.SystemNames(), ","); got != "crm,erp,finance" {
		t.Fatalf("systems %s", got)
	}
	if got := strings.Join(c.Targets("customer"), ","); got != "crm,erp,finance" {
		t.Fatalf("targets %s", got)
	}
	_, b, err := c.Binding("finance", "customer")
	if err != nil || b.Creates() {
		t.Fatalf("finance must not create: %+v %v", b, err)
	}
	if c.Hash == "" {
		t.Fatal("no content hash")
	}
}

// TestLoadNamesEveryError checks that one load reports every problem with its file and line.
func TestLoadNamesEveryError(t *testing.T) {
	_, err := config.Load("testdata/bad")
	if err == nil {
		t.Fatal("bad configuration loaded")
	}
	for _, want := range []string{
		"testdata/bad/golden/customer.yaml:6: match key \"email\" uses unknown field \"email\"",
		"testdata/bad/systems/erp.yaml:2: field entitys not found",
		"testdata/bad/systems/crm.yaml:6: entities.customer: direction \"sideways\"",
		"testdata/bad/systems/crm.yaml:8: entities.customer: fields[0] (name): unknown standardizer",
		"testdata/bad/systems/crm.yaml:9: entities.customer: fields[1]: unknown golden field \"nickname\"",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestSecretReferences(t *testing.T) {
	dir := t.TempDir()
	secret := dir + "/pw"
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ACCORD_TEST_HOST", "db.internal")
	s := &config.System{Name: "erp", Settings: map[string]any{
		"dsn":    "postgres://u:${file:" + secret + "}@${env:ACCORD_TEST_HOST}/erp",
		"nested": map[string]any{"list": []any{"${env:ACCORD_TEST_HOST}", 3}},
	}}
	b, err := s.SettingsJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"dsn":"postgres://u:s3cret@db.internal/erp"`; !strings.Contains(string(b), want) {
		t.Fatalf("got %s", b)
	}
	s.Settings = map[string]any{"dsn": "${env:ACCORD_TEST_UNSET_VAR}"}
	if _, err := s.SettingsJSON(); err == nil || !strings.Contains(err.Error(), "settings.dsn: environment variable ACCORD_TEST_UNSET_VAR is not set") {
		t.Fatalf("unset variable: %v", err)
	}
}

// TestValueMaps loads a system with value maps: a field's map is resolved, and each mistake is
// reported at its line.
func TestValueMaps(t *testing.T) {
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  status: {type: string}\n  group: {type: string}\n"})
	write := func(name, body string) { configtest.Write(t, dir, map[string]string{name: body}) }
	good := `connector: sqltable
value_maps:
  status:
    values: {A: active, ACT: active, I: inactive}
    outbound: {active: A}
entities:
  customer:
    object: accounts
    fields:
      - {golden: status, from: status, value_map: status}
`
	write("systems/crm.yaml", good)
	c, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := c.Systems["crm"].Entities["customer"].Fields[0]
	if f.ValueMapDef == nil || f.ValueMapDef.Values["ACT"] != "active" || f.ValueMapDef.Unknown != config.UnknownReject {
		t.Errorf("value map not resolved with its default policy: %+v", f.ValueMapDef)
	}

	write("systems/crm.yaml", `connector: sqltable
value_maps:
  status:
    values: {A: active, ACT: active}
  group:
    values: {V: vip}
    unknown: drop
  tier:
    values: {H: high}
    unknown: default
entities:
  customer:
    object: accounts
    fields:
      - {golden: status, from: status, value_map: status}
      - {golden: group, from: grp, value_map: groups}
`)
	_, err = config.Load(dir)
	for _, want := range []string{
		`crm.yaml:15: entities.customer: fields[0] (status): value_map status maps [A ACT] all to "active": say which to write in its outbound`,
		`crm.yaml:16: entities.customer: fields[1] (group): unknown value_map "groups" (value_maps: [group status tier])`,
		`crm.yaml:7: value_maps.group: unknown "drop" is not reject, keep or default`,
		`crm.yaml:9: value_maps.tier: unknown: default needs a default`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestFieldTypes: golden field types, scales, enum values and binding time zones are checked at
// load, each at its line; a field's declaration reaches its mapping.
func TestFieldTypes(t *testing.T) {
	dir := configtest.Dir(t, map[string]string{
		"golden/customer.yaml": `entity: customer
fields:
  amount: {type: decimal, scale: 2}
  level: {type: enum}
  size: {type: huge}
  name: {type: string, scale: 2}
`,
		"systems/crm.yaml": `connector: sqltable
entities:
  customer:
    object: accounts
    timezone: Mars/Olympus
    fields:
      - {golden: amount, from: amount}
`,
	})
	_, err := config.Load(dir)
	for _, want := range []string{
		`customer.yaml:4: field level: an enum needs values`,
		`customer.yaml:5: field size: type "huge" is not one of`,
		`customer.yaml:6: field name: scale is for decimal fields`,
		`crm.yaml:5: entities.customer: timezone "Mars/Olympus"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	configtest.Write(t, dir, map[string]string{"golden/customer.yaml": "entity: customer\nfields:\n  amount: {type: decimal, scale: 2}\n",
		"systems/crm.yaml": "connector: sqltable\nentities:\n  customer:\n    object: accounts\n    fields:\n      - {golden: amount, from: amount}\n"})
	c, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Systems["crm"].Entities["customer"]
	if d := b.Fields[0].GoldenDef; d == nil || d.Type != config.TypeDecimal || *d.Scale != 2 || b.Timezone != "UTC" {
		t.Errorf("field declaration %+v, timezone %q", d, b.Timezone)
	}
}
