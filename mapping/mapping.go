// Package mapping turns a system's records into golden field values and back, as declared in a
// system's configuration. Rules are compiled once (paths split, expressions type-checked,
// standardizers resolved); applying them to a record only returns per-record errors.
package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping/standardize"
)

// maxExprNodes bounds the size of a mapping expression, so a configuration cannot make the
// per-record cost unbounded.
const maxExprNodes = 200

// Mapping is the compiled mapping of one system×entity.
type Mapping struct {
	System, Entity string
	in             []inField
	out            []outField
	// Columns are the system's fields the inbound mapping reads, sorted; their values make the
	// record's content hash.
	Columns []string
}

type inField struct {
	golden   string
	path     []string
	program  *vm.Program
	values   *valueMap
	std      standardize.Func
	canon    func(string) (string, error) // the golden type's canonical form; nil for text
	def      string
	required bool
}

type outField struct {
	golden  string
	column  string
	program *vm.Program
	values  *valueMap
}

// FieldError is a value that failed mapping or validation.
type FieldError struct {
	System, Record, Field string
	Value                 string
	Msg                   string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s record %s: field %s: %s", e.System, e.Record, e.Field, e.Msg)
}

// Compile compiles the mapping of b.
func Compile(system, entity string, b *config.Binding) (*Mapping, error) {
	m := &Mapping{System: system, Entity: entity}
	cols := map[string]bool{}
	var errs []error // a *CompileError per field that does not compile
	tz := time.UTC
	if b.Timezone != "" {
		var err error
		if tz, err = time.LoadLocation(b.Timezone); err != nil {
			return nil, fmt.Errorf("system %s entity %s: timezone: %w", system, entity, err)
		}
	}
	for i, f := range b.Fields {
		where := &CompileError{System: system, Entity: entity, Index: i, Golden: f.Golden}
		var values *valueMap
		if f.ValueMapDef != nil {
			values = compileValueMap(f.ValueMap, f.ValueMapDef)
		}
		if f.Direction.In() {
			in := inField{golden: f.Golden, required: f.Required, values: values, def: f.Default, canon: canonical(f.GoldenDef, tz)}
			if err := fitsType(in.canon, f); err != nil {
				errs = append(errs, where.with(err))
				continue
			}
			if f.Expr != "" {
				p, err := expr.Compile(f.Expr, expr.MaxNodes(maxExprNodes), expr.AllowUndefinedVariables())
				if err != nil {
					errs = append(errs, where.with(fmt.Errorf("expr: %w", err)))
					continue
				}
				in.program = p
			} else {
				in.path = strings.Split(f.From, ".")
				cols[in.path[0]] = true
			}
			if f.Standardize != "" {
				params := map[string]string{}
				if f.Standardize == "phone" && b.Region != "" {
					params["region"] = b.Region
				}
				for k, v := range f.Params {
					params[k] = v
				}
				std, err := standardize.ByName(f.Standardize, params)
				if err != nil {
					errs = append(errs, where.with(err))
					continue
				}
				in.std = std
			}
			m.in = append(m.in, in)
		}
		if f.Direction.Out() {
			out := outField{golden: f.Golden, column: f.Target(), values: values}
			if f.ToExpr != "" {
				p, err := expr.Compile(f.ToExpr, expr.MaxNodes(maxExprNodes), expr.AllowUndefinedVariables())
				if err != nil {
					errs = append(errs, where.with(fmt.Errorf("to_expr: %w", err)))
					continue
				}
				out.program = p
			}
			if out.column == "" {
				errs = append(errs, where.with(errors.New("to_expr needs a target column in to")))
				continue
			}
			m.out = append(m.out, out)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for c := range cols {
		m.Columns = append(m.Columns, c)
	}
	sortStrings(m.Columns)
	return m, nil
}

// Inbound maps a system record to golden field values. A field absent from the record, null, or
// empty after standardizing is left out: it does not change the golden record. The errors name
// the system, the record and the field; a record with errors must not be merged.
func (m *Mapping) Inbound(recordID string, raw map[string]any) (map[string]string, []*FieldError) {
	out := make(map[string]string, len(m.in))
	var errs []*FieldError
	for _, f := range m.in {
		v, err := f.value(raw)
		if err != nil {
			errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Msg: err.Error()})
			continue
		}
		if v == nil && f.def != "" {
			v = f.def // absent or null: the field's default, standardized like a read value
		}
		if v == nil {
			if f.required {
				errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Msg: "required value is missing"})
			}
			continue
		}
		s, err := toString(v)
		if err != nil {
			errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Msg: err.Error()})
			continue
		}
		s = standardize.Text(s)
		if s != "" && f.values != nil {
			g, err := f.values.inbound(s)
			if err != nil {
				errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Value: s, Msg: err.Error()})
				continue
			}
			s = g
		}
		if s != "" && f.std != nil {
			std, err := f.std(s)
			if err != nil {
				errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Value: s, Msg: err.Error()})
				continue
			}
			s = std
		}
		if s != "" && f.canon != nil {
			c, err := f.canon(s)
			if err != nil {
				errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Value: s, Msg: err.Error()})
				continue
			}
			s = c
		}
		if s == "" {
			if f.required {
				errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Msg: "required value is empty"})
			}
			continue
		}
		out[f.golden] = s
	}
	return out, errs
}

func (f *inField) value(raw map[string]any) (any, error) {
	if f.program != nil {
		v, err := expr.Run(f.program, raw)
		if err != nil {
			return nil, fmt.Errorf("expression: %w", err)
		}
		return v, nil
	}
	var cur any = raw
	for _, p := range f.path {
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[p]
			if !ok {
				return nil, nil
			}
			cur = v
		case []any: // "contacts.0.email": a position in an array
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(node) {
				return nil, nil
			}
			cur = node[i]
		default:
			return nil, nil
		}
	}
	if s, ok := cur.(string); ok && len(s) > MaxValueBytes {
		return nil, fmt.Errorf("value of %d bytes is over the %d-byte limit of a field", len(s), MaxValueBytes)
	}
	return cur, nil
}

// MaxValueBytes bounds one read value: a field is a name, a code or a note, not a document. A
// larger value quarantines its record (whole, raw) instead of growing every golden version.
const MaxValueBytes = 64 << 10

// Outbound maps golden field values to the system's fields. A golden field without a value is
// left out, so a push never blanks what the system holds.
func (m *Mapping) Outbound(golden map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m.out))
	for _, f := range m.out {
		if f.program != nil {
			v, err := expr.Run(f.program, golden)
			if err != nil {
				return nil, fmt.Errorf("system %s field %s: to_expr: %w", m.System, f.column, err)
			}
			if v != nil {
				out[f.column] = v
			}
			continue
		}
		v, ok := golden[f.golden]
		if !ok || v == nil || v == "" {
			continue
		}
		if f.values != nil {
			g, err := toString(v)
			if err != nil {
				return nil, fmt.Errorf("system %s field %s: %w", m.System, f.column, err)
			}
			sys, write, err := f.values.outbound(g)
			if err != nil {
				return nil, fmt.Errorf("system %s field %s: %w", m.System, f.column, err)
			}
			if !write {
				continue
			}
			v = sys
		}
		out[f.column] = v
	}
	return out, nil
}

// Project returns the record's values of the mapped columns: what the content hash covers.
func (m *Mapping) Project(raw map[string]any) map[string]any {
	p := make(map[string]any, len(m.Columns))
	for _, c := range m.Columns {
		if v, ok := raw[c]; ok {
			p[c] = v
		}
	}
	return p
}

func toString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case int, int64, float64:
		return fmt.Sprint(x), nil
	default:
		return "", fmt.Errorf("expected a text value, got %T", v)
	}
}

// Changes returns the system fields to write so the system holds the golden values: the
// outbound fields whose golden value differs from the system's current mapped value (current,
// by golden field) or, for expression fields, from its raw value. Comparing standardized values
// means a system that holds the same phone in another format is left alone.
func (m *Mapping) Changes(golden map[string]any, current map[string]string, raw map[string]any) (map[string]any, error) {
	all, err := m.Outbound(golden)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, f := range m.out {
		v, ok := all[f.column]
		if !ok {
			continue
		}
		var want, have string
		if f.program != nil {
			want, _ = toString(v)
			if r, ok := raw[f.column]; ok && r != nil {
				have, _ = toString(r)
			}
		} else { // compared as golden values: a value map's system value stands for its golden one
			want, _ = toString(golden[f.golden])
			have = current[f.golden]
		}
		if want != have {
			out[f.column] = v
		}
	}
	return out, nil
}

// GoldenOf names the golden field an outbound column carries ("" for expression fields).
func (m *Mapping) GoldenOf(column string) string {
	for _, f := range m.out {
		if f.column == column && f.program == nil {
			return f.golden
		}
	}
	return ""
}
