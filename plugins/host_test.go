package plugins_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
	"github.com/accord-mdm/accord/connectors/sqltable/sqltabletest"
	"github.com/accord-mdm/accord/plugins"
)

// TestAcceptanceBuiltin runs the connector acceptance suite against sqltable as a built-in: in
// a process re-executed from this test binary, through the gRPC boundary; on SQLite and on
// PostgreSQL, which between them produce every kind of failure.
func TestAcceptanceBuiltin(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the suite starts a plugin process per subtest")
	}
	h := builtinHost(t, plugins.Options{})
	boundary := func(testing.TB) connectors.Connector { return h.Factory("sqltable")() }
	t.Run("sqlite", func(t *testing.T) { acceptance.Run(t, sqltabletest.SQLite().Harness(t, boundary)) })
	t.Run("postgres", func(t *testing.T) { acceptance.Run(t, sqltabletest.Postgres(t).Harness(t, boundary)) })
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestRoundTrip uses every method of a third-party plugin binary: exact numbers both ways,
// classified op failures and the contract's sentinel errors across the boundary.
func TestRoundTrip(t *testing.T) {
	ctx := ctxFor(t)
	h, _ := pluginHost(t, plugins.Options{})
	var systems sqliteSystems
	c := h.Factory("testplugin")()
	defer c.Close()

	spec := c.Spec()
	if spec.Name != "testplugin" || spec.Version != "0.0.1" || !spec.Capabilities.Write || spec.Capabilities.MaxBatch != 5000 {
		t.Errorf("Spec = %+v", spec)
	}
	err := c.Configure(ctx, json.RawMessage(`{"driver": "oracle"}`))
	if !errors.Is(err, connectors.ErrInvalidConfig) {
		t.Errorf("Configure(bad driver) = %v, want ErrInvalidConfig", err)
	}
	settings := systems.settings(t, nil)
	if err := c.Configure(ctx, settings); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	if err := c.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
	if cat, err := c.Discover(ctx); err != nil || len(cat.Entities) == 0 || cat.Entities[0].Name != entity {
		t.Errorf("Discover = %+v, %v", cat, err)
	}

	note := json.Number("0.123456789012345678901234567891") // into a TEXT column: read back as text
	ops := []connectors.WriteOp{
		{Kind: connectors.OpUpsert, CreateKey: "k1", Fields: map[string]any{"name": "Ann", "score": json.Number("9007199254740993"), "note": string(note)}},
		{Kind: connectors.OpUpsert, CreateKey: "k2", Fields: map[string]any{"favourite_colour": "red"}},
		{Kind: connectors.OpUpsert, CreateKey: "k3", Fields: map[string]any{"bad": make(chan int)}},
	}
	resp, err := c.Write(ctx, connectors.WriteRequest{Entity: entity, Ops: ops})
	if err != nil || len(resp.Results) != 3 {
		t.Fatalf("Write = %+v, %v", resp, err)
	}
	if r := resp.Results[0]; r.Err != nil || r.ExternalID != "k1" || r.Version == "" {
		t.Errorf("create result = %+v", r)
	}
	if e := resp.Results[1].Err; e == nil || e.Kind != connectors.Permanent || e.Field != "favourite_colour" {
		t.Errorf("unknown field result = %+v, want Permanent naming the field", e)
	}
	if e := resp.Results[2].Err; e == nil || e.Kind != connectors.Permanent {
		t.Errorf("unencodable op result = %+v, want Permanent", e)
	}

	page, err := c.Read(ctx, connectors.ReadRequest{Entity: entity, Limit: 10})
	if err != nil || len(page.Records) != 1 {
		t.Fatalf("Read = %+v, %v", page, err)
	}
	rec := page.Records[0]
	if rec.Fields["score"] != json.Number("9007199254740993") || rec.Fields["note"] != string(note) || rec.UpdatedAt.Location() != time.UTC {
		t.Errorf("read back %+v", rec)
	}
	_, err = c.Read(ctx, connectors.ReadRequest{Entity: "nope"})
	if !errors.Is(err, connectors.ErrUnknownEntity) {
		t.Errorf("Read(unknown entity) = %v, want ErrUnknownEntity", err)
	}
	var re *plugins.RemoteError
	if !errors.As(err, &re) {
		t.Errorf("Read(unknown entity) = %T, want a *plugins.RemoteError in the chain", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := c.Read(ctx, connectors.ReadRequest{Entity: entity}); err == nil || connectors.KindOf(err) != connectors.Permanent {
		t.Errorf("Read after Close = %v, want a Permanent error", err)
	}
}

// TestNotConfigured: calls before Configure fail Permanent; a connector never started closes.
func TestNotConfigured(t *testing.T) {
	h, _ := pluginHost(t, plugins.Options{})
	c := h.Factory("testplugin")()
	if err := c.Check(ctxFor(t)); connectors.KindOf(err) != connectors.Permanent {
		t.Errorf("Check before Configure = %v, want Permanent", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := h.Factory("nosuch")().Check(ctxFor(t)); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown connector: %v", err)
	}
}

// TestChecksumMismatch: an executable altered after it was recorded is refused before it
// runs, naming the file and both checksums.
func TestChecksumMismatch(t *testing.T) {
	h, path := pluginHost(t, plugins.Options{})
	want, _ := plugins.FileSHA256(path)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.Write([]byte("tampered"))
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	got, _ := plugins.FileSHA256(path)
	c := h.Factory("testplugin")()
	defer c.Close()
	err = c.Configure(ctxFor(t), json.RawMessage(`{}`))
	var ce *plugins.ChecksumError
	if !errors.As(err, &ce) || ce.Path != path || ce.Want != want || ce.Got != got {
		t.Fatalf("Configure = %v, want a ChecksumError for %s (%s, %s)", err, path, want, got)
	}
	for _, s := range []string{path, want, got} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	if connectors.KindOf(err) != connectors.Permanent {
		t.Errorf("checksum mismatch classified %s, want permanent", connectors.KindOf(err))
	}
}

// TestEnvAllowList: the plugin sees none of the host's environment but what is allow-listed.
func TestEnvAllowList(t *testing.T) {
	t.Setenv("ACCORD_TEST_SECRET", "s3cret")
	t.Setenv("ACCORD_TEST_ALLOWED", "fine")
	var systems sqliteSystems
	h, _ := pluginHost(t, plugins.Options{}, "ACCORD_TEST_ALLOWED")
	env := processOf(t, h, systems.settings(t, nil)).env
	if _, ok := env["ACCORD_TEST_SECRET"]; ok {
		t.Error("the plugin sees ACCORD_TEST_SECRET, which is not allow-listed")
	}
	for _, k := range []string{"PATH", "HOME", "USER"} {
		if _, ok := env[k]; ok && os.Getenv(k) != "" {
			t.Errorf("the plugin sees the host's %s", k)
		}
	}
	if env["ACCORD_TEST_ALLOWED"] != "fine" {
		t.Errorf("the plugin does not see the allow-listed ACCORD_TEST_ALLOWED: %v", env)
	}
	if env[plugins.EnvMaxMessageBytes] != strconv.Itoa(plugins.DefaultMaxMessageBytes) {
		t.Errorf("%s = %q", plugins.EnvMaxMessageBytes, env[plugins.EnvMaxMessageBytes])
	}

	h2, _ := pluginHost(t, plugins.Options{}, "ACCORD_TEST_SECRET")
	if got := processOf(t, h2, systems.settings(t, nil)).env["ACCORD_TEST_SECRET"]; got != "s3cret" {
		t.Errorf("allow-listed ACCORD_TEST_SECRET = %q in the plugin", got)
	}
}

// process is what the test plugin reports about its process through Discover.
type process struct {
	pid int
	env map[string]string
}

// processOf configures a testplugin connector of h with settings and returns its process.
func processOf(t *testing.T, h *plugins.Host, settings json.RawMessage) process {
	t.Helper()
	c := h.Factory("testplugin")()
	defer c.Close()
	if err := c.Configure(ctxFor(t), settings); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return discoverProcess(t, c)
}

// discoverProcess reads the "_process" entity the test plugin adds to its catalog.
func discoverProcess(t *testing.T, c connectors.Connector) process {
	t.Helper()
	cat, err := c.Discover(ctxFor(t))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	p := process{env: map[string]string{}}
	for _, e := range cat.Entities {
		if e.Name != "_process" {
			continue
		}
		for _, f := range e.Fields {
			if pid, ok := strings.CutPrefix(f.Name, "pid="); ok {
				p.pid, _ = strconv.Atoi(pid)
			} else if kv, ok := strings.CutPrefix(f.Name, "env:"); ok {
				k, v, _ := strings.Cut(kv, "=")
				p.env[k] = v
			}
		}
	}
	if p.pid == 0 {
		t.Fatalf("no _process entity in the catalog: %+v", cat)
	}
	return p
}
