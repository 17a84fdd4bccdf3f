package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// method names a call into a plugin, in errors, logs and Timeouts.
type method string

const (
	mSpec      method = "Spec"
	mConfigure method = "Configure"
	mCheck     method = "Check"
	mDiscover  method = "Discover"
	mRead      method = "Read"
	mWrite     method = "Write"
	mClose     method = "Close"
	mWebhook   method = "ParseWebhook"
)

// conn is a connectors.Connector whose implementation runs in a plugin process. It starts the
// process on first use, remembers the settings of a successful Configure, and after a crash or
// a hang (see supervise.go) starts a fresh process on the next call and configures it with
// those settings before making the call.
type conn struct {
	host      *Host
	name      string
	launch    Launch
	launchErr error // the host does not know the connector
	log       hclog.Logger

	mu         sync.Mutex
	proc       *proc // nil: none running
	settings   json.RawMessage
	configured bool
	closed     bool
}

// Spec returns the connector's Spec, asking the plugin once per host. Spec has no context and
// no error in the contract, so it asks under the Spec deadline alone, and if the plugin cannot
// be asked it logs why and returns a Spec with only the name (no capabilities): callers that
// need the reason use Host.Spec.
func (c *conn) Spec() connectors.Spec {
	s, err := c.fetchSpec(context.Background())
	if err != nil {
		c.log.Error("connector spec unavailable", "error", err)
		return connectors.Spec{Name: c.name}
	}
	return s
}

func (c *conn) fetchSpec(ctx context.Context) (connectors.Spec, error) {
	if s, ok := c.host.cachedSpec(c.name); ok {
		return s, nil
	}
	resp, err := invoke(ctx, c, mSpec, false, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.SpecResponse, error) {
		return rpc.Spec(ctx, &pb.SpecRequest{})
	})
	if err != nil {
		return connectors.Spec{}, err
	}
	s := specFromProto(resp)
	c.host.cacheSpec(c.name, s)
	return s, nil
}

// Configure starts the plugin process if none runs, configures it, and on success remembers
// the settings for the processes that replace it.
func (c *conn) Configure(ctx context.Context, settings json.RawMessage) error {
	_, err := invoke(ctx, c, mConfigure, false, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.ConfigureResponse, error) {
		return rpc.Configure(ctx, &pb.ConfigureRequest{Settings: settings})
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.settings = append(json.RawMessage(nil), settings...)
	c.configured = true
	c.mu.Unlock()
	return nil
}

// Check asks the plugin to verify credentials and reachability.
func (c *conn) Check(ctx context.Context) error {
	_, err := invoke(ctx, c, mCheck, true, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.CheckResponse, error) {
		return rpc.Check(ctx, &pb.CheckRequest{})
	})
	return err
}

// Discover asks the plugin for its catalog.
func (c *conn) Discover(ctx context.Context) (connectors.Catalog, error) {
	resp, err := invoke(ctx, c, mDiscover, true, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.DiscoverResponse, error) {
		return rpc.Discover(ctx, &pb.DiscoverRequest{})
	})
	if err != nil {
		return connectors.Catalog{}, err
	}
	return catalogFromProto(resp), nil
}

// ParseWebhook has the plugin verify a notification; a plugin without webhooks fails it with
// an error wrapping connectors.ErrNoWebhooks.
func (c *conn) ParseWebhook(ctx context.Context, req connectors.WebhookRequest) ([]connectors.WebhookEvent, error) {
	resp, err := invoke(ctx, c, mWebhook, true, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.ParseWebhookResponse, error) {
		return rpc.ParseWebhook(ctx, webhookRequestToProto(req))
	})
	if err != nil {
		return nil, err
	}
	return webhookEventsFromProto(resp), nil
}

// Read asks the plugin for one page.
func (c *conn) Read(ctx context.Context, req connectors.ReadRequest) (connectors.ReadResponse, error) {
	resp, err := invoke(ctx, c, mRead, true, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.ReadResponse, error) {
		return rpc.Read(ctx, readRequestToProto(req))
	})
	if err != nil {
		return connectors.ReadResponse{}, err
	}
	out, err := readResponseFromProto(resp)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("plugin %s: %s: %w", c.name, mRead, permanentError("receive page", err))
	}
	return out, nil
}

// Write sends the ops that can travel and reports the others (a value JSON cannot encode, an
// unknown kind) as failed Permanent, without failing the batch.
func (c *conn) Write(ctx context.Context, req connectors.WriteRequest) (connectors.WriteResponse, error) {
	preq := &pb.WriteRequest{Entity: req.Entity, Ops: make([]*pb.WriteOp, 0, len(req.Ops))}
	var bad []*connectors.OpError
	for i, op := range req.Ops {
		pop, err := writeOpToProto(op)
		if err != nil {
			if bad == nil {
				bad = make([]*connectors.OpError, len(req.Ops))
			}
			bad[i] = &connectors.OpError{Kind: connectors.Permanent, Message: err.Error()}
			continue
		}
		preq.Ops = append(preq.Ops, pop)
	}
	if len(req.Ops) > 0 && len(preq.Ops) == 0 {
		return mergeResults(nil, bad), nil
	}
	resp, err := invoke(ctx, c, mWrite, true, func(ctx context.Context, rpc pb.ConnectorServiceClient) (*pb.WriteResponse, error) {
		return rpc.Write(ctx, preq)
	})
	if err != nil {
		return connectors.WriteResponse{}, err
	}
	got := writeResponseFromProto(resp)
	if len(got.Results) != len(preq.Ops) {
		return connectors.WriteResponse{}, fmt.Errorf("plugin %s: %s: %w", c.name, mWrite,
			permanentError("receive results", fmt.Errorf("%d results for %d ops", len(got.Results), len(preq.Ops))))
	}
	return mergeResults(got.Results, bad), nil
}

// Close asks the plugin to release its resources, then ends the process: it gets
// Options.StopGrace to exit by itself before it is killed. Closing twice is harmless.
func (c *conn) Close() error {
	c.mu.Lock()
	p, wasClosed := c.proc, c.closed
	c.proc, c.closed = nil, true
	c.mu.Unlock()
	defer c.host.forget(c)
	if wasClosed || p == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.host.timeout(mClose))
	defer cancel()
	_, err := p.rpc.Close(ctx, &pb.CloseRequest{})
	p.stop(c.host.opts.StopGrace)
	if re, ok := errorFromStatus(err); ok {
		return fmt.Errorf("plugin %s: %s: %w", c.name, mClose, re)
	}
	if err != nil { // the process is gone either way, and with it what it held
		c.log.Warn("plugin did not close cleanly; process ended", "error", err)
	}
	return nil
}

// errors of a connector that cannot be called.
var (
	errClosed        = errors.New("connector is closed")
	errNotConfigured = errors.New("connector is not configured (Configure first)")
)
