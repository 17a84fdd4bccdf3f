package config

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// source is a configuration file and its YAML tree, kept so that an error found after
// decoding can say on which line the value stands.
type source struct {
	file string
	root *yaml.Node
}

// at returns "file:line" of the value at path: mapping keys as strings, sequence positions as
// ints. A path that leads nowhere gives the line of the deepest node found on it.
func (s source) at(path ...any) string {
	n := s.root
	if n == nil {
		return s.file
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, p := range path {
		next := child(n, p)
		if next == nil {
			break
		}
		n = next
	}
	return s.file + ":" + strconv.Itoa(n.Line)
}

func child(n *yaml.Node, p any) *yaml.Node {
	switch p := p.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == p {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
			return n.Content[p]
		}
	}
	return nil
}

// errorf is an error at the value at path of s.
func (s source) errorf(path []any, format string, a ...any) error {
	return fmt.Errorf("%s: %s", s.at(path...), fmt.Sprintf(format, a...))
}

// Position returns "file:line" of the value at path in the system's file, for errors found
// outside this package (a mapping expression that does not compile, say).
func (s *System) Position(path ...any) string { return s.src.at(path...) }
