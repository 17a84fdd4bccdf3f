package plugins_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/plugins"
)

// TestInstallAndList installs the test plugin, lists it and runs it from the manifest.
func TestInstallAndList(t *testing.T) {
	ctx := ctxFor(t)
	dir := filepath.Join(t.TempDir(), "plugins")
	if got, err := plugins.List(dir); err != nil || len(got) != 0 {
		t.Fatalf("List(no manifest) = %v, %v; want none", got, err)
	}
	bin := testPlugin(t)
	e, err := plugins.Install(ctx, dir, bin, plugins.InstallOptions{Env: []string{"ACCORD_TEST_ALLOWED"}})
	if err != nil {
		t.Fatalf("Install: %v", err)
	}
	sum, _ := plugins.FileSHA256(bin)
	if e.Name != "testplugin" || e.Version != "0.0.1" || e.SHA256 != sum || e.Path != "testplugin-0.0.1" ||
		!e.Capabilities.Write || e.Capabilities.MaxBatch != 5000 {
		t.Errorf("entry = %+v", e)
	}
	if err := e.Verify(dir); err != nil {
		t.Errorf("Verify: %v", err)
	}
	list, err := plugins.List(dir)
	if err != nil || len(list) != 1 || list[0].Name != "testplugin" || list[0].Env[0] != "ACCORD_TEST_ALLOWED" {
		t.Fatalf("List = %+v, %v", list, err)
	}

	// Installing again replaces the entry rather than adding one.
	if _, err := plugins.Install(ctx, dir, bin, plugins.InstallOptions{}); err != nil {
		t.Fatalf("reinstall: %v", err)
	}
	if list, _ := plugins.List(dir); len(list) != 1 || len(list[0].Env) != 0 {
		t.Errorf("after reinstall List = %+v", list)
	}

	launches, err := plugins.Installed(dir)
	if err != nil {
		t.Fatal(err)
	}
	var systems sqliteSystems
	h := newHost(t, launches, plugins.Options{})
	if p := processOf(t, h, systems.settings(t, nil)); p.pid == 0 {
		t.Error("installed plugin did not run")
	}

	if _, err := plugins.Install(ctx, dir, bin, plugins.InstallOptions{Reserved: []string{"testplugin"}}); err == nil ||
		!strings.Contains(err.Error(), "built-in") {
		t.Errorf("Install of a reserved name = %v, want a refusal", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".install-*")); len(leftovers) != 0 {
		t.Errorf("Install left temporary files: %v", leftovers)
	}
}

// TestInstallRefusesNonPlugin: a binary that is not an Accord plugin is not installed.
func TestInstallRefusesNonPlugin(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "hello.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := plugins.Install(ctxFor(t), filepath.Join(dir, "plugins"), script, plugins.InstallOptions{})
	if err == nil {
		t.Fatal("Install of a shell script succeeded")
	}
	if list, _ := plugins.List(filepath.Join(dir, "plugins")); len(list) != 0 {
		t.Errorf("refused install was listed: %+v", list)
	}
}

// TestManifestRejectsGarbage: a manifest that is not what Install writes is an error naming it.
func TestManifestRejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	for _, body := range []string{`{`, `{"version": 2, "plugins": []}`, `{"version": 1, "plugins": [{"name": "a"}, {"name": "a"}]}`,
		`{"version": 1, "extra": true}`} {
		if err := os.WriteFile(filepath.Join(dir, plugins.ManifestFile), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := plugins.List(dir); err == nil || !strings.Contains(err.Error(), "manifest") {
			t.Errorf("List(%s) = %v, want an error about the manifest", body, err)
		}
	}
	raw, _ := json.Marshal(map[string]any{"version": 1, "plugins": []any{}})
	_ = os.WriteFile(filepath.Join(dir, plugins.ManifestFile), raw, 0o644)
	if got, err := plugins.List(dir); err != nil || len(got) != 0 {
		t.Errorf("empty manifest: %v, %v", got, err)
	}
}
