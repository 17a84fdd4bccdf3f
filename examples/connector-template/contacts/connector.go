package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/sdk"
)

// Name, Version and limits of the connector.
const (
	Name     = "contacts"
	Version  = "0.1.0"
	Entity   = "contacts"
	MaxBatch = 500
	// lockWait is how long a call waits for another writer before failing Retryable.
	lockWait = 2 * time.Second
)

// fieldTypes are the fields of a contact and their types, as Discover reports them.
var fieldTypes = map[string]string{
	"name": "string", "email": "string", "phone": "string", "company": "string", "score": "decimal",
}

// Config is the connector's settings.
type Config struct {
	Path  string `json:"path" required:"true" doc:"The JSON file holding the contacts; created on the first write."`
	Token string `json:"token" secret:"true" doc:"Access token; must match the store's if it has one."`
	// WebhookSecret verifies the store's change notifications (see ParseWebhook).
	WebhookSecret string `json:"webhook_secret" secret:"true" doc:"Secret the store signs its change notifications with."`
}

// Validate checks what the tags cannot: the file's directory exists.
func (c *Config) Validate() error {
	if st, err := os.Stat(filepath.Dir(c.Path)); err != nil || !st.IsDir() {
		return fmt.Errorf("path: directory %s does not exist", filepath.Dir(c.Path))
	}
	return nil
}

// errLocked is the store held by another writer for longer than lockWait.
var errLocked = errors.New("store locked by another writer")

// Connector is the contacts connector. Configure sets its config once; calls may then run
// concurrently: they serialise on the store's lock.
type Connector struct {
	cfg atomic.Pointer[Config]
	mu  sync.Mutex // serialises this process's calls; Lock serialises processes
	now func() time.Time
}

// New returns an unconfigured connector.
func New() connectors.Connector {
	return &Connector{now: time.Now}
}

// Spec describes the connector.
func (c *Connector) Spec() connectors.Spec {
	return connectors.Spec{
		Name: Name, Version: Version,
		Capabilities: connectors.Capabilities{Read: true, Write: true, Delete: true, Incremental: true, Webhooks: true, MaxBatch: MaxBatch},
		ConfigSchema: sdk.Schema(Config{}),
	}
}

// Configure decodes and validates the settings.
func (c *Connector) Configure(_ context.Context, raw json.RawMessage) error {
	var cfg Config
	if err := sdk.DecodeSettings(raw, &cfg); err != nil {
		return err
	}
	c.cfg.Store(&cfg)
	return nil
}

// Check opens the store and checks the token.
func (c *Connector) Check(ctx context.Context) error {
	return c.withStore(ctx, func(f *File) (bool, error) { return false, nil })
}

// Discover lists the one entity.
func (c *Connector) Discover(context.Context) (connectors.Catalog, error) {
	e := connectors.EntityInfo{Name: Entity, Fields: []connectors.FieldInfo{{Name: "id", Type: "string"}}}
	for _, name := range []string{"name", "email", "phone", "company", "score"} {
		e.Fields = append(e.Fields, connectors.FieldInfo{Name: name, Type: fieldTypes[name], Nullable: true})
	}
	return connectors.Catalog{Entities: []connectors.EntityInfo{e}}, nil
}

// Close has nothing to release: every call opens and closes the file.
func (c *Connector) Close() error { return nil }

// withStore runs fn on the store under its lock, saving it if fn says it changed it. Failures
// to reach the store are classified here, once, for every method.
func (c *Connector) withStore(ctx context.Context, fn func(*File) (changed bool, err error)) error {
	cfg := c.cfg.Load()
	if cfg == nil {
		return &connectors.OpError{Kind: connectors.Permanent, Message: "not configured"}
	}
	if err := ctx.Err(); err != nil {
		return err // unclassified: Retryable
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	unlock, err := Lock(ctx, cfg.Path, lockWait)
	if errors.Is(err, errLocked) {
		return &connectors.OpError{Kind: connectors.Retryable, Message: err.Error()}
	} else if err != nil {
		return err
	}
	defer unlock()
	f, err := Load(cfg.Path)
	if err != nil {
		return &connectors.OpError{Kind: connectors.Retryable, Message: err.Error()}
	}
	if f.Token != "" && f.Token != cfg.Token {
		return &connectors.OpError{Kind: connectors.Auth, Message: "token rejected by the store", Field: "token"}
	}
	if wait := f.ThrottledUntil.Sub(c.now()); wait > 0 {
		return &connectors.OpError{Kind: connectors.RateLimited, Message: "store throttled", RetryAfter: wait}
	}
	changed, err := fn(f)
	if err != nil || !changed {
		return err
	}
	if err := f.Save(cfg.Path); err != nil {
		return &connectors.OpError{Kind: connectors.Retryable, Message: err.Error()}
	}
	return nil
}

// unknownEntity fails a call for an entity other than contacts.
func unknownEntity(entity string) error {
	return fmt.Errorf("%w: %q (this store has %q): %w", connectors.ErrUnknownEntity, entity, Entity,
		&connectors.OpError{Kind: connectors.Permanent, Message: "unknown entity " + entity})
}
