package plugins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Field maps cross the boundary as JSON objects (language-neutral: a plugin in any language
// reads and writes them), numbers as exact text. Records are almost always flat objects of
// strings, numbers, booleans and nulls, and encoding/json spends most of its time on
// reflection and its streaming decoder; appendFields and parseFields handle flat values by
// hand and hand anything nested to encoding/json. Both accept and produce exactly what
// encoding/json does (FuzzFieldCodec checks it), except that the encoder does not escape
// <, > and & for HTML, which no reader needs.

// fieldsToJSON encodes a field map; nil encodes as no bytes, so that it decodes as nil again.
// json.Number values are written as their text, so numbers stay exact.
func fieldsToJSON(m map[string]any) ([]byte, error) {
	if m == nil {
		return nil, nil
	}
	keys := make([]string, 0, len(m))
	size := 2
	for k, v := range m {
		keys = append(keys, k)
		size += len(k) + 4
		if s, ok := v.(string); ok {
			size += len(s) + 2
		} else {
			size += 8
		}
	}
	slices.Sort(keys)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, fmt.Errorf("encode fields: field %q: %w", k, err)
		}
	}
	return append(b, '}'), nil
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case json.Number:
		if !validNumber(v.String()) {
			return nil, fmt.Errorf("invalid number literal %q", v.String())
		}
		return append(b, v...), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append(b, raw...), nil
	}
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, as encoding/json writes it bar the HTML escapes:
// control characters escaped, invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// fieldsFromJSON decodes a field map with numbers as json.Number; no bytes decode as nil.
func fieldsFromJSON(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	m, err := parseFields(b)
	if err != nil {
		return nil, fmt.Errorf("decode fields: %w", err)
	}
	return m, nil
}

// errNotObject is a fields value that is valid JSON but not an object.
var errNotObject = errors.New("not a JSON object")

// errDuplicateKey is a fields object that names a field twice.
var errDuplicateKey = errors.New("duplicate key")

// maxFieldDepth bounds the nesting of a fields object (the object itself is level 1). Records
// are flat or a few levels deep; a deeper one is a runaway export, quarantined.
const maxFieldDepth = 32

// parseFields parses a JSON object, flat values by hand and nested ones with encoding/json.
func parseFields(b []byte) (map[string]any, error) {
	p := parser{b: b}
	p.ws()
	if p.i < len(b) && b[p.i] != '{' {
		if _, err := decodeNumberless(b); err != nil {
			return nil, err
		}
		return nil, errNotObject
	}
	if !p.eat('{') {
		return nil, io.ErrUnexpectedEOF
	}
	m := map[string]any{}
	p.ws()
	if p.eat('}') {
		return m, p.end()
	}
	for {
		p.ws()
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if !p.eat(':') {
			return nil, p.errAt("':' after object key")
		}
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			// Keeping either value would lose the other without a word (encoding/json keeps the
			// last): the record is quarantined instead, naming the key.
			return nil, fmt.Errorf("%w %q", errDuplicateKey, k)
		}
		m[k] = v
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return m, p.end()
		}
		return nil, p.errAt("',' or '}' after object value")
	}
}

// decodeNumberless reports encoding/json's error for a document that is not an object, if any.
func decodeNumberless(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

type parser struct {
	b []byte
	i int
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) errAt(want string) error {
	if p.i >= len(p.b) {
		return io.ErrUnexpectedEOF
	}
	return fmt.Errorf("invalid character %q at offset %d, want %s", p.b[p.i], p.i, want)
}

// end checks nothing but whitespace follows the object.
func (p *parser) end() error {
	p.ws()
	if p.i != len(p.b) {
		return errors.New("data after the JSON object")
	}
	return nil
}

func (p *parser) value() (any, error) {
	if p.i >= len(p.b) {
		return nil, io.ErrUnexpectedEOF
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		for p.i < len(p.b) && numberByte(p.b[p.i]) {
			p.i++
		}
		n := string(p.b[start:p.i])
		if !validNumber(n) {
			return nil, fmt.Errorf("invalid number literal %q", n)
		}
		return json.Number(n), nil
	case c == '{' || c == '[':
		return p.nested()
	default:
		return nil, p.errAt("a value")
	}
}

func (p *parser) literal(word string) error {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		return p.errAt(word)
	}
	p.i += len(word)
	return nil
}

// nested decodes the object or array at p.i with encoding/json and moves past it.
func (p *parser) nested() (any, error) {
	if nestedDepth(p.b[p.i:], maxFieldDepth) > maxFieldDepth-1 {
		return nil, fmt.Errorf("nested deeper than %d levels", maxFieldDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(p.b[p.i:]))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	p.i += int(dec.InputOffset())
	return v, nil
}

// str parses a JSON string at p.i as encoding/json does: escapes resolved, invalid UTF-8 and
// lone surrogates replaced by U+FFFD, control characters refused.
func (p *parser) str() (string, error) {
	if !p.eat('"') {
		return "", p.errAt("a string")
	}
	start := p.i
	for p.i < len(p.b) { // fast path: no escapes, all valid
		c := p.b[p.i]
		if c == '"' {
			s := string(p.b[start:p.i])
			p.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		p.i++
	}
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < 0x20:
			return "", fmt.Errorf("invalid character %q in string literal", c)
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
		case c < utf8.RuneSelf:
			out = append(out, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.b[p.i:])
			out = utf8.AppendRune(out, r) // RuneError for invalid bytes, as encoding/json
			p.i += size
		}
	}
	return "", io.ErrUnexpectedEOF
}

// escape parses the escape sequence at p.i (at the backslash).
func (p *parser) escape() (rune, error) {
	if p.i+1 >= len(p.b) {
		return 0, io.ErrUnexpectedEOF
	}
	c := p.b[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return 0, errors.New("invalid \\u escape in string literal")
		}
		if utf16.IsSurrogate(r) {
			save := p.i
			if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
				p.i += 2
				if r2, ok := p.hex4(); ok {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						return dec, nil
					}
				}
			}
			p.i = save
			return utf8.RuneError, nil
		}
		return r, nil
	default:
		return 0, fmt.Errorf("invalid escape %q in string literal", c)
	}
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// numberByte reports whether c may appear in a JSON number literal.
func numberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// validNumber reports whether s is a JSON number literal.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}

// nestedDepth is the nesting depth of the JSON object or array b starts with, counting up to
// limit+1 at most; strings are skipped, and the scan stops where the value closes.
func nestedDepth(b []byte, limit int) int {
	depth, deepest := 0, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return deepest
			}
		}
	}
	return deepest
}
