package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
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
