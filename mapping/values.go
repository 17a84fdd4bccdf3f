package mapping

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Value is what a record says of one golden field: a value (possibly "", an empty value), or
// null, an explicit clear. A field the record does not mention has no Value at all.
type Value struct {
	S    string
	Null bool
}

// Text is a Value holding s.
func Text(s string) Value { return Value{S: s} }

// Cleared is the Value of a field the record holds as null.
var Cleared = Value{Null: true}

// String is the value, or "(null)" for a clear.
func (v Value) String() string {
	if v.Null {
		return "(null)"
	}
	return v.S
}

// MarshalJSON writes a value as a JSON string and a clear as null.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.Null {
		return []byte("null"), nil
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" is data, as in the rest of Accord's JSON
	if err := enc.Encode(v.S); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// UnmarshalJSON reads a JSON string or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Cleared
		return nil
	}
	*v = Value{}
	return json.Unmarshal(b, &v.S)
}

// Values are what one record says of the golden fields, by golden field. Absent, null and ""
// are three different things: a field not in Values changes nothing; a Null Value is an
// explicit clear, which survivorship applies only where it lets that source decide; "" is an
// empty value, which never beats a value.
type Values map[string]Value

// Texts returns the fields that hold a non-empty value: what match keys are made of.
func (vs Values) Texts() map[string]string {
	out := make(map[string]string, len(vs))
	for f, v := range vs {
		if !v.Null && v.S != "" {
			out[f] = v.S
		}
	}
	return out
}

// Fields returns the golden fields in vs, sorted.
func (vs Values) Fields() []string {
	out := make([]string, 0, len(vs))
	for f := range vs {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// validText refuses text that is not what its system meant: bytes that are not UTF-8 (a system
// that sends GBK or Latin-1 as if it were UTF-8) and U+FFFD, the mark an earlier decoding left
// where it lost a character. Dropping either would store a wrong value silently; the record is
// quarantined instead, raw, until the system or its connector settings are fixed.
func validText(s string) error {
	if utf8.ValidString(s) && !strings.Contains(s, "\uFFFD") {
		return nil
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			end := min(i+4, len(s))
			return fmt.Errorf("not UTF-8 at byte %d (% x): the system sends another encoding (GBK?), check the connector's charset", i, []byte(s[i:end]))
		case r == utf8.RuneError:
			return fmt.Errorf("holds U+FFFD at byte %d: a character was already lost when the value was decoded upstream", i)
		}
		i += size
	}
	return nil
}

// InboundFields lists the golden fields the inbound mapping sets, in mapping order.
func (m *Mapping) InboundFields() []string {
	out := make([]string, len(m.in))
	for i, f := range m.in {
		out[i] = f.golden
	}
	return out
}
