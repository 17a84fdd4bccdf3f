package plugins

import (
	"fmt"
	"os"
	"slices"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/accord-mdm/accord/connectors"
)

// Serve serves impl as a connector plugin and returns when the host ends the session (the
// process should then exit). It is what a plugin's main calls, once, with a new, unconfigured
// connector: the host starts one process per connector instance and calls Configure on it.
// Run by hand rather than by a host, the binary says that it is a plugin and exits with 1.
//
// The gRPC server accepts and sends messages up to the host's limit (EnvMaxMessageBytes).
// Logs go to stderr as JSON lines, which the host relays into its own log: a connector logs
// through Logger or hclog on stderr, and never logs record data.
func Serve(impl connectors.Connector) {
	limit := maxMessageBytes(os.Getenv(EnvMaxMessageBytes))
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  handshake(),
		VersionedPlugins: pluginSets(impl),
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			opts = append(opts, grpc.MaxRecvMsgSize(limit), grpc.MaxSendMsgSize(limit),
				grpc.ChainUnaryInterceptor(recoverPanics))
			return grpc.NewServer(opts...)
		},
		Logger: Logger("plugin"),
	})
}

// ServeBuiltin serves the built-in connector name of registry: the body of the command
// `accord connector serve <name>` that the host runs to start a built-in connector out of
// process (see Builtins and ServeArgs). It returns an error, without serving, for a name the
// registry lacks.
func ServeBuiltin(registry connectors.Registry, name string) error {
	c, err := registry.New(name)
	if err != nil {
		return fmt.Errorf("serve connector: %w", err)
	}
	Serve(c)
	return nil
}

// ServeIfLaunched serves and exits when this process was started as a built-in plugin, with
// the arguments ServeArgs gives (`<exe> connector serve <name>`), and returns otherwise. It lets
// executables other than accord (tests, benchmarks) re-execute themselves as built-ins; accord
// itself serves through its cobra command.
func ServeIfLaunched(registry connectors.Registry) {
	args := os.Args[1:]
	if len(args) != 3 || !slices.Equal(args[:2], ServeArgs("")[:2]) {
		return
	}
	if err := ServeBuiltin(registry, args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Logger returns a logger for a plugin process: JSON lines on stderr, at the level the host
// asked for (EnvLogLevel, default info), which the host parses and relays.
func Logger(name string) hclog.Logger {
	level := hclog.LevelFromString(os.Getenv(EnvLogLevel))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: level, Output: os.Stderr, JSONFormat: true})
}
