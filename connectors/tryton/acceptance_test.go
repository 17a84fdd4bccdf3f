package tryton_test

import (
	"os"
	"testing"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
	"github.com/accord-mdm/accord/connectors/tryton"
	"github.com/accord-mdm/accord/connectors/tryton/trytontest"
	"github.com/accord-mdm/accord/plugins"
)

// TestMain makes the test binary a plugin as well (started as `<test binary> connector serve
// tryton`, it serves the connector), and starts a throwaway Tryton for the tests.
func TestMain(m *testing.M) {
	plugins.ServeIfLaunched(connectors.Registry{"tryton": tryton.New})
	trytontest.Main(m)
}

// TestAcceptance runs the connector acceptance suite against a real Tryton, each system a
// database of its own: in process, and through the plugin boundary in a process re-executed
// from this test binary, as accord runs its built-ins.
func TestAcceptance(t *testing.T) {
	systems := trytontest.NewSystems(t)
	t.Run("in_process", func(t *testing.T) {
		acceptance.Run(t, systems.Harness(t, func(testing.TB) connectors.Connector { return tryton.New() }))
	})
	t.Run("plugin", func(t *testing.T) {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		launches, err := plugins.Builtins(exe, []string{"tryton"})
		if err != nil {
			t.Fatal(err)
		}
		host, err := plugins.NewHost(launches, plugins.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := host.Close(); err != nil {
				t.Errorf("Host.Close: %v", err)
			}
		})
		acceptance.Run(t, systems.Harness(t, func(testing.TB) connectors.Connector { return host.Factory("tryton")() }))
	})
}
