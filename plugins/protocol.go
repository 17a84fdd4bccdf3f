// Package plugins runs connectors out of process: the host side starts a connector's plugin
// process with hashicorp/go-plugin (gRPC only, AutoMTLS, SHA-256 checksum, an empty environment
// plus an allow-list, a deadline on every call) and hands it out as a connectors.Connector; the
// serve side (Serve, ServeBuiltin) is what such a process runs. The protocol is
// plugins/proto/connector/v1, and wire and contract meet only in the converters of this package.
//
// Built-in connectors cross the same boundary as third-party ones: the host re-executes its own
// binary (`accord connector serve <name>`, see Builtins and ServeBuiltin). Third-party plugins
// are binaries recorded in a plugins directory's manifest (Install, List).
package plugins

import (
	"context"
	"strconv"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// ProtocolVersion is the application protocol version host and plugin negotiate: the
// accord.connector.v1 service. A plugin built for another version is refused at start.
const ProtocolVersion = 1

// The handshake cookie: go-plugin passes it in the plugin's environment, and a binary started
// without it (run by hand) says it is a plugin and exits, instead of waiting for a host.
const (
	magicCookieKey   = "ACCORD_PLUGIN"
	magicCookieValue = "c0nnect0r-9f2c4a7e1b8d"
)

// pluginName is the one plugin a connector process serves.
const pluginName = "connector"

// Environment the host sets for every plugin process, besides go-plugin's own variables.
const (
	// EnvMaxMessageBytes is the gRPC message size limit, both ways, that the plugin's server
	// uses; the host sets it to its own limit.
	EnvMaxMessageBytes = "ACCORD_PLUGIN_MAX_MESSAGE_BYTES"
	// EnvLogLevel is the hclog level the plugin should log at (trace … error).
	EnvLogLevel = "ACCORD_PLUGIN_LOG_LEVEL"
)

// DefaultMaxMessageBytes is the default gRPC message size limit: 64 MiB both ways.
const DefaultMaxMessageBytes = 64 << 20

func handshake() plugin.HandshakeConfig {
	return plugin.HandshakeConfig{
		ProtocolVersion:  ProtocolVersion,
		MagicCookieKey:   magicCookieKey,
		MagicCookieValue: magicCookieValue,
	}
}

// pluginSets are the versioned plugin sets; impl is nil on the host side.
func pluginSets(impl connectors.Connector) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		ProtocolVersion: {pluginName: &connectorPlugin{impl: impl}},
	}
}

// connectorPlugin is the go-plugin glue: it registers the server on the plugin side and makes
// the gRPC stub on the host side.
type connectorPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl connectors.Connector
}

// GRPCServer registers the connector service on the plugin's gRPC server.
func (p *connectorPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterConnectorServiceServer(s, &server{impl: p.impl})
	return nil
}

// GRPCClient returns the stub of the connector service for the host.
func (p *connectorPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return pb.NewConnectorServiceClient(c), nil
}

// maxMessageBytes parses a size limit, falling back to the default for a missing or bad one.
func maxMessageBytes(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return DefaultMaxMessageBytes
	}
	return n
}
