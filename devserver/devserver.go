// Package devserver runs an embedded Temporal server and the Temporal UI on loopback, so that
// `accord dev` and `accord demo` need nothing installed.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// Namespace is the only namespace the embedded server creates.
const Namespace = "default"

// Options configure the embedded server. Zero values take the documented defaults.
type Options struct {
	// DataDir holds the server's SQLite file (temporal.db). Ignored when Ephemeral.
	DataDir string
	// Ephemeral keeps the server's state in memory.
	Ephemeral bool
	// IP to bind; always a loopback address unless the caller insists (default 127.0.0.1).
	IP string
	// FrontendPort is the gRPC frontend port (default 7233; 0 after Defaults means pick a free one).
	FrontendPort int
	// UIPort is the Temporal UI port (default 8233); negative disables the UI.
	UIPort int
	// SearchAttributes are registered in the namespace at start.
	SearchAttributes map[string]enumspb.IndexedValueType
	// LogLevel of the server's own log (default "warn").
	LogLevel string
	// LogFile receives the server's log (default <DataDir>/temporal.log; stderr when Ephemeral
	// and no DataDir). The server logs routine shutdown noise at error level, so it does not go
	// to the terminal.
	LogFile string
}

// Server is a running embedded Temporal server with its UI.
type Server struct {
	opts   Options
	server temporal.Server
	ui     *uiserver.Server
}

// FrontendAddress is host:port of the gRPC frontend.
func (s *Server) FrontendAddress() string {
	return net.JoinHostPort(s.opts.IP, strconv.Itoa(s.opts.FrontendPort))
}

// UIURL is the base URL of the Temporal UI, or "" when the UI is disabled.
func (s *Server) UIURL() string {
	if s.ui == nil {
		return ""
	}
	return "http://" + net.JoinHostPort(s.opts.IP, strconv.Itoa(s.opts.UIPort))
}

// Start builds and starts the server and UI, waits until the frontend answers, and registers the
// search attributes. The caller must Stop it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	if opts.FrontendPort == 0 {
		opts.FrontendPort = 7233
	}
	if opts.UIPort == 0 {
		opts.UIPort = 8233
	}
	if opts.LogLevel == "" {
		opts.LogLevel = "warn"
	}
	if opts.LogFile == "" && opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		opts.LogFile = filepath.Join(opts.DataDir, "temporal.log")
	}
	if err := checkPortFree(opts.IP, opts.FrontendPort); err != nil {
		return nil, fmt.Errorf("temporal frontend: %w", err)
	}
	if opts.UIPort > 0 {
		if err := checkPortFree(opts.IP, opts.UIPort); err != nil {
			return nil, fmt.Errorf("temporal UI: %w", err)
		}
	}
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: opts.LogLevel, Format: "json", OutputFile: opts.LogFile}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporal authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporal claim mapper: %w", err)
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	for name, svc := range cfg.Services {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(net.JoinHostPort(opts.IP, strconv.Itoa(svc.RPC.GRPCPort)))
	}
	dyn := dynamicconfig.StaticClient{
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8192,
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dyn),
	)
	if err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	s := &Server{opts: opts, server: srv}
	if opts.UIPort > 0 {
		s.ui = uiserver.NewServer(uiserveroptions.WithConfigProvider(&uiconfig.Config{
			Host:                opts.IP,
			Port:                opts.UIPort,
			TemporalGRPCAddress: s.FrontendAddress(),
			EnableUI:            true,
			CORS:                uiconfig.CORS{CookieInsecure: true},
			HideLogs:            true,
			DisableNewsFetch:    true,
		}))
		go func() { _ = s.ui.Start() }() // Start blocks until Stop.
	}
	if err := s.registerSearchAttributes(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop stops the UI and the server.
func (s *Server) Stop() {
	if s.ui != nil {
		s.ui.Stop()
	}
	_ = s.server.Stop()
}

// registerSearchAttributes makes sure every configured search attribute exists, also in a data
// directory created by an older version that registered fewer.
func (s *Server) registerSearchAttributes(ctx context.Context) error {
	if len(s.opts.SearchAttributes) == 0 {
		return nil
	}
	c, err := sdkclient.DialContext(ctx, sdkclient.Options{HostPort: s.FrontendAddress(), Namespace: Namespace, Logger: quietLogger{}})
	if err != nil {
		return fmt.Errorf("connect to embedded temporal: %w", err)
	}
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: Namespace})
		if err == nil {
			missing := map[string]enumspb.IndexedValueType{}
			for name, typ := range s.opts.SearchAttributes {
				if _, ok := resp.CustomAttributes[name]; !ok {
					missing[name] = typ
				}
			}
			if len(missing) == 0 {
				return nil
			}
			_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
				Namespace: Namespace, SearchAttributes: missing,
			})
			var exists *serviceerror.AlreadyExists
			if err == nil || errors.As(err, &exists) {
				continue
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("register search attributes: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func buildConfig(opts Options) (*config.Config, error) {
	sqlCfg := &config.SQL{PluginName: sqliteplugin.PluginName}
	if opts.Ephemeral {
		sqlCfg.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		sqlCfg.DatabaseName = "accord-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	} else {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		sqlCfg.ConnectAttributes = map[string]string{"mode": "rwc", "_journal_mode": "WAL", "_busy_timeout": "5000"}
		sqlCfg.DatabaseName = filepath.Join(opts.DataDir, "temporal.db")
		if _, err := os.Stat(sqlCfg.DatabaseName); errors.Is(err, os.ErrNotExist) {
			if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
				return nil, fmt.Errorf("temporal schema: %w", err)
			}
		}
	}
	// An in-memory database gets its schema from the SQLite plugin itself on first connect.
	ns, err := sqliteschema.NewNamespaceConfig("active", Namespace, false, opts.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("namespace config: %w", err)
	}
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("create namespace: %w", err)
	}

	var cfg config.Config
	cfg.Global.Membership.MaxJoinDuration = 30 * time.Second
	cfg.Global.Membership.BroadcastAddress = opts.IP
	cfg.Persistence.DefaultStore = "sqlite"
	cfg.Persistence.VisibilityStore = "sqlite"
	cfg.Persistence.NumHistoryShards = 1
	cfg.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: sqlCfg}}
	frontend := net.JoinHostPort(opts.IP, strconv.Itoa(opts.FrontendPort))
	httpPort, err := freePort(opts.IP)
	if err != nil {
		return nil, err
	}
	cfg.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        "active",
		CurrentClusterName:       "active",
		ClusterInformation: map[string]cluster.ClusterInformation{
			"active": {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            net.JoinHostPort(opts.IP, strconv.Itoa(httpPort)),
				ClusterID:              "accord-dev",
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"
	cfg.Services = map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		var svc config.Service
		svc.RPC.BindOnIP = opts.IP
		if name == "frontend" {
			svc.RPC.GRPCPort = opts.FrontendPort
			svc.RPC.HTTPPort = httpPort
		} else {
			p, err := freePort(opts.IP)
			if err != nil {
				return nil, err
			}
			svc.RPC.GRPCPort = p
		}
		cfg.Services[name] = svc
	}
	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"
	cfg.PublicClient.HostPort = frontend
	return &cfg, nil
}

func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func checkPortFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d on %s is taken (another `accord dev` or Temporal server running?): %w", port, ip, err)
	}
	return l.Close()
}

// quietLogger drops the SDK client's own log lines during start-up polling.
type quietLogger struct{}

func (quietLogger) Debug(string, ...interface{}) {}
func (quietLogger) Info(string, ...interface{})  {}
func (quietLogger) Warn(string, ...interface{})  {}
func (quietLogger) Error(string, ...interface{}) {}
