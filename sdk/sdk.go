// Package sdk is what a connector author needs besides the contract in package connectors:
// Serve, the whole main of a plugin binary, and helpers that turn a settings struct into a
// decoder with validation (DecodeSettings) and a JSON Schema (Schema) for Spec.ConfigSchema.
//
// A connector is a config struct and a type implementing connectors.Connector:
//
//	type Config struct {
//		Path string `json:"path" required:"true" doc:"JSON file holding the contacts."`
//	}
//
//	func (c *Connector) Configure(ctx context.Context, raw json.RawMessage) error {
//		var cfg Config
//		if err := sdk.DecodeSettings(raw, &cfg); err != nil {
//			return err // wraps connectors.ErrInvalidConfig and names the setting
//		}
//		…
//	}
//
//	func main() { sdk.Serve(contacts.New) }
//
// See docs/connectors.md and examples/connector-template.
package sdk

import (
	"github.com/hashicorp/go-hclog"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/plugins"
)

// Serve serves the connector newConnector makes as an Accord plugin and returns when the host
// ends the session; it is the one call a plugin's main makes. The host starts a process per
// connector instance, so Serve makes one connector. Run by hand, the binary says it is a
// plugin and exits with status 1.
func Serve(newConnector func() connectors.Connector) {
	plugins.Serve(newConnector())
}

// Logger returns a logger for a connector in a plugin process: the host relays its lines into
// Accord's log. Log what the connector does (requests, counts, durations, IDs), never record
// field values or credentials.
func Logger(name string) hclog.Logger {
	return plugins.Logger(name)
}
