package sqltable

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// tsLayout is the fixed-width UTC text of updated_at in SQLite, of cursors and of versions.
const tsLayout = "2006-01-02T15:04:05.000000Z"

// formatTS renders t in tsLayout.
func formatTS(t time.Time) string { return t.UTC().Format(tsLayout) }

// parseTS reads tsLayout, or any RFC 3339 time, as UTC.
func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}

// jsonValue converts a value scanned from col into its JSON-compatible form.
func jsonValue(v any, col column) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return x
	case bool:
		return x
	case int64:
		if col.kind == kindBoolean && (x == 0 || x == 1) { // SQLite keeps BOOLEAN as 0/1
			return x == 1
		}
		return json.Number(strconv.FormatInt(x, 10))
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return s // no JSON number for these
		}
		return json.Number(s)
	case []byte: // lib/pq: numeric, json, uuid, bytea…; SQLite: BLOB
		if col.kind == kindDecimal && isJSONNumber(string(x)) {
			return json.Number(string(x))
		}
		if utf8.Valid(x) {
			return string(x)
		}
		return base64.StdEncoding.EncodeToString(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	default:
		return fmt.Sprint(x)
	}
}

// textOf renders a converted key value as a record ID.
func textOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if n, ok := v.(json.Number); ok {
		return string(n)
	}
	return fmt.Sprint(v)
}

// truthy reports whether a converted deleted-column value means deleted.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f != 0
	case string:
		return x == "1" || strings.EqualFold(x, "true")
	default:
		return false
	}
}

// isJSONNumber reports whether s is exactly one JSON number, nothing around it.
func isJSONNumber(s string) bool {
	if s == "" || !(s[0] == '-' || isDigit(s[0])) || !isDigit(s[len(s)-1]) {
		return false
	}
	return json.Valid([]byte(s))
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// numberText renders the number types a write may carry as decimal text. ok is false for
// values that are not numbers.
func numberText(v any) (s string, ok bool, err error) {
	switch x := v.(type) {
	case json.Number:
		if !isJSONNumber(string(x)) {
			return "", true, fmt.Errorf("%q is not a number", string(x))
		}
		return string(x), true, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", true, fmt.Errorf("%v is not a finite number", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), true, nil
	case float32:
		return numberText(float64(x))
	case int:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int8:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int16:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int32:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint64:
		return strconv.FormatUint(x, 10), true, nil
	default:
		return "", false, nil
	}
}
