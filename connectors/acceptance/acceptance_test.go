package acceptance_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
)

// TestMemory runs the suite against the in-memory connector, whose harness can produce every
// error kind: no subtest is skipped.
func TestMemory(t *testing.T) {
	acceptance.Run(t, memoryHarness())
}

// memoryHarness is the harness of the in-memory connector, each call with systems of its own.
func memoryHarness() acceptance.Harness {
	systems := &memSystems{byName: map[string]*memSystem{}}
	return acceptance.Harness{
		New:      func(testing.TB) connectors.Connector { return &memory{systems: systems} },
		Settings: systems.settings,
		InvalidSettings: []json.RawMessage{
			json.RawMessage(`not json`), json.RawMessage(`{"system": "nope"}`), json.RawMessage(`{"system": "x", "extra": 1}`),
		},
		Entity: "customers",
		Seed: func(t testing.TB, settings json.RawMessage, n int) []string {
			sys := systems.lookup(t, settings)
			sys.mu.Lock()
			defer sys.mu.Unlock()
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("seed-%d", sys.seq+1)
				r := &connectors.Record{ID: ids[i], Fields: map[string]any{"id": ids[i], "name": "Seeded"}}
				sys.recs[r.ID] = r
				sys.stamp(r)
			}
			return ids
		},
		Touch: func(t testing.TB, settings json.RawMessage, id string) {
			sys := systems.lookup(t, settings)
			sys.mu.Lock()
			defer sys.mu.Unlock()
			sys.recs[id].Fields["name"] = "Edited"
			sys.stamp(sys.recs[id])
		},
		Fields: func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("Customer %d", i), "score": i, "active": i%2 == 0}
		},
		UnknownField: "favourite_colour",
		Fail: func(t testing.TB, settings json.RawMessage, kind connectors.ErrorKind) {
			sys := systems.lookup(t, settings)
			sys.mu.Lock()
			defer sys.mu.Unlock()
			sys.fail = &connectors.OpError{Kind: kind, Message: "injected"}
			if kind == connectors.RateLimited {
				sys.fail.RetryAfter = time.Second
			}
		},
	}
}

// settings makes a new, empty system, forgotten at t's cleanup.
func (s *memSystems) settings(t testing.TB) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := fmt.Sprintf("system-%d", len(s.byName)+1)
	for s.byName[name] != nil {
		name += "+"
	}
	s.byName[name] = &memSystem{recs: map[string]*connectors.Record{}}
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.byName, name)
	})
	return json.RawMessage(fmt.Sprintf(`{"system": %q}`, name))
}

// lookup returns the system that settings name.
func (s *memSystems) lookup(t testing.TB, settings json.RawMessage) *memSystem {
	var cfg struct{ System string }
	if err := json.Unmarshal(settings, &cfg); err != nil {
		t.Fatalf("settings: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sys, ok := s.byName[cfg.System]
	if !ok {
		t.Fatalf("no system %q", cfg.System)
	}
	return sys
}
