package sdk

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// field is one JSON property of a settings struct, with what its tags say.
type field struct {
	name     string
	index    []int
	typ      reflect.Type
	required bool
	secret   bool
	enum     []string
	doc      string
}

// fieldsOf lists the JSON properties of struct type t as encoding/json sees them: the json tag
// names them ("-" skips), unexported fields are skipped, and embedded structs without a tag
// contribute their own fields.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" && tag == "-" {
			continue
		}
		ft := sf.Type
		if sf.Anonymous && !hasTag && ft.Kind() == reflect.Struct {
			for _, f := range fieldsOf(ft) {
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{name: name, index: []int{i}, typ: ft, required: sf.Tag.Get("required") == "true",
			secret: sf.Tag.Get("secret") == "true", doc: sf.Tag.Get("doc")}
		if e := sf.Tag.Get("enum"); e != "" {
			f.enum = strings.Split(e, ",")
		}
		out = append(out, f)
	}
	return out
}

// Schema returns a JSON Schema (draft 2020-12) of the settings struct cfg (a struct or a
// pointer to one), for Spec.ConfigSchema. From the struct tags: json names a property,
// `required:"true"` lists it as required, `doc:"…"` is its description, `enum:"a,b"` its
// allowed values, `secret:"true"` marks it writeOnly (a credential, given as a secret reference
// in Accord's configuration). Objects allow no other properties, matching DecodeSettings.
// Go types map to JSON types: strings, booleans, integers, floats and json.Number to number,
// Duration to a duration string, time.Time to a date-time string, []byte to base64, other
// slices to arrays, maps to objects of their values, structs to objects, anything else (and a
// struct that contains itself, where it recurs) to any value.
func Schema(cfg any) json.RawMessage {
	s := schemaOf(reflect.TypeOf(cfg), map[reflect.Type]bool{})
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	raw, _ := json.Marshal(s) // maps of strings, bools and string slices: always marshals
	return raw
}

// schemaOf returns the schema of t; open holds the struct types being described, to stop at
// a recursive one.
func schemaOf(t reflect.Type, open map[reflect.Type]bool) map[string]any {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case nil, reflect.TypeFor[json.RawMessage]():
		return map[string]any{}
	case reflect.TypeFor[Duration]():
		return map[string]any{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`}
	case reflect.TypeFor[time.Time]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[json.Number]():
		return map[string]any{"type": "number"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), open)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), open)}
	case reflect.Struct:
		if open[t] {
			return map[string]any{}
		}
		open[t] = true
		defer delete(open, t)
		return structSchema(t, open)
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, open map[reflect.Type]bool) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range fieldsOf(t) {
		p := schemaOf(f.typ, open)
		if f.doc != "" {
			p["description"] = f.doc
		}
		if len(f.enum) > 0 {
			p["enum"] = f.enum
		}
		if f.secret {
			p["writeOnly"] = true
		}
		props[f.name] = p
		if f.required {
			required = append(required, f.name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}
