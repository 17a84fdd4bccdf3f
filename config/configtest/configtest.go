// Package configtest writes configuration directories for tests.
package configtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir writes files (paths relative to the directory, such as "systems/crm.yaml") into a new
// temporary directory of t and returns it.
func Dir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, files)
	return dir
}

// Write writes files into dir, replacing those that exist.
func Write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
