package connectors

import (
	"fmt"
	"sort"
)

// Factory makes a new, unconfigured connector.
type Factory func() Connector

// Registry maps connector names to factories. Built-in connectors are listed explicitly by the
// binary that wires them; nothing registers itself.
type Registry map[string]Factory

// New returns a new connector by name.
func (r Registry) New(name string) (Connector, error) {
	f, ok := r[name]
	if !ok {
		return nil, fmt.Errorf("unknown connector %q (known: %v)", name, r.Names())
	}
	return f(), nil
}

// Names lists the registered connectors, sorted.
func (r Registry) Names() []string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
