package sdk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/sdk"
)

type table struct {
	Key  string `json:"key" required:"true" doc:"Key column."`
	Mode string `json:"mode" enum:"soft,hard"`
}

type config struct {
	Driver  string           `json:"driver" required:"true" enum:"sqlite,postgres" doc:"Database driver."`
	DSN     string           `json:"dsn" required:"true" secret:"true"`
	Overlap sdk.Duration     `json:"overlap"`
	Tables  map[string]table `json:"tables" required:"true"`
	Tags    []string         `json:"tags,omitempty"`
	Limit   int              `json:"limit"`
	ignored string
}

func (c *config) Validate() error {
	if c.Limit < 0 {
		return errors.New("limit: must not be negative")
	}
	return nil
}

func TestDecodeSettings(t *testing.T) {
	var c config
	raw := `{"driver": "sqlite", "dsn": "a.db", "overlap": "1m30s", "tables": {"accounts": {"key": "id", "mode": "soft"}}}`
	if err := sdk.DecodeSettings(json.RawMessage(raw), &c); err != nil {
		t.Fatalf("DecodeSettings: %v", err)
	}
	if c.Driver != "sqlite" || time.Duration(c.Overlap) != 90*time.Second || c.Tables["accounts"].Key != "id" {
		t.Errorf("decoded %+v", c)
	}
}

func TestDecodeSettingsRejects(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`not json`, "decode settings"},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"key": "k"}}} {}`, "data after"},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"key": "k"}}, "extra": 1}`, `unknown field "extra"`},
		{`{"dsn": "a", "tables": {"t": {"key": "k"}}}`, "driver: required"},
		{`{"driver": "mysql", "dsn": "a", "tables": {"t": {"key": "k"}}}`, `driver: "mysql" is not one of sqlite, postgres`},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"mode": "soft"}}}`, "tables.t.key: required"},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"key": "k", "mode": "x"}}}`, "tables.t.mode"},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"key": "k"}}, "overlap": "soon"}`, "duration"},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"key": "k"}}, "overlap": "-1s"}`, "negative"},
		{`{"driver": "sqlite", "dsn": "a", "tables": {"t": {"key": "k"}}, "limit": -1}`, "limit: must not be negative"},
	}
	for _, tt := range tests {
		var c config
		err := sdk.DecodeSettings(json.RawMessage(tt.raw), &c)
		if !errors.Is(err, connectors.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodeSettings(%s) = %v, want ErrInvalidConfig saying %q", tt.raw, err, tt.want)
		}
	}
}

func TestDurationRoundTrip(t *testing.T) {
	raw, err := json.Marshal(sdk.Duration(1500 * time.Millisecond))
	if err != nil || string(raw) != `"1.5s"` {
		t.Errorf("marshal = %s, %v", raw, err)
	}
}

func ExampleSchema() {
	fmt.Println(string(sdk.Schema(config{})))
	// Output:
	// {"$schema":"https://json-schema.org/draft/2020-12/schema","additionalProperties":false,"properties":{"driver":{"description":"Database driver.","enum":["sqlite","postgres"],"type":"string"},"dsn":{"type":"string","writeOnly":true},"limit":{"type":"integer"},"overlap":{"pattern":"^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$","type":"string"},"tables":{"additionalProperties":{"additionalProperties":false,"properties":{"key":{"description":"Key column.","type":"string"},"mode":{"enum":["soft","hard"],"type":"string"}},"required":["key"],"type":"object"},"type":"object"},"tags":{"items":{"type":"string"},"type":"array"}},"required":["driver","dsn","tables"],"type":"object"}
}
