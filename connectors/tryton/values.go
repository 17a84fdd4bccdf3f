package tryton

import (
	"encoding/json"
	"fmt"
	"time"
)

// Tryton's JSON-RPC tags values JSON cannot hold: {"__class__": "datetime", "year": …,
// "microsecond": …} (naive, UTC on the server), {"__class__": "date", …} and
// {"__class__": "Decimal", "decimal": "120.00"}.

// datetimeValue encodes t (UTC) as a Tryton datetime.
func datetimeValue(t time.Time) map[string]any {
	t = t.UTC()
	return map[string]any{"__class__": "datetime", "year": t.Year(), "month": int(t.Month()), "day": t.Day(),
		"hour": t.Hour(), "minute": t.Minute(), "second": t.Second(), "microsecond": t.Nanosecond() / 1000}
}

// tagged is the union of Tryton's tagged values.
type tagged struct {
	Class                                               string `json:"__class__"`
	Year, Month, Day, Hour, Minute, Second, Microsecond int
	Decimal                                             string `json:"decimal"`
}

// parseTagged decodes a tagged value from a decoded JSON value (a map), or reports false.
func parseTagged(v any) (tagged, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return tagged{}, false
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return tagged{}, false
	}
	var tv tagged
	if json.Unmarshal(raw, &tv) != nil || tv.Class == "" {
		return tagged{}, false
	}
	return tv, true
}

// timeOf returns a datetime (or date) value as UTC time; nil and absent are the zero time.
func timeOf(v any) (time.Time, error) {
	if v == nil {
		return time.Time{}, nil
	}
	tv, ok := parseTagged(v)
	if !ok || (tv.Class != "datetime" && tv.Class != "date") {
		return time.Time{}, fmt.Errorf("not a Tryton datetime: %v", v)
	}
	return time.Date(tv.Year, time.Month(tv.Month), tv.Day, tv.Hour, tv.Minute, tv.Second, tv.Microsecond*1000, time.UTC), nil
}

// dateText returns a date value as YYYY-MM-DD, or nil for none.
func dateText(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	t, err := timeOf(v)
	if err != nil {
		return nil, err
	}
	return t.Format(time.DateOnly), nil
}

// decimalText returns a Decimal value as its exact text, or nil for none.
func decimalText(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if n, ok := v.(json.Number); ok {
		return n.String(), nil
	}
	tv, ok := parseTagged(v)
	if !ok || tv.Class != "Decimal" {
		return nil, fmt.Errorf("not a Tryton Decimal: %v", v)
	}
	return tv.Decimal, nil
}

// idOf returns a record id (a JSON number) as int64.
func idOf(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

// str returns v as a string: "" for nil, and Tryton's false (an empty char field) as "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// truth returns a boolean field: Tryton on SQLite returns booleans as 0 and 1. Absent (not
// read) counts as true, the default of the active fields it is used for.
func truth(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case json.Number:
		return x.String() != "0"
	case nil:
		return true
	}
	return true
}
