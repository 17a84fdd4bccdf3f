package sqltable

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// Drivers the connector speaks, as registered with database/sql.
const (
	driverSQLite   = "sqlite"
	driverPostgres = "postgres"
)

const defaultOverlap = 2 * time.Second

// settings is the JSON object Configure accepts.
type settings struct {
	Driver  string                   `json:"driver"`
	DSN     string                   `json:"dsn"`
	Overlap string                   `json:"overlap"`
	Tables  map[string]tableSettings `json:"tables"`
}

// tableSettings names the columns of one table.
type tableSettings struct {
	Key        string `json:"key"`
	UpdatedAt  string `json:"updated_at"`
	Deleted    string `json:"deleted"`
	DeleteMode string `json:"delete_mode"`
}

// Delete modes.
const (
	deleteSoft = "soft"
	deleteHard = "hard"
)

// invalid returns an error wrapping connectors.ErrInvalidConfig that names the setting.
func invalid(setting, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", connectors.ErrInvalidConfig, setting, fmt.Sprintf(format, args...))
}

// parseSettings decodes and validates the settings; it fills in defaults (overlap, delete
// mode) and returns the overlap as a duration.
func parseSettings(raw json.RawMessage) (settings, time.Duration, error) {
	var s settings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, 0, fmt.Errorf("%w: decode settings: %w", connectors.ErrInvalidConfig, err)
	}
	switch s.Driver {
	case driverSQLite, driverPostgres:
	case "":
		return s, 0, invalid("driver", "required (sqlite or postgres)")
	default:
		return s, 0, invalid("driver", "unknown driver %q (want sqlite or postgres)", s.Driver)
	}
	if strings.TrimSpace(s.DSN) == "" {
		return s, 0, invalid("dsn", "required")
	}
	overlap := defaultOverlap
	if s.Overlap != "" {
		d, err := time.ParseDuration(s.Overlap)
		if err != nil {
			return s, 0, invalid("overlap", "not a duration: %v", err)
		}
		if d < 0 {
			return s, 0, invalid("overlap", "must not be negative")
		}
		overlap = d
	}
	if len(s.Tables) == 0 {
		return s, 0, invalid("tables", "at least one table is required")
	}
	for name, ts := range s.Tables {
		checked, err := checkTableSettings(name, ts)
		if err != nil {
			return s, 0, err
		}
		s.Tables[name] = checked
	}
	return s, overlap, nil
}

// checkTableSettings validates one table's settings and defaults its delete mode.
func checkTableSettings(name string, ts tableSettings) (tableSettings, error) {
	prefix := "tables." + name
	if name == "" {
		return ts, invalid("tables", "empty table name")
	}
	if ts.Key == "" {
		return ts, invalid(prefix+".key", "required")
	}
	if ts.UpdatedAt == "" {
		return ts, invalid(prefix+".updated_at", "required")
	}
	if ts.UpdatedAt == ts.Key {
		return ts, invalid(prefix+".updated_at", "must differ from key")
	}
	if ts.Deleted != "" && (ts.Deleted == ts.Key || ts.Deleted == ts.UpdatedAt) {
		return ts, invalid(prefix+".deleted", "must differ from key and updated_at")
	}
	switch ts.DeleteMode {
	case "":
		ts.DeleteMode = deleteHard
		if ts.Deleted != "" {
			ts.DeleteMode = deleteSoft
		}
	case deleteSoft:
		if ts.Deleted == "" {
			return ts, invalid(prefix+".delete_mode", "soft needs a deleted column")
		}
	case deleteHard:
	default:
		return ts, invalid(prefix+".delete_mode", "unknown mode %q (want soft or hard)", ts.DeleteMode)
	}
	return ts, nil
}

// configSchema is the JSON Schema of settings, published in Spec.
const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "sqltable connector settings",
  "type": "object",
  "required": ["driver", "dsn", "tables"],
  "additionalProperties": false,
  "properties": {
    "driver": {"enum": ["sqlite", "postgres"], "description": "Database driver."},
    "dsn": {"type": "string", "minLength": 1,
      "description": "SQLite file path or file: URI, or PostgreSQL connection URL."},
    "overlap": {"type": "string", "default": "2s",
      "description": "Go duration re-read on every poll after catching up, to catch late commits."},
    "tables": {
      "type": "object", "minProperties": 1,
      "description": "Entities by table name.",
      "additionalProperties": {
        "type": "object",
        "required": ["key", "updated_at"],
        "additionalProperties": false,
        "properties": {
          "key": {"type": "string", "minLength": 1, "description": "Unique key column; the record ID."},
          "updated_at": {"type": "string", "minLength": 1,
            "description": "Last-modified column: timestamptz (PostgreSQL) or TEXT 2006-01-02T15:04:05.000000Z (SQLite)."},
          "deleted": {"type": "string", "description": "Optional soft-delete flag column."},
          "delete_mode": {"enum": ["soft", "hard"],
            "description": "soft sets the deleted column (default when one is given); hard deletes the row."}
        }
      }
    }
  }
}`
