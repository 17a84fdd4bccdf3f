package acceptance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/accord-mdm/accord/connectors"
)

// testSpec checks that Spec names the connector, that its capabilities agree with each
// other, that ConfigSchema is a JSON Schema of an object that the valid settings satisfy, and
// that Spec does not change with Configure.
func testSpec(t *testing.T, h *Harness, _ connectors.Capabilities) {
	before := h.newConn(t).Spec()
	if before.Name == "" || before.Version == "" {
		t.Errorf("Spec Name %q, Version %q: want both set", before.Name, before.Version)
	}
	c := before.Capabilities
	for _, rule := range []struct {
		broken bool
		what   string
	}{
		{!c.Read && !c.Write, "neither Read nor Write"},
		{c.Delete && !c.Write, "Delete without Write"},
		{c.NativeUpsert && !c.Write, "NativeUpsert without Write"},
		{c.Incremental && !c.Read, "Incremental without Read"},
		{c.MaxBatch < 0, fmt.Sprintf("negative MaxBatch %d", c.MaxBatch)},
	} {
		if rule.broken {
			t.Errorf("Capabilities %+v: %s", c, rule.what)
		}
	}
	settings := h.Settings(t)
	checkSchema(t, before.ConfigSchema, settings)

	after := h.configured(t, settings).Spec()
	if after.Name != before.Name || after.Version != before.Version || after.Capabilities != before.Capabilities ||
		!bytes.Equal(after.ConfigSchema, before.ConfigSchema) {
		t.Errorf("Spec changed with Configure: %+v, then %+v", before, after)
	}
}

// checkSchema checks that schema is a JSON Schema of an object, and that settings has every
// property the schema requires and, when the schema forbids others, no other.
func checkSchema(t *testing.T, schema, settings json.RawMessage) {
	t.Helper()
	var s struct {
		Type                 any            `json:"type"`
		Properties           map[string]any `json:"properties"`
		Required             []string       `json:"required"`
		AdditionalProperties any            `json:"additionalProperties"`
	}
	if err := json.Unmarshal(schema, &s); err != nil {
		t.Errorf("ConfigSchema is not a JSON Schema object: %v\n%s", err, schema)
		return
	}
	if s.Type != "object" {
		t.Errorf("ConfigSchema type %v, want \"object\" (settings are a JSON object)", s.Type)
	}
	for _, name := range s.Required {
		if s.Properties != nil && s.Properties[name] == nil {
			t.Errorf("ConfigSchema requires %q but has no such property", name)
		}
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(settings, &got); err != nil {
		t.Errorf("harness Settings are not a JSON object: %v", err)
		return
	}
	for _, name := range s.Required {
		if _, ok := got[name]; !ok {
			t.Errorf("valid settings lack %q, which ConfigSchema requires", name)
		}
	}
	if s.AdditionalProperties == false {
		for name := range got {
			if _, ok := s.Properties[name]; !ok {
				t.Errorf("valid settings have %q, which ConfigSchema does not allow", name)
			}
		}
	}
}

// testConfigureInvalid checks that Configure rejects each invalid setting as ErrInvalidConfig.
func testConfigureInvalid(t *testing.T, h *Harness, _ connectors.Capabilities) {
	needs(t, requirement{len(h.InvalidSettings) > 0, "harness lists no InvalidSettings"})
	for i, raw := range h.InvalidSettings {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			err := h.newConn(t).Configure(callCtx(t), raw)
			if !errors.Is(err, connectors.ErrInvalidConfig) {
				t.Errorf("Configure(%s) = %v, want an error wrapping connectors.ErrInvalidConfig", raw, err)
			}
		})
	}
}

// testCheck checks that Check passes on a reachable system with valid settings.
func testCheck(t *testing.T, h *Harness, _ connectors.Capabilities) {
	s := h.open(t)
	if err := s.conn.Check(callCtx(t)); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// fieldTypes are the types FieldInfo may name.
var fieldTypes = map[string]bool{
	"string": true, "integer": true, "decimal": true, "boolean": true, "date": true, "timestamp": true, "json": true,
}

// testDiscover checks that Discover lists Entity with well-formed fields, among them every
// field the harness writes and not the one it calls unknown.
func testDiscover(t *testing.T, h *Harness, _ connectors.Capabilities) {
	s := h.open(t)
	cat, err := s.conn.Discover(callCtx(t))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	var entity *connectors.EntityInfo
	for i := range cat.Entities {
		if cat.Entities[i].Name == h.Entity {
			entity = &cat.Entities[i]
		}
	}
	if entity == nil {
		t.Fatalf("Discover lists no entity %q: %+v", h.Entity, cat)
	}
	if len(entity.Fields) == 0 {
		t.Fatalf("Discover lists entity %q without fields", h.Entity)
	}
	names := map[string]bool{}
	for _, f := range entity.Fields {
		if f.Name == "" || names[f.Name] {
			t.Errorf("field name %q is empty or listed twice", f.Name)
		}
		names[f.Name] = true
		if !fieldTypes[f.Type] {
			t.Errorf("field %s has type %q, want one of string, integer, decimal, boolean, date, timestamp, json", f.Name, f.Type)
		}
	}
	if h.Fields != nil {
		for name := range h.Fields(0) {
			if !names[name] {
				t.Errorf("harness Fields writes %q, which Discover does not list", name)
			}
		}
	}
	if h.UnknownField != "" && names[h.UnknownField] {
		t.Errorf("Discover lists %q, which the harness names as UnknownField", h.UnknownField)
	}
}
