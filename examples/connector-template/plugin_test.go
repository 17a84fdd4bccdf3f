package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
	"github.com/accord-mdm/accord/examples/connector-template/contacts/contactstest"
	"github.com/accord-mdm/accord/plugins"
)

// TestPluginAcceptance builds this plugin and runs the acceptance suite against it through
// the plugin boundary, started exactly as Accord starts an installed plugin.
func TestPluginAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the plugin and starts a process per subtest")
	}
	bin := filepath.Join(t.TempDir(), "contacts-plugin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sum, err := plugins.FileSHA256(bin)
	if err != nil {
		t.Fatal(err)
	}
	host, err := plugins.NewHost(map[string]plugins.Launch{"contacts": {Path: bin, SHA256: sum}}, plugins.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close() })
	acceptance.Run(t, contactstest.Harness(func(testing.TB) connectors.Connector { return host.Factory("contacts")() }))
}
