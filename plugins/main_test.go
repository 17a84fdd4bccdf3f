package plugins_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/plugins"
)

// TestMain makes the test binary a built-in plugin host and plugin at once, as the accord
// binary is: started as `<test binary> connector serve <name>`, it serves that connector (see
// builtinHost). After the tests, no goroutine may be left.
func TestMain(m *testing.M) {
	plugins.ServeIfLaunched(connectors.Registry{"sqltable": sqltable.New})
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if built.dir != "" {
			_ = os.RemoveAll(built.dir)
		}
		os.Exit(code)
	}))
}

// built is the test plugin binary, built once per test binary.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// testPlugin builds plugins/internal/testplugin (once) and returns a copy of it in a temporary
// directory of t, so a test may alter or install its copy.
func testPlugin(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "accord-testplugin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "testplugin")
		out, err := exec.Command("go", "build", "-o", built.path, "github.com/accord-mdm/accord/plugins/internal/testplugin").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build testplugin: %w\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	dst := filepath.Join(t.TempDir(), "testplugin")
	raw, err := os.ReadFile(built.path)
	if err == nil {
		err = os.WriteFile(dst, raw, 0o755)
	}
	if err != nil {
		t.Fatalf("copy testplugin: %v", err)
	}
	return dst
}

// builtinHost is a host whose "sqltable" is the built-in of this test binary, re-executed as
// `connector serve sqltable` and checked against the checksum of the running executable, as
// the accord binary runs its built-ins.
func builtinHost(t testing.TB, opts plugins.Options) *plugins.Host {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	launches, err := plugins.Builtins(exe, []string{"sqltable"})
	if err != nil {
		t.Fatal(err)
	}
	return newHost(t, launches, opts)
}

// pluginHost is a host whose "testplugin" is a fresh copy of the test plugin binary.
func pluginHost(t testing.TB, opts plugins.Options, env ...string) (*plugins.Host, string) {
	t.Helper()
	path := testPlugin(t)
	sum, err := plugins.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return newHost(t, map[string]plugins.Launch{"testplugin": {Path: path, SHA256: sum, Env: env}}, opts), path
}

func newHost(t testing.TB, launches map[string]plugins.Launch, opts plugins.Options) *plugins.Host {
	t.Helper()
	h, err := plugins.NewHost(launches, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Errorf("Host.Close: %v", err)
		}
	})
	return h
}
