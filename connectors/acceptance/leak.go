package acceptance

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/accord-mdm/accord/connectors"
)

// testConcurrent creates records from several goroutines at once, each reading between its
// writes, as Accord's workers may: every call succeeds and every record is there. Run it with
// -race.
func testConcurrent(t *testing.T, h *Harness, caps connectors.Capabilities) {
	needs(t, h.hasFields(), capRead(caps), capWrite(caps))
	const workers, each = 4, 5
	s := h.open(t)
	ctx := callCtx(t)
	ops := make([][]connectors.WriteOp, workers)
	for w := range ops {
		for i := range each {
			n := w*each + i
			key := fmt.Sprintf("acc-concurrent-%02d", n)
			ops[w] = append(ops[w], connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: key, Fields: h.Fields(n)})
		}
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			if err := s.work(ctx, ops[w]); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := live(s.current(t, pageSize)); len(got) != workers*each {
		t.Errorf("after %d concurrent creates the system holds %d live records", workers*each, len(got))
	}
}

// work writes ops one at a time, reading a page after each; it runs on its own goroutine, so
// it returns its first failure instead of reporting it.
func (s *system) work(ctx context.Context, ops []connectors.WriteOp) error {
	for _, op := range ops {
		resp, err := s.conn.Write(ctx, connectors.WriteRequest{Entity: s.h.Entity, Ops: []connectors.WriteOp{op}})
		switch {
		case err != nil:
			return fmt.Errorf("Write %s: %w", op.CreateKey, err)
		case len(resp.Results) != 1:
			return fmt.Errorf("Write %s: %d results", op.CreateKey, len(resp.Results))
		case resp.Results[0].Err != nil:
			return fmt.Errorf("Write %s: %w", op.CreateKey, resp.Results[0].Err)
		}
		if _, err := s.conn.Read(ctx, connectors.ReadRequest{Entity: s.h.Entity, Limit: pageSize}); err != nil {
			return fmt.Errorf("Read: %w", err)
		}
	}
	return nil
}

// testGoroutineLeak configures a connector, uses every method, cancelled calls included,
// closes it, and checks that no goroutine started since is left. Goroutines that existed
// before (the harness's own database handles, other tests' leftovers) are ignored by
// goleak.IgnoreCurrent; nothing else is, so a connector passes only if Close stops all it
// started.
func testGoroutineLeak(t *testing.T, h *Harness, caps connectors.Capabilities) {
	settings := h.Settings(t)
	if h.Seed != nil {
		h.Seed(t, settings, 3)
	}
	ctx := callCtx(t)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	before := goleak.IgnoreCurrent()

	c := h.New(t)
	closed := false
	defer func() {
		if !closed {
			_ = c.Close()
		}
	}()
	if err := c.Configure(ctx, settings); err != nil {
		t.Fatalf("Configure(valid settings): %v", err)
	}
	if err := c.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
	if _, err := c.Discover(ctx); err != nil {
		t.Errorf("Discover: %v", err)
	}
	if caps.Read {
		if _, err := c.Read(ctx, connectors.ReadRequest{Entity: h.Entity, Limit: pageSize}); err != nil {
			t.Errorf("Read: %v", err)
		}
		_, _ = c.Read(cancelled, connectors.ReadRequest{Entity: h.Entity, Limit: pageSize})
	}
	if caps.Write && h.Fields != nil {
		op := connectors.WriteOp{Kind: connectors.OpUpsert, CreateKey: "acc-leak-1", Fields: h.Fields(7)}
		if _, err := c.Write(ctx, connectors.WriteRequest{Entity: h.Entity, Ops: []connectors.WriteOp{op}}); err != nil {
			t.Errorf("Write: %v", err)
		}
		_, _ = c.Write(cancelled, connectors.WriteRequest{Entity: h.Entity, Ops: []connectors.WriteOp{op}})
	}
	closed = true
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	goleak.VerifyNone(t, before)
}
