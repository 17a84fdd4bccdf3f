package runner

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"go.temporal.io/sdk/client"

	"github.com/accord-mdm/accord/api"
	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/workflows"
)

// webhooks receives change notifications for the admin API: the system's connector verifies
// each, and the inbound syncs of the entities it names are told to read now. The records
// themselves are read by the syncs as usual, so a notification never carries data into Accord.
type webhooks struct {
	cfg    *config.Config
	reg    connectors.Registry
	client client.Client

	mu    sync.Mutex
	conns map[string]connectors.Connector // configured, by system
}

// Receive implements api.WebhookReceiver.
func (w *webhooks) Receive(ctx context.Context, system string, req connectors.WebhookRequest) ([]string, error) {
	sys, ok := w.cfg.Systems[system]
	if !ok {
		return nil, fmt.Errorf("%w %q", api.ErrUnknownSystem, system)
	}
	conn, err := w.conn(ctx, sys)
	if err != nil {
		return nil, err
	}
	wp, ok := conn.(connectors.WebhookParser)
	if !ok || !conn.Spec().Capabilities.Webhooks {
		return nil, fmt.Errorf("%s (connector %s): %w", system, sys.Connector, connectors.ErrNoWebhooks)
	}
	events, err := wp.ParseWebhook(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", system, err)
	}
	var synced []string
	for _, ev := range events {
		for entity, b := range sys.Entities {
			if b.Object != ev.Entity || !b.Direction.In() || slices.Contains(synced, entity) {
				continue
			}
			err := w.client.SignalWorkflow(ctx, workflows.SyncWorkflowID(system, entity), "", workflows.SignalSyncNow, nil)
			if err != nil {
				return synced, fmt.Errorf("%s: nudge the %s sync: %w", system, entity, err)
			}
			synced = append(synced, entity)
		}
	}
	slices.Sort(synced)
	return synced, nil
}

// conn returns the system's configured connector, made on first use.
func (w *webhooks) conn(ctx context.Context, sys *config.System) (connectors.Connector, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.conns[sys.Name]; ok {
		return c, nil
	}
	c, err := w.reg.New(sys.Connector)
	if err != nil {
		return nil, err
	}
	settings, err := sys.SettingsJSON()
	if err == nil {
		err = c.Configure(ctx, settings)
	}
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("%s: configure %s: %w", sys.Name, sys.Connector, err)
	}
	if w.conns == nil {
		w.conns = map[string]connectors.Connector{}
	}
	w.conns[sys.Name] = c
	return c, nil
}

// Close closes the connectors it configured.
func (w *webhooks) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.conns {
		_ = c.Close()
	}
	w.conns = nil
}
