package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// demoStore is a copy of the demo's configuration, loaded, and a fresh golden store under
// dataDir with the customer engine: what CLI tests ingest records into before running a
// command. The caller closes s (the commands open the store themselves).
func demoStore(t *testing.T) (dataDir, cfgDir string, cfg *config.Config, s *store.Store, engine *master.Engine) {
	t.Helper()
	dataDir = t.TempDir()
	cfgDir = copyDir(t, "../../examples/demo")
	cfg, err := config.Load(cfgDir)
	if err != nil {
		t.Fatal(err)
	}
	if s, err = store.Open(context.Background(), filepath.Join(dataDir, "accord.db")); err != nil {
		t.Fatal(err)
	}
	if engine, err = master.NewEngine(cfg, "customer"); err != nil {
		t.Fatal(err)
	}
	return dataDir, cfgDir, cfg, s, engine
}
