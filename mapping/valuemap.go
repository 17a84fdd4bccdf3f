package mapping

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/accord-mdm/accord/config"
)

// valueMap is a compiled config.ValueMap.
type valueMap struct {
	name string
	def  *config.ValueMap
	in   map[string]string // system value -> golden value
	fold map[string]string // case-folded system value -> golden value, where that is unambiguous
	out  map[string]string // golden value -> system value
}

func compileValueMap(name string, d *config.ValueMap) *valueMap {
	v := &valueMap{name: name, def: d, in: d.Values, fold: map[string]string{}, out: map[string]string{}}
	clash := map[string]bool{}
	for _, sys := range slices.Sorted(maps.Keys(d.Values)) { // sorted: the first system value wins the way back
		g := d.Values[sys]
		k := strings.ToLower(sys)
		if prev, ok := v.fold[k]; ok && prev != g {
			clash[k] = true
		}
		v.fold[k] = g
		if _, ok := v.out[g]; !ok {
			v.out[g] = sys
		}
	}
	for k := range clash {
		delete(v.fold, k)
	}
	for g, sys := range d.Outbound {
		v.out[g] = sys
	}
	return v
}

// inbound translates a system value (exactly, else ignoring case) to its golden value.
func (v *valueMap) inbound(s string) (string, error) {
	if g, ok := v.in[s]; ok {
		return g, nil
	}
	if g, ok := v.fold[strings.ToLower(s)]; ok {
		return g, nil
	}
	switch v.def.Unknown {
	case config.UnknownKeep:
		return s, nil
	case config.UnknownDefault:
		return v.def.Default, nil
	}
	return "", fmt.Errorf("value %q is not in value map %s (known: %s)", s, v.name, strings.Join(slices.Sorted(maps.Keys(v.in)), ", "))
}

// outbound translates a golden value to the system's; write is false when nothing is to be
// written for it.
func (v *valueMap) outbound(g string) (sys string, write bool, err error) {
	if s, ok := v.out[g]; ok {
		return s, true, nil
	}
	switch v.def.Unknown {
	case config.UnknownKeep:
		return g, true, nil
	case config.UnknownDefault:
		return v.def.OutboundDefault, v.def.OutboundDefault != "", nil
	}
	return "", false, fmt.Errorf("golden value %q has no value in value map %s", g, v.name)
}
