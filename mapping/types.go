package mapping

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // time zones resolve on machines without a zoneinfo database

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"

	"github.com/accord-mdm/accord/config"
)

// Golden values are text in one canonical form per type, so they compare, hash and explain
// the same everywhere and no number passes through a float:
//
//	integer    "-42", any size
//	decimal    "19.90" (with the field's scale, else as few digits as it needs)
//	boolean    "true" / "false"
//	date       "2024-02-29"
//	timestamp  "2024-03-10T07:30:00Z" (UTC; a value without offset is read in the binding's time zone)
//	enum       one of the field's values, as the model spells it
//
// canonical returns the function that brings a read value (already trimmed) into that form,
// or nil for string fields. An empty result means "no value" (a sentinel date).
func canonical(def *config.FieldDef, tz *time.Location) func(string) (string, error) {
	if def == nil {
		return nil
	}
	switch def.Type {
	case config.TypeInteger:
		return canonicalInteger
	case config.TypeDecimal:
		return func(s string) (string, error) { return canonicalDecimal(s, def.Scale) }
	case config.TypeBoolean:
		return canonicalBoolean
	case config.TypeDate:
		return canonicalDate
	case config.TypeTimestamp:
		return func(s string) (string, error) { return canonicalTimestamp(s, tz) }
	case config.TypeEnum:
		return func(s string) (string, error) { return canonicalEnum(s, def.Values) }
	}
	return nil
}

func canonicalInteger(s string) (string, error) {
	n, ok := new(big.Int).SetString(norm.NFKC.String(s), 10)
	if !ok {
		return "", fmt.Errorf("%q is not an integer (digits only, no separators or decimals)", s)
	}
	return n.String(), nil
}

func canonicalDecimal(s string, scale *int) (string, error) {
	in := norm.NFKC.String(s)
	if strings.Contains(in, ",") {
		return "", fmt.Errorf("%q is not a decimal: a comma is a decimal or a thousands separator depending on the locale, write 1234.56", s)
	}
	d, err := decimal.NewFromString(in)
	if err != nil || strings.ContainsAny(in, "eE") {
		return "", fmt.Errorf("%q is not a decimal number", s)
	}
	if scale == nil {
		return d.String(), nil
	}
	if -d.Exponent() > int32(*scale) && !d.Equal(d.Truncate(int32(*scale))) {
		return "", fmt.Errorf("%q has more than the %d decimal places the field keeps (no rounding: say which value is meant)", s, *scale)
	}
	return d.StringFixed(int32(*scale)), nil
}

var booleans = map[string]string{
	"true": "true", "t": "true", "yes": "true", "y": "true", "1": "true", "是": "true", "真": "true",
	"false": "false", "f": "false", "no": "false", "n": "false", "0": "false", "否": "false", "假": "false",
}

func canonicalBoolean(s string) (string, error) {
	if b, ok := booleans[strings.ToLower(norm.NFKC.String(s))]; ok {
		return b, nil
	}
	return "", fmt.Errorf("%q is not a boolean (true/false, yes/no, y/n, 1/0, 是/否)", s)
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "2006.01.02", "20060102", "2006年1月2日", "2006-1-2", "2006/1/2"}

// sentinelDates stand for "no date" in many systems.
var sentinelDates = []string{"0000-00-00", "0000/00/00", "00000000", "0001-01-01"}

func canonicalDate(s string) (string, error) {
	in := norm.NFKC.String(s)
	if i := strings.IndexAny(in, " T"); i == 10 && !strings.Contains(in, "年") { // a timestamp's date part
		in = in[:i]
	}
	if slices.Contains(sentinelDates, in) {
		return "", nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, in); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("%q is not a date that exists (expected 2006-01-02 or 2006/01/02, 20060102, 2006年1月2日)", s)
}

var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006/01/02 15:04:05"}

func canonicalTimestamp(s string, tz *time.Location) (string, error) {
	in := norm.NFKC.String(s)
	if slices.ContainsFunc(sentinelDates, func(d string) bool { return strings.HasPrefix(in, d) }) {
		return "", nil
	}
	if tz == nil {
		tz = time.UTC
	}
	for _, layout := range timestampLayouts {
		t, err := time.ParseInLocation(layout, in, tz)
		if err != nil {
			continue
		}
		if !strings.Contains(layout, "Z07:00") { // read as wall time in tz: it must exist there
			wall, _ := time.Parse(layout, in)
			if back := t.In(tz); back.Format("2006-01-02 15:04") != wall.Format("2006-01-02 15:04") {
				return "", fmt.Errorf("%q does not exist in %s (a daylight-saving gap)", s, tz)
			}
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	return "", fmt.Errorf("%q is not a timestamp (expected 2006-01-02T15:04:05Z07:00, or without offset in %s)", s, tz)
}

func canonicalEnum(s string, values []string) (string, error) {
	for _, v := range values {
		if strings.EqualFold(v, s) {
			return v, nil
		}
	}
	return "", fmt.Errorf("%q is not one of %s", s, strings.Join(values, ", "))
}

// fitsType checks the values a configuration writes into a typed golden field itself (the
// field's default, its value map's golden values and default) against the field's type: a
// mismatch is a configuration error, found at load, not a quarantine of every record.
func fitsType(canon func(string) (string, error), f config.FieldMap) error {
	if canon == nil {
		return nil
	}
	check := func(what, v string) error {
		if v == "" {
			return nil
		}
		if _, err := canon(v); err != nil {
			return fmt.Errorf("%s does not fit the golden field's type %s: %v", what, f.GoldenDef.Type, err)
		}
		return nil
	}
	if err := check("default", f.Default); err != nil {
		return err
	}
	if vm := f.ValueMapDef; vm != nil {
		for _, sys := range slices.Sorted(maps.Keys(vm.Values)) {
			if err := check(fmt.Sprintf("value_map %s value %s", f.ValueMap, sys), vm.Values[sys]); err != nil {
				return err
			}
		}
		if err := check("value_map "+f.ValueMap+" default", vm.Default); err != nil {
			return err
		}
	}
	return nil
}
