package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// Validator is a settings struct that checks itself beyond what its tags say; DecodeSettings
// calls Validate after the tags' checks.
type Validator interface {
	Validate() error
}

// DecodeSettings decodes the settings JSON object raw into dst, a pointer to a struct, and
// validates it. Unknown settings are refused; a field tagged `required:"true"` must be present
// and not empty (the zero value counts as missing); a string field tagged `enum:"a,b"` must be
// one of those values. Nested structs, slices and maps of structs are checked too. Then, if dst
// implements Validator, Validate runs. Every failure wraps connectors.ErrInvalidConfig and names
// the setting, e.g. "invalid connector settings: tables.accounts.key: required".
func DecodeSettings(raw json.RawMessage, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("%w: decode settings: %w", connectors.ErrInvalidConfig, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: decode settings: data after the settings object", connectors.ErrInvalidConfig)
	}
	if err := check(reflect.ValueOf(dst), ""); err != nil {
		return err
	}
	if v, ok := dst.(Validator); ok {
		if err := v.Validate(); err != nil {
			if errors.Is(err, connectors.ErrInvalidConfig) {
				return err
			}
			return fmt.Errorf("%w: %w", connectors.ErrInvalidConfig, err)
		}
	}
	return nil
}

// check walks v, checking the required and enum tags of every struct field it reaches.
func check(v reflect.Value, path string) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		return checkStruct(v, path)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := check(v.Index(i), join(path, fmt.Sprint(i))); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			if err := check(v.MapIndex(k), join(path, fmt.Sprint(k))); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkStruct(v reflect.Value, path string) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		p := join(path, f.name)
		if f.required && fv.IsZero() {
			return invalid(p, "required")
		}
		if len(f.enum) > 0 && fv.Kind() == reflect.String && !fv.IsZero() && !slices.Contains(f.enum, fv.String()) {
			return invalid(p, fmt.Sprintf("%q is not one of %s", fv.String(), strings.Join(f.enum, ", ")))
		}
		if err := check(fv, p); err != nil {
			return err
		}
	}
	return nil
}

func invalid(path, msg string) error {
	return fmt.Errorf("%w: %s: %s", connectors.ErrInvalidConfig, path, msg)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Duration is a setting holding a Go duration written as a string ("30s", "1h30m").
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string; a negative duration is refused.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	if v < 0 {
		return fmt.Errorf("duration %s: must not be negative", s)
	}
	*d = Duration(v)
	return nil
}
