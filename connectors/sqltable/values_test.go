package sqltable

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/accord-mdm/accord/connectors"
)

func TestJSONValue(t *testing.T) {
	dec := column{kind: kindDecimal}
	str := column{kind: kindString}
	for _, tc := range []struct {
		name string
		in   any
		col  column
		want any
	}{
		{"nil", nil, str, nil},
		{"empty string", "", str, ""},
		{"string", "héllo", str, "héllo"},
		{"bool", false, str, false},
		{"sqlite boolean 1", int64(1), column{kind: kindBoolean}, true},
		{"sqlite boolean 0", int64(0), column{kind: kindBoolean}, false},
		{"sqlite boolean 2", int64(2), column{kind: kindBoolean}, json.Number("2")},
		{"zero int", int64(0), str, json.Number("0")},
		{"big int", int64(math.MaxInt64), str, json.Number("9223372036854775807")},
		{"float", 1.5, dec, json.Number("1.5")},
		{"inf", math.Inf(1), dec, "+Inf"},
		{"numeric text", []byte("12345678901234567890.1234567890"), dec, json.Number("12345678901234567890.1234567890")},
		{"numeric NaN", []byte("NaN"), dec, "NaN"},
		{"utf8 bytes", []byte("abc"), str, "abc"},
		{"empty bytes", []byte{}, str, ""},
		{"binary bytes", []byte{0xff, 0x00}, str, "/wA="},
		{"time", time.Date(2024, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600)), str, "2024-01-02T02:04:05.0000006Z"},
		{"zero time", time.Time{}, str, "0001-01-01T00:00:00Z"},
	} {
		if got := jsonValue(tc.in, tc.col); got != tc.want {
			t.Errorf("%s: jsonValue(%#v) = %#v, want %#v", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestTruthy(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want bool
	}{
		{nil, false}, {true, true}, {false, false}, {json.Number("1"), true}, {json.Number("0"), false},
		{"1", true}, {"true", true}, {"TRUE", true}, {"0", false}, {"", false}, {"yes", false},
	} {
		if got := truthy(tc.in); got != tc.want {
			t.Errorf("truthy(%#v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBindValue(t *testing.T) {
	text := column{affinity: affinityText}
	num := column{affinity: affinityNumeric}
	real := column{affinity: affinityReal}
	for _, tc := range []struct {
		name   string
		driver string
		col    column
		in     any
		want   any
		bad    bool
	}{
		{"nil", driverSQLite, num, nil, nil, false},
		{"string", driverSQLite, num, "abc", "abc", false},
		{"bool", driverPostgres, num, true, true, false},
		{"pg number as text", driverPostgres, num, json.Number("1.10"), "1.10", false},
		{"pg int", driverPostgres, num, 7, "7", false},
		{"pg float", driverPostgres, num, 1e21, "1000000000000000000000", false},
		{"sqlite int", driverSQLite, num, json.Number("9007199254740993"), int64(9007199254740993), false},
		{"sqlite decimal", driverSQLite, num, json.Number("0.1"), 0.1, false},
		{"sqlite exact decimal lost", driverSQLite, num, json.Number("12345678901234567890.1234567890"), nil, true},
		{"sqlite int beyond 64 bits", driverSQLite, num, json.Number("123456789012345678901"), nil, true},
		{"sqlite big int into REAL", driverSQLite, real, json.Number("9007199254740993"), nil, true},
		{"sqlite text keeps digits", driverSQLite, text, json.Number("12345678901234567890.1234567890"), "12345678901234567890.1234567890", false},
		{"not a number", driverPostgres, num, json.Number("1e"), nil, true},
		{"nan", driverPostgres, num, math.NaN(), nil, true},
		{"map", driverPostgres, num, map[string]any{}, nil, true},
		{"slice", driverPostgres, num, []any{}, nil, true},
		{"time", driverPostgres, num, time.Now(), nil, true},
	} {
		got, err := bindValue(tc.driver, tc.col, tc.in)
		if tc.bad != (err != nil) || (!tc.bad && got != tc.want) {
			t.Errorf("%s: bindValue(%#v) = %#v, %v; want %#v (error %v)", tc.name, tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestSameNumber(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"1.10", "1.1", true}, {"11e-1", "1.1", true}, {"0", "-0.000", true}, {"100", "1e+02", true},
		{"1.2345678901234567e+19", "12345678901234567890.123456789", false}, {"-1", "1", false},
		{"1e-999999999", "0", false}, {"1e99999999999999999999", "1", false}, {"", "0", false},
	} {
		if got := sameNumber(tc.a, tc.b); got != tc.want {
			t.Errorf("sameNumber(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	empty := ""
	for _, c := range []cursor{
		{},
		{TS: "2024-01-02T03:04:05.000000Z", HW: "2024-01-02T03:04:07.000000Z"},
		{TS: "2024-01-02T03:04:05.000000Z", ID: &empty, HW: "2024-01-02T03:04:05.000000Z"},
	} {
		got, err := decodeCursor(c.encode())
		if err != nil || got.TS != c.TS || got.HW != c.HW || (got.ID == nil) != (c.ID == nil) {
			t.Errorf("round trip of %+v = %+v, %v", c, got, err)
		}
	}
	for _, bad := range []string{"!!", "e30x", cursor{HW: "yesterday"}.encode(), cursor{ID: &empty}.encode()} {
		if _, err := decodeCursor(bad); connectors.KindOf(err) != connectors.Permanent {
			t.Errorf("decodeCursor(%q) = %v, want Permanent", bad, err)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want connectors.ErrorKind
	}{
		{&pq.Error{Code: pqerror.UniqueViolation, Message: "duplicate key"}, connectors.Permanent},
		{&pq.Error{Code: pqerror.InvalidPassword}, connectors.Auth},
		{&pq.Error{Code: pqerror.TRSerializationFailure}, connectors.Retryable},
		{&pq.Error{Code: pqerror.AdminShutdown}, connectors.Retryable},
		{&pq.Error{Code: pqerror.TooManyConnections}, connectors.RateLimited},
		{&pq.Error{Code: pqerror.InsufficientPrivilege}, connectors.Auth},
		{errors.New("dial tcp: connection refused"), connectors.Retryable},
	} {
		if got := classify(tc.err).Kind; got != tc.want {
			t.Errorf("classify(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
	if got := classify(&pq.Error{Code: pqerror.TooManyConnections}); got.RetryAfter <= 0 {
		t.Errorf("too many connections: RetryAfter %v, want > 0", got.RetryAfter)
	}
}
