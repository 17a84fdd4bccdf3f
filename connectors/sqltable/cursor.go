package sqltable

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/accord-mdm/accord/connectors"
)

// cursor is the resume point of Read. Encoded it is base64 (URL alphabet, no padding) of its
// JSON; the zero cursor encodes as "" and means "from the beginning".
type cursor struct {
	// TS is the position's updated_at text; "" reads from the first row.
	TS string `json:"ts,omitempty"`
	// ID is the key of the last row read at TS; nil starts at the first row of TS. A pointer
	// because "" is a legal key.
	ID *string `json:"id,omitempty"`
	// HW is the largest updated_at seen so far (tsLayout), the base of the overlap rewind.
	HW string `json:"hw,omitempty"`
}

// encode renders the cursor for ReadResponse.NextCursor.
func (c cursor) encode() string {
	if c == (cursor{}) {
		return ""
	}
	b, err := json.Marshal(c)
	if err != nil { // strings and a pointer to one cannot fail to marshal
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses a cursor from ReadRequest.Cursor. A malformed cursor is a Permanent
// error: retrying the same cursor cannot help.
func decodeCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, badCursor("not base64: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, badCursor("not a cursor: %v", err)
	}
	if dec.More() {
		return c, badCursor("not a cursor: trailing data")
	}
	if c.ID != nil && c.TS == "" {
		return c, badCursor("key without timestamp")
	}
	for _, ts := range []string{c.TS, c.HW} {
		if ts == "" {
			continue
		}
		if _, err := parseTS(ts); err != nil {
			return c, badCursor("%v", err)
		}
	}
	return c, nil
}

func badCursor(format string, args ...any) error {
	return fmt.Errorf("decode cursor: %w", &connectors.OpError{
		Kind:    connectors.Permanent,
		Message: fmt.Sprintf(format, args...),
	})
}
