package sqltable

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// bindValue converts a field value of a write op into a driver argument for col. Numbers
// travel as text to PostgreSQL, which parses them exactly for the column's type; SQLite gets
// what its column affinity can hold without rounding.
func bindValue(driver string, col column, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case bool:
		return x, nil
	}
	s, ok, err := numberText(v)
	if !ok {
		return nil, fmt.Errorf("unsupported value of type %T (want string, number, bool or null)", v)
	}
	if err != nil {
		return nil, err
	}
	if driver == driverSQLite {
		return bindSQLiteNumber(col, s)
	}
	return s, nil
}

// bindSQLiteNumber returns the number s as SQLite will store it in col, or an error when the
// stored value would not read back equal to s.
func bindSQLiteNumber(col column, s string) (any, error) {
	switch col.affinity {
	case affinityText, affinityBlob:
		return s, nil // stored as the text itself
	case affinityReal:
	default:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !sameNumber(s, strconv.FormatFloat(f, 'g', -1, 64)) {
		return nil, fmt.Errorf("%s would be rounded by SQLite %s affinity (keep exact decimals in a TEXT column)",
			s, col.affinity)
	}
	return f, nil
}

// sameNumber reports whether two decimal numbers are equal in value ("1.10" and "11e-1" are).
func sameNumber(a, b string) bool {
	na, da, ea, oka := decimalParts(a)
	nb, db, eb, okb := decimalParts(b)
	return oka && okb && na == nb && da == db && ea == eb
}

// decimalParts splits a JSON-style number into sign, significant digits (no leading or
// trailing zeros) and exponent, so that value = ±digits×10^exp, one way only. Zero is
// (false, "", 0). It does no arithmetic on the value, so any size is cheap.
func decimalParts(s string) (neg bool, digits string, exp int, ok bool) {
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		e, err := strconv.Atoi(strings.TrimPrefix(expText, "+"))
		if err != nil || e > 1<<30 || e < -(1<<30) {
			return false, "", 0, false
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" {
		return false, "", 0, false
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if !isDigit(part[i]) {
				return false, "", 0, false
			}
		}
	}
	digits = strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	if trimmed == "" {
		return false, "", 0, true
	}
	return neg, trimmed, exp, true
}

// deletedArg is the value written to the deleted column for deleted (true) or live (false).
func deletedArg(driver string, col column, deleted bool) any {
	n := int64(0)
	if deleted {
		n = 1
	}
	if driver == driverSQLite {
		return n // 0/1 whatever the declared type; read back as truthy
	}
	switch col.kind {
	case kindBoolean:
		return deleted
	case kindInteger, kindDecimal:
		return n
	default:
		return strconv.FormatBool(deleted)
	}
}

// timestampArg is the driver argument for a timestamp in tsLayout (or RFC 3339) text: the text
// itself for SQLite, which compares updated_at as text, a time for PostgreSQL.
func timestampArg(driver, text string) (any, error) {
	if driver == driverSQLite {
		return text, nil
	}
	t, err := parseTS(text)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// nowArgs returns now, truncated to what both databases keep, as a driver argument and as
// version text.
func nowArgs(driver string, now time.Time) (arg any, text string) {
	now = now.UTC().Truncate(time.Microsecond)
	text = formatTS(now)
	if driver == driverSQLite {
		return text, text
	}
	return now, text
}
