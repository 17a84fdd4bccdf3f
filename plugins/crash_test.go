package plugins_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/plugins"
)

// blocking returns settings for a fresh system whose first call of method blocks forever
// (see the test plugin), and the file the blocked process writes its PID to.
func blocking(t *testing.T, systems *sqliteSystems, method string) (json.RawMessage, string) {
	dir := t.TempDir()
	signal := filepath.Join(dir, "pid")
	return systems.settings(t, map[string]any{"test": map[string]string{
		"block": method, "once": filepath.Join(dir, "once"), "signal": signal}}), signal
}

// blockingPlugin is a configured test-plugin connector, from a host with opts, on a fresh
// system whose first call of method blocks (see blocking); closed at t's cleanup.
func blockingPlugin(t *testing.T, opts plugins.Options, method string) (connectors.Connector, json.RawMessage, string) {
	t.Helper()
	var systems sqliteSystems
	h, _ := pluginHost(t, opts)
	settings, signal := blocking(t, &systems, method)
	c := h.Factory("testplugin")()
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Configure(ctxFor(t), settings); err != nil {
		t.Fatal(err)
	}
	return c, settings, signal
}

// waitPID waits for the blocked process to write its PID to signal.
func waitPID(t *testing.T, signal string) int {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if raw, err := os.ReadFile(signal); err == nil {
			pid, err := strconv.Atoi(string(raw))
			if err != nil {
				t.Fatalf("pid file: %v", err)
			}
			return pid
		}
	}
	t.Fatal("the plugin never blocked")
	return 0
}

// noLeaks checks, after every other cleanup of t (the host's, the test's database handles),
// that no goroutine started since is left.
func noLeaks(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
}

// alive reports whether a process pid exists (a zombie counts: it was not reaped).
func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}

// creates are n creates keyed by CreateKey, so that a retry must not create them again.
func creates(n int) []connectors.WriteOp {
	ops := make([]connectors.WriteOp, n)
	for i := range ops {
		ops[i] = connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: fmt.Sprintf("k%03d", i), Fields: fields(i)}
	}
	return ops
}

// wantRetryable checks that err is a Retryable failure.
func wantRetryable(t *testing.T, what string, err error) {
	t.Helper()
	var oe *connectors.OpError
	if err == nil || connectors.KindOf(err) != connectors.Retryable || !errors.As(err, &oe) {
		t.Fatalf("%s = %v, want an error wrapping a Retryable *connectors.OpError", what, err)
	}
}

// TestKilledDuringRead: kill -9 of the plugin during Read fails the Read Retryable; the next
// Read runs on a fresh, re-configured process.
func TestKilledDuringRead(t *testing.T) {
	noLeaks(t)
	c, settings, signal := blockingPlugin(t, plugins.Options{}, "Read")
	ctx := ctxFor(t)
	seed(t, settings, 3)

	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(ctx, connectors.ReadRequest{Entity: entity})
		errc <- err
	}()
	pid := waitPID(t, signal)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wantRetryable(t, "Read of a killed plugin", <-errc)
	if alive(pid) {
		t.Errorf("killed process %d still exists (not reaped)", pid)
	}
	page, err := c.Read(ctx, connectors.ReadRequest{Entity: entity})
	if err != nil || len(page.Records) != 3 {
		t.Fatalf("Read after the crash = %d records, %v; want 3", len(page.Records), err)
	}
	if p := discoverProcess(t, c); p.pid == pid {
		t.Errorf("still the killed process %d", pid)
	}
}

// TestKilledDuringWrite: kill -9 after the plugin committed a Write but before it answered.
// The Write fails Retryable; retried, it succeeds on a fresh process and creates nothing
// twice (sqltable upserts by CreateKey).
func TestKilledDuringWrite(t *testing.T) {
	noLeaks(t)
	c, settings, signal := blockingPlugin(t, plugins.Options{}, "Write")
	ctx := ctxFor(t)
	req := connectors.WriteRequest{Entity: entity, Ops: creates(20)}
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write(ctx, req)
		errc <- err
	}()
	pid := waitPID(t, signal)
	if got := count(t, dsnOf(t, settings), "1=1"); got != 20 {
		t.Fatalf("the blocked Write committed %d rows, want 20", got)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wantRetryable(t, "Write of a killed plugin", <-errc)

	resp, err := c.Write(ctx, req) // the caller retries the same batch
	if err != nil {
		t.Fatalf("retried Write: %v", err)
	}
	for i, r := range resp.Results {
		if r.Err != nil || r.ExternalID != req.Ops[i].CreateKey {
			t.Errorf("retried op %d: %+v", i, r)
		}
	}
	if got := count(t, dsnOf(t, settings), "1=1"); got != 20 {
		t.Errorf("after the retry the table holds %d rows, want 20", got)
	}
}

// TestHungPluginKilledAfterDeadline: a plugin that stops answering is killed when the call's
// deadline runs out; the call fails Retryable and the next call gets a fresh process.
func TestHungPluginKilledAfterDeadline(t *testing.T) {
	noLeaks(t)
	const deadline = 2 * time.Second
	c, _, signal := blockingPlugin(t, plugins.Options{Timeouts: plugins.Timeouts{Check: deadline}}, "Check")
	ctx := ctxFor(t)
	start := time.Now()
	err := c.Check(ctx)
	took := time.Since(start)
	wantRetryable(t, "Check of a hung plugin", err)
	if took < deadline || took > deadline+10*time.Second {
		t.Errorf("Check returned after %s, want about %s", took, deadline)
	}
	pid := waitPID(t, signal)
	if alive(pid) {
		t.Errorf("hung process %d still exists after the deadline", pid)
	}
	if err := c.Check(ctx); err != nil {
		t.Errorf("Check on a fresh process: %v", err)
	}
}

// TestCallerCancelKeepsProcess: a caller's cancellation, before or during a call, fails the
// call Retryable and leaves the process running.
func TestCallerCancelKeepsProcess(t *testing.T) {
	c, _, signal := blockingPlugin(t, plugins.Options{}, "Read")
	before := discoverProcess(t, c).pid
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Read(cancelled, connectors.ReadRequest{Entity: entity})
	wantRetryable(t, "Read with a cancelled context", err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v, want context.Canceled in the chain", err)
	}

	during, cancel := context.WithCancel(t.Context())
	go func() { // cancel once the plugin is inside Read
		defer cancel()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(signal); err == nil {
				return
			}
		}
	}()
	_, err = c.Read(during, connectors.ReadRequest{Entity: entity}) // blocks in the plugin
	wantRetryable(t, "Read cancelled while the plugin worked", err)
	if after := discoverProcess(t, c).pid; after != before {
		t.Errorf("process changed from %d to %d after cancelled calls", before, after)
	}
}

// TestCallerDeadlineKillsHungPlugin: a plugin that does not answer within the caller's
// deadline, shorter than the host's, is killed too, so a hang never outlives its callers.
func TestCallerDeadlineKillsHungPlugin(t *testing.T) {
	c, _, signal := blockingPlugin(t, plugins.Options{}, "Read")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := c.Read(ctx, connectors.ReadRequest{Entity: entity})
	wantRetryable(t, "Read past the caller's deadline", err)
	if pid := waitPID(t, signal); alive(pid) {
		t.Errorf("hung process %d still exists", pid)
	}
	if _, err := c.Read(ctxFor(t), connectors.ReadRequest{Entity: entity}); err != nil {
		t.Errorf("Read on a fresh process: %v", err)
	}
}

// TestCloseEndsProcess: Close ends the connector's process, and Host.Close the processes of
// connectors nobody closed.
func TestCloseEndsProcess(t *testing.T) {
	noLeaks(t)
	var systems sqliteSystems
	h, _ := pluginHost(t, plugins.Options{})
	closed := processOf(t, h, systems.settings(t, nil)).pid // processOf closes its connector
	if alive(closed) {
		t.Errorf("process %d of a closed connector still exists", closed)
	}
	c := h.Factory("testplugin")()
	if err := c.Configure(ctxFor(t), systems.settings(t, nil)); err != nil {
		t.Fatal(err)
	}
	open := discoverProcess(t, c).pid
	if err := h.Close(); err != nil {
		t.Fatalf("Host.Close: %v", err)
	}
	if alive(open) {
		t.Errorf("process %d still exists after Host.Close", open)
	}
}

// TestMessageSizeLimit: a message over the configured limit fails the call Permanent, saying
// so, and leaves the process running.
func TestMessageSizeLimit(t *testing.T) {
	var systems sqliteSystems
	h, _ := pluginHost(t, plugins.Options{MaxMessageBytes: 4096})
	c := h.Factory("testplugin")()
	defer c.Close()
	ctx := ctxFor(t)
	if err := c.Configure(ctx, systems.settings(t, nil)); err != nil {
		t.Fatal(err)
	}
	pid := discoverProcess(t, c).pid
	_, err := c.Write(ctx, connectors.WriteRequest{Entity: entity, Ops: creates(100)})
	if connectors.KindOf(err) != connectors.Permanent || !strings.Contains(err.Error(), "4096-byte limit") {
		t.Errorf("Write over the limit = %v, want Permanent naming the limit", err)
	}
	if _, err := c.Write(ctx, connectors.WriteRequest{Entity: entity, Ops: creates(20)}); err != nil {
		t.Fatalf("Write under the limit: %v", err)
	}
	_, err = c.Read(ctx, connectors.ReadRequest{Entity: entity, Limit: 100}) // 20 records: over 4 KiB
	if connectors.KindOf(err) != connectors.Permanent {
		t.Errorf("Read of a page over the limit = %v, want Permanent", err)
	}
	if got := discoverProcess(t, c).pid; got != pid {
		t.Errorf("process changed from %d to %d", pid, got)
	}
}

// TestKilledWhileIdle: a process that died between calls is replaced, re-configured, before
// the next call, which succeeds.
func TestKilledWhileIdle(t *testing.T) {
	var systems sqliteSystems
	h, _ := pluginHost(t, plugins.Options{})
	c := h.Factory("testplugin")()
	defer c.Close()
	if err := c.Configure(ctxFor(t), systems.settings(t, nil)); err != nil {
		t.Fatal(err)
	}
	pid := discoverProcess(t, c).pid
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); alive(pid) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // go-plugin marks the client exited right after reaping
	if err := c.Check(ctxFor(t)); err != nil {
		t.Fatalf("Check after the process died idle: %v", err)
	}
	if got := discoverProcess(t, c).pid; got == pid {
		t.Errorf("still process %d", pid)
	}
}
