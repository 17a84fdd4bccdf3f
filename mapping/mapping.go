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
	// model lists the golden fields outbound expressions see (nil: the model is unknown).
	model []string
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
	lookup   *config.Lookup
}

type outField struct {
	golden  string
	column  string
	program *vm.Program
	values  *valueMap
	lookup  *config.Lookup
}

// FieldError is a value that failed mapping or validation.
type FieldError struct {
	System, Record, Field string
	Value                 string
	Msg                   string
	// Unresolved: the field refers to a record of the system not linked yet (a lookup by xref);
	// it may resolve once the rest of the page is merged.
	Unresolved bool
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s record %s: field %s: %s", e.System, e.Record, e.Field, e.Msg)
}

// Compile compiles the mapping of b.
func Compile(system, entity string, b *config.Binding) (*Mapping, error) {
	m := &Mapping{System: system, Entity: entity}
	if b.Model != nil {
		for f := range b.Model.Fields {
			m.model = append(m.model, f)
		}
	}
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
			in := inField{golden: f.Golden, required: f.Required, values: values, def: f.Default, canon: canonical(f.GoldenDef, tz), lookup: f.Lookup}
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
			out := outField{golden: f.Golden, column: f.Target(), values: values, lookup: f.Lookup}
			if f.ToExpr != "" {
				p, err := expr.Compile(f.ToExpr, outboundOptions(b.Model)...)
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

// outboundOptions compile an outbound expression. With the golden model known, the expression is
// type-checked against it: every golden field is a variable holding its canonical text (numbers
// and dates included, exactly as stored), so an unknown field or text used as a number is a
// load-time error at the field's line, not a failed push per record.
func outboundOptions(model *config.Golden) []expr.Option {
	opts := []expr.Option{expr.MaxNodes(maxExprNodes)}
	if model == nil {
		return append(opts, expr.AllowUndefinedVariables())
	}
	env := make(map[string]any, len(model.Fields))
	for f := range model.Fields {
		env[f] = ""
	}
	return append(opts, expr.Env(env))
}

// Inbound maps a system record to what it says of the golden fields. A field absent from the
// record is left out of Values: it changes nothing. A field the record holds as null is Cleared
// (or takes the field's default), and one that is empty after standardizing is the empty value
// "". The errors name the system, the record and the field; a record with errors must not be
// merged.
//
// Lookups are left unresolved: this is the dry run of accord mapping test. Syncs call Resolved.
func (m *Mapping) Inbound(recordID string, raw map[string]any) (Values, []*FieldError) {
	return m.Resolved(recordID, raw, nil)
}

// Resolved is Inbound with the field lookups answered by r.
func (m *Mapping) Resolved(recordID string, raw map[string]any, r Resolver) (Values, []*FieldError) {
	out := make(Values, len(m.in))
	var errs []*FieldError
	total := 0 // bytes of the values read
	fail := func(f *inField, value string, err error) {
		var ue *UnresolvedError
		errs = append(errs, &FieldError{System: m.System, Record: recordID, Field: f.golden, Value: value, Msg: err.Error(), Unresolved: errors.As(err, &ue) && ue.Lookup.Xref != ""})
	}
	for i := range m.in {
		f := &m.in[i]
		v, present, err := f.value(raw)
		if err != nil {
			fail(f, "", err)
			continue
		}
		if v == nil && f.def != "" {
			v, present = f.def, true // absent or null: the field's default, standardized like a read value
		}
		if v == nil {
			switch {
			case f.required:
				fail(f, "", errors.New("required value is missing"))
			case present:
				out[f.golden] = Cleared
			}
			continue
		}
		s, err := toString(v)
		if err != nil {
			fail(f, "", err)
			continue
		}
		if total += len(s); total > MaxRecordBytes {
			return nil, []*FieldError{{System: m.System, Record: recordID, Field: "(record)",
				Msg: fmt.Sprintf("mapped values pass the %d-byte limit of a record", MaxRecordBytes)}}
		}
		if err := validText(s); err != nil {
			fail(f, "", err)
			continue
		}
		s, skip, err := f.lookupIn(r, standardize.Text(s))
		if err != nil {
			fail(f, s, err)
			continue
		}
		if skip {
			continue
		}
		s, err = f.standardize(s)
		if err != nil {
			fail(f, s, err)
			continue
		}
		if s == "" && f.required {
			fail(f, "", errors.New("required value is empty"))
			continue
		}
		out[f.golden] = Text(s)
	}
	return out, errs
}

// standardize brings a clean text value (standardize.Text) into its golden form: the value map,
// the standardizer and the golden type's canonical form, each skipped for "".
func (f *inField) standardize(s string) (string, error) {
	var err error
	if s != "" && f.values != nil {
		if s, err = step(s, f.values.inbound); err != nil {
			return s, err
		}
	}
	if s != "" && f.std != nil {
		if s, err = step(s, f.std); err != nil {
			return s, err
		}
	}
	if s != "" && f.canon != nil {
		return step(s, f.canon)
	}
	return s, nil
}

// step applies fn to s; on failure it returns s itself, the value the error is about.
func step(s string, fn func(string) (string, error)) (string, error) {
	out, err := fn(s)
	if err != nil {
		return s, err
	}
	return out, nil
}

// value reads the field's raw value and whether the record holds it at all. An expression's nil
// result counts as absent: an expression cannot tell a clear from a missing input.
func (f *inField) value(raw map[string]any) (v any, present bool, err error) {
	if f.program != nil {
		v, err := expr.Run(f.program, raw)
		if err != nil {
			return nil, false, fmt.Errorf("expression: %w", err)
		}
		return v, v != nil, nil
	}
	var cur any = raw
	for _, p := range f.path {
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[p]
			if !ok {
				return nil, false, nil
			}
			cur = v
		case []any: // "contacts.0.email": a position in an array
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false, nil
			}
			cur = node[i]
		default:
			return nil, false, nil
		}
	}
	if s, ok := cur.(string); ok && len(s) > MaxValueBytes {
		return nil, true, fmt.Errorf("value of %d bytes is over the %d-byte limit of a field", len(s), MaxValueBytes)
	}
	return cur, true, nil
}

// MaxValueBytes bounds one read value: a field is a name, a code or a note, not a document. A
// larger value quarantines its record (whole, raw) instead of growing every golden version.
const MaxValueBytes = 64 << 10

// MaxRecordBytes bounds the mapped values of one record, read before standardizing.
const MaxRecordBytes = 1 << 20

// Outbound maps golden field values to the system's fields. A golden field without a value is
// left out, so a push never blanks what the system holds. Lookups are answered by r.
func (m *Mapping) Outbound(golden map[string]any, r Resolver) (map[string]any, error) {
	out := make(map[string]any, len(m.out))
	var env map[string]any
	for _, f := range m.out {
		if f.program != nil {
			if env == nil {
				env = m.exprEnv(golden)
			}
			v, err := expr.Run(f.program, env)
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
		if f.lookup != nil {
			g, err := toString(v)
			if err != nil {
				return nil, fmt.Errorf("system %s field %s: %w", m.System, f.column, err)
			}
			ref, skip, err := f.lookupOut(r, g)
			if err != nil {
				return nil, fmt.Errorf("system %s: %w", m.System, err)
			}
			if skip {
				continue
			}
			v = ref
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
// means a system that holds the same phone in another format is left alone. A golden field that
// survivorship cleared (present, nil) is written as null where the system still holds a value;
// Outbound, which creates use, never writes one.
func (m *Mapping) Changes(golden map[string]any, current map[string]string, raw map[string]any, r Resolver) (map[string]any, error) {
	all, err := m.Outbound(golden, r)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, f := range m.out {
		v, ok := all[f.column]
		if !ok {
			if cleared(golden, f.golden) && f.program == nil && current[f.golden] != "" {
				out[f.column] = nil // the golden field was cleared: clear the system's value too
			}
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

// exprEnv is what outbound expressions see: the golden values, with "" for every field of the
// model that has no value or was cleared, so that an expression type-checked on text never meets
// a nil.
func (m *Mapping) exprEnv(golden map[string]any) map[string]any {
	env := make(map[string]any, len(golden)+len(m.model))
	for k, v := range golden {
		env[k] = v
	}
	for _, f := range m.model {
		if env[f] == nil {
			env[f] = ""
		}
	}
	return env
}

// cleared reports whether the golden record holds field as an explicit clear.
func cleared(golden map[string]any, field string) bool {
	v, ok := golden[field]
	return ok && v == nil
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
