package tryton

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

const (
	defaultOverlap = 2 * time.Second
	defaultTimeout = 60 * time.Second
)

// Delete modes of customers.
const (
	deleteArchive = "archive" // set active = false: Tryton keeps the party and its history
	deleteRemove  = "delete"  // delete the party: Tryton refuses when sales or moves use it
)

// settings is the JSON object Configure accepts.
type settings struct {
	URL        string `json:"url"`
	Username   string `json:"username"`
	Password   string `json:"password"`
	Overlap    string `json:"overlap"`
	Timeout    string `json:"timeout"`
	DeleteMode string `json:"delete_mode"`
}

// config is the validated settings.
type config struct {
	url, username, password string
	overlap, timeout        time.Duration
	deleteMode              string
}

const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "url": {"type": "string", "description": "JSON-RPC URL of the database: http://host:8000/<database>/"},
    "username": {"type": "string", "description": "Tryton login"},
    "password": {"type": "string", "description": "password of the login (a ${env:…} or ${file:…} reference)"},
    "overlap": {"type": "string", "description": "how far incremental reads look back before the last change seen (default 2s)"},
    "timeout": {"type": "string", "description": "timeout of one JSON-RPC call (default 60s)"},
    "delete_mode": {"enum": ["archive", "delete"], "description": "what deleting a customer does (default archive)"}
  },
  "required": ["url", "username", "password"],
  "additionalProperties": false
}`

// invalid returns an error wrapping connectors.ErrInvalidConfig that names the setting.
func invalid(setting, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", connectors.ErrInvalidConfig, setting, fmt.Sprintf(format, args...))
}

// parseSettings decodes and validates the settings and fills in defaults.
func parseSettings(raw json.RawMessage) (config, error) {
	var s settings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return config{}, fmt.Errorf("%w: decode settings: %w", connectors.ErrInvalidConfig, err)
	}
	u, err := url.Parse(s.URL)
	switch {
	case s.URL == "":
		return config{}, invalid("url", "required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return config{}, invalid("url", "want http(s)://host:port/<database>/")
	case strings.Trim(u.Path, "/") == "":
		return config{}, invalid("url", "names no database: want http(s)://host:port/<database>/")
	case s.Username == "":
		return config{}, invalid("username", "required")
	case s.Password == "":
		return config{}, invalid("password", "required")
	}
	cfg := config{url: strings.TrimSuffix(s.URL, "/") + "/", username: s.Username, password: s.Password,
		overlap: defaultOverlap, timeout: defaultTimeout, deleteMode: deleteArchive}
	if cfg.overlap, err = duration("overlap", s.Overlap, defaultOverlap); err != nil {
		return config{}, err
	}
	if cfg.timeout, err = duration("timeout", s.Timeout, defaultTimeout); err != nil {
		return config{}, err
	}
	if cfg.timeout == 0 {
		return config{}, invalid("timeout", "must be positive")
	}
	switch s.DeleteMode {
	case "":
	case deleteArchive, deleteRemove:
		cfg.deleteMode = s.DeleteMode
	default:
		return config{}, invalid("delete_mode", "%q: want archive or delete", s.DeleteMode)
	}
	return cfg, nil
}

// duration parses a non-negative duration setting, def when empty.
func duration(name, text string, def time.Duration) (time.Duration, error) {
	if text == "" {
		return def, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, invalid(name, "not a duration: %v", err)
	}
	if d < 0 {
		return 0, invalid(name, "must not be negative")
	}
	return d, nil
}
