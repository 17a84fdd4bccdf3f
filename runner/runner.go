// Package runner assembles a running Accord node from its parts: the golden store, a Temporal
// client (to an external cluster or an embedded dev server), the worker and the admin API.
package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/accord-mdm/accord/api"
	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/devserver"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/workflows"
)

// Options say what to run.
type Options struct {
	DataDir string
	// Database is a postgres:// URL or a SQLite path; default <DataDir>/accord.db.
	Database string
	// TemporalAddress is an external Temporal frontend; empty runs the embedded dev server.
	TemporalAddress string
	Namespace       string
	Ephemeral       bool // embedded server keeps its state in memory
	FrontendPort    int
	UIPort          int
	// ConfigDir is the configuration directory; required for a worker.
	ConfigDir string
	// Worker runs the worker (and starts the workflows).
	Worker bool
	// APIAddr, when set, serves the admin API there; APIToken authenticates it.
	APIAddr, APIToken string
	Connectors        connectors.Registry
	Logger            *slog.Logger
}

// Node is a running Accord node. Stop it.
type Node struct {
	Store  *store.Store
	Config *config.Config
	Client client.Client
	Dev    *devserver.Server
	acts   *workflows.Activities
	worker worker.Worker
	api    *http.Server
	hooks  *webhooks
	APIURL string
}

// DatabaseURL is the store the options name.
func (o Options) DatabaseURL() string {
	if o.Database != "" {
		return o.Database
	}
	return filepath.Join(o.DataDir, "accord.db")
}

// Start starts what the options ask for. On error, whatever started is stopped.
func Start(ctx context.Context, o Options) (n *Node, err error) {
	if o.Namespace == "" {
		o.Namespace = devserver.Namespace
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	n = &Node{}
	defer func() {
		if err != nil {
			n.Stop()
			n = nil
		}
	}()
	if o.ConfigDir != "" {
		if n.Config, err = config.Load(o.ConfigDir); err != nil {
			return n, fmt.Errorf("load configuration: %w", err)
		}
		// Refuse a mapping that does not compile now, not when its sync first runs.
		if errs := mapping.Check(n.Config); len(errs) > 0 {
			return n, fmt.Errorf("configuration: %w", errors.Join(errs...))
		}
	}
	if n.Store, err = store.Open(ctx, o.DatabaseURL()); err != nil {
		return n, err
	}
	addr := o.TemporalAddress
	if addr == "" && (o.Worker || o.APIAddr == "") {
		n.Dev, err = devserver.Start(ctx, devserver.Options{
			DataDir: o.DataDir, Ephemeral: o.Ephemeral, FrontendPort: o.FrontendPort, UIPort: o.UIPort,
			SearchAttributes: workflows.SearchAttributes,
		})
		if err != nil {
			return n, fmt.Errorf("embedded temporal: %w", err)
		}
		addr = n.Dev.FrontendAddress()
	}
	if addr != "" {
		n.Client, err = client.DialContext(ctx, client.Options{HostPort: addr, Namespace: o.Namespace, Logger: sdkLogger(o.Logger)})
		if err != nil {
			return n, fmt.Errorf("connect to temporal at %s: %w", addr, err)
		}
	}
	if o.Worker {
		if n.Config == nil {
			return n, errors.New("a worker needs a configuration directory (-f DIR)")
		}
		if err = n.recordConfig(ctx); err != nil {
			return n, err
		}
		n.acts = &workflows.Activities{Store: n.Store, Config: n.Config, Connectors: o.Connectors}
		n.worker = workflows.NewWorker(n.Client, n.acts)
		if err = n.worker.Start(); err != nil {
			return n, fmt.Errorf("start worker: %w", err)
		}
	}
	if o.APIAddr != "" {
		if err = n.startAPI(o); err != nil {
			return n, err
		}
	}
	return n, nil
}

// recordConfig stores the configuration the worker runs with, so every change is versioned.
// Settings are stored as written: secrets are references, never values.
func (n *Node) recordConfig(ctx context.Context) error {
	content, err := json.Marshal(struct {
		Systems map[string]*config.System `json:"systems"`
		Golden  map[string]*config.Golden `json:"golden"`
	}{n.Config.Systems, n.Config.Golden})
	if err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	return n.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.SaveConfigVersion(ctx, n.Config.Hash, content, time.Now().UTC())
		return err
	})
}

func (n *Node) startAPI(o Options) error {
	ln, err := net.Listen("tcp", o.APIAddr)
	if err != nil {
		return fmt.Errorf("admin API on %s: %w", o.APIAddr, err)
	}
	entity := "customer"
	var hooks api.WebhookReceiver
	if n.Config != nil && n.Client != nil && o.Connectors != nil {
		n.hooks = &webhooks{cfg: n.Config, reg: o.Connectors, client: n.Client}
		hooks = n.hooks
	}
	n.api = &http.Server{Handler: api.New(n.Store, entity, o.APIToken, o.Logger, hooks)}
	n.APIURL = "http://" + ln.Addr().String()
	go func() { _ = n.api.Serve(ln) }()
	return nil
}

// StartWorkflows starts the inbound syncs, the classification passes and, when pushes is true,
// the outbound pushes.
func (n *Node) StartWorkflows(ctx context.Context, pushes bool) error {
	if err := workflows.StartSyncs(ctx, n.Client, n.Config); err != nil {
		return err
	}
	if err := workflows.StartClassifiers(ctx, n.Client, n.Config); err != nil {
		return err
	}
	if pushes {
		return workflows.StartPushes(ctx, n.Client, n.Config)
	}
	return nil
}

// Stop stops everything that runs, in reverse order of start.
func (n *Node) Stop() {
	if n.api != nil {
		_ = n.api.Close()
	}
	if n.hooks != nil {
		n.hooks.Close()
	}
	if n.worker != nil {
		n.worker.Stop()
	}
	if n.acts != nil {
		_ = n.acts.Close()
	}
	if n.Client != nil {
		n.Client.Close()
	}
	if n.Dev != nil {
		n.Dev.Stop()
	}
	if n.Store != nil {
		_ = n.Store.Close()
	}
}
