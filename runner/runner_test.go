package runner_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/runner"
)

// TestStartRefusesMappingThatDoesNotCompile: a worker whose configuration has a broken
// expression does not start (and starts nothing), naming the file and line.
func TestStartRefusesMappingThatDoesNotCompile(t *testing.T) {
	dir := t.TempDir()
	configtest.Write(t, filepath.Join(dir, "config"), map[string]string{
		"golden/customer.yaml": "entity: customer\nfields:\n  name: {type: string}\n",
		"systems/crm.yaml": "connector: sqltable\nentities:\n  customer:\n    object: accounts\n    direction: inbound\n" +
			"    fields:\n      - {golden: name, expr: \"account_name +\"}\n",
	})
	n, err := runner.Start(context.Background(), runner.Options{DataDir: dir, ConfigDir: filepath.Join(dir, "config"), Worker: true})
	if err == nil {
		n.Stop()
		t.Fatal("a worker started with an expression that does not compile")
	}
	if !strings.Contains(err.Error(), "config/systems/crm.yaml:7: entities.customer: fields[0] (name): expr:") {
		t.Errorf("error %q does not name file, line and field", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, "accord.db")); serr == nil {
		t.Error("the golden store was created before the configuration was checked")
	}
}
