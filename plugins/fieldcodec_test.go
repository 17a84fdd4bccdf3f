package plugins

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// referenceDecode is encoding/json's reading of a fields object: numbers as json.Number, one
// object and nothing after it.
func referenceDecode(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	if depth(m) > maxFieldDepth {
		return nil, errors.New("too deep")
	}
	// Duplicate keys at the top: encoding/json keeps the last; the codec refuses the record.
	keys := json.NewDecoder(bytes.NewReader(b))
	keys.Token() // {
	seen := map[string]bool{}
	for keys.More() {
		k, _ := keys.Token()
		if seen[k.(string)] {
			return nil, errors.New("duplicate key")
		}
		seen[k.(string)] = true
		var skip json.RawMessage
		if err := keys.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// depth is the nesting depth of a decoded JSON value; scalars are 0.
func depth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			d = max(d, depth(e))
		}
	case []any:
		for _, e := range v {
			d = max(d, depth(e))
		}
	default:
		return 0
	}
	return d + 1
}

var codecSeeds = []string{
	`{}`, ` { } `, `{"a":"b"}`, `{"name":"深圳市示例科技有限公司","n":-12.5e+3,"ok":true,"no":false,"x":null}`,
	`{"esc":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}`, `{"lone":"\ud800x","pair":"\ud800\u0041","low":"\udc00"}`,
	`{"nested":{"a":[1,2,{"b":null}]},"after":1}`, `{"arr":[]}`, `{"a":1,"a":2}`, `{"A":1,"a":2}`,
	"{\"bad\":\"\xff\xfe\"}", "{\"ctl\":\"a\x01\"}", `{"num":01}`, `{"num":1.}`, `{"num":-}`, `{"num":1e}`,
	`{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":tru}`, `{"a":1} x`, `{"a":1}{}`, `null`, `[1]`, `"s"`, `7`, ``, `   `,
	`{"a":"\u00"}`, `{"a":"\x"}`, `{"big":9007199254740993}`, "{\"ls\":\"\u2028\u2029\"}", `{"html":"<a&b>"}`,
	`{"deep":[[[[[[[[[[]]]]]]]]]]}`, `{"a":{"b":1}`, `{"a":[1,2}`,
	`{"d":` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + `}`, `{"d":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`,
	`{"d":[{"s":"]]]]"},"\\"]}`,
}

// FuzzFieldCodec checks that parseFields accepts exactly what encoding/json accepts, with the
// same result, and that what fieldsToJSON writes encoding/json reads back unchanged.
func FuzzFieldCodec(f *testing.F) {
	for _, s := range codecSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr := referenceDecode(b)
		got, gotErr := fieldsFromJSON(b)
		if len(b) == 0 {
			if got != nil || gotErr != nil {
				t.Fatalf("no bytes = %v, %v; want nil, nil", got, gotErr)
			}
			return
		}
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q: encoding/json says %v, fieldsFromJSON says %v", b, wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decoded %#v, encoding/json %#v", b, got, want)
		}
		enc, err := fieldsToJSON(got)
		if err != nil {
			t.Fatalf("re-encode %#v: %v", got, err)
		}
		back, err := referenceDecode(enc)
		if err != nil || !reflect.DeepEqual(back, want) {
			t.Fatalf("%q re-encoded as %s reads back as %#v (%v), want %#v", b, enc, back, err, want)
		}
	})
}

// TestFieldsToJSONValues checks the encoder against encoding/json for every kind of value a
// connector puts in a record, including strings encoding/json escapes.
func TestFieldsToJSONValues(t *testing.T) {
	m := map[string]any{
		"s": "O'Brien \"quoted\" \\ \n\t\x00\x1f é 深圳 \u2028 \xff", "n": json.Number("-0.5e10"), "t": true, "f": false,
		"nil": nil, "i": 42, "i64": int64(-1 << 62), "float": 2.5, "nested": map[string]any{"a": []any{1, "x"}},
		"<&>": "<script>&</script>",
	}
	enc, err := fieldsToJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := referenceDecode(enc)
	if err != nil {
		t.Fatalf("encoding/json cannot read %s: %v", enc, err)
	}
	ref, _ := json.Marshal(m)
	want, _ := referenceDecode(ref)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fieldsToJSON wrote %s,\nencoding/json reads %#v,\nwant %#v", enc, got, want)
	}
}

func BenchmarkFieldCodec(b *testing.B) {
	m := map[string]any{
		"account_name": "深圳市示例科技有限公司 1234", "contact_name": "Contact 1234", "email": "buyer-1234@example.com",
		"phone": "+86 138 0000 1234", "tax_id": "91440300MA50001234", "city": "深圳", "score": json.Number("12.50"),
	}
	raw, _ := json.Marshal(m)
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			if _, err := fieldsToJSON(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := fieldsFromJSON(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			enc, _ := json.Marshal(m)
			if _, err := referenceDecode(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
