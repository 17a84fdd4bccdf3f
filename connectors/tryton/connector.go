package tryton

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// Version is the connector's version.
const Version = "0.1.0"

// maxBatch is the largest page or write batch. A batch of creates is one Tryton call; updates
// are a call each, so a full batch of updates takes a few seconds.
const maxBatch = 500

// defaultPage is the page size of a Read without a limit.
const defaultPage = 200

type connector struct {
	cfg config
	rpc *rpcClient

	// createMu serialises creates: Tryton numbers parties from a sequence that, on SQLite,
	// concurrent transactions can read alike, which fails one create as a duplicate code.
	createMu sync.Mutex

	mu        sync.Mutex
	countries map[string]int64 // ISO code → id, loaded on first use
	codes     map[int64]string // id → ISO code
}

// New returns an unconfigured Tryton connector.
func New() connectors.Connector {
	return &connector{}
}

func (c *connector) Spec() connectors.Spec {
	return connectors.Spec{
		Name:    "tryton",
		Version: Version,
		Capabilities: connectors.Capabilities{
			Read: true, Write: true, Delete: true, Incremental: true, MaxBatch: maxBatch,
		},
		ConfigSchema: json.RawMessage(configSchema),
	}
}

func (c *connector) Configure(_ context.Context, raw json.RawMessage) error {
	cfg, err := parseSettings(raw)
	if err != nil {
		return err
	}
	c.cfg = cfg
	c.rpc = newRPCClient(cfg.url, cfg.username, cfg.password, cfg.timeout)
	return nil
}

// Check logs in and reads one party, which needs the party module and read access to it.
func (c *connector) Check(ctx context.Context) error {
	if err := c.ready(); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	var n json.Number
	if err := c.rpc.call(ctx, "model.party.party.search_count", []any{[]any{}}, nil, &n); err != nil {
		return fmt.Errorf("check: count parties: %w", err)
	}
	return nil
}

func (c *connector) Discover(_ context.Context) (connectors.Catalog, error) {
	var cat connectors.Catalog
	for _, e := range entityList {
		cat.Entities = append(cat.Entities, connectors.EntityInfo{Name: e.name, Fields: e.fields})
	}
	return cat, nil
}

func (c *connector) Close() error {
	if c.rpc != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c.rpc.logout(ctx)
		c.rpc.close()
	}
	return nil
}

// ready fails a call made before Configure.
func (c *connector) ready() error {
	if c.rpc == nil {
		return errors.New("connector is not configured")
	}
	return nil
}

// entityNamed returns the entity or an error wrapping ErrUnknownEntity.
func entityNamed(name string) (*entity, error) {
	for _, e := range entityList {
		if e.name == name {
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: %q (tryton has customer, sale, invoice)", connectors.ErrUnknownEntity, name)
}

// countryID returns the id of the country with ISO code, loading the table once.
func (c *connector) countryID(ctx context.Context, code string) (int64, bool, error) {
	if err := c.loadCountries(ctx); err != nil {
		return 0, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.countries[code]
	return id, ok, nil
}

// countryCode returns the ISO code of a country id.
func (c *connector) countryCode(ctx context.Context, id int64) (string, error) {
	if err := c.loadCountries(ctx); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codes[id], nil
}

func (c *connector) loadCountries(ctx context.Context) error {
	c.mu.Lock()
	loaded := c.countries != nil
	c.mu.Unlock()
	if loaded {
		return nil
	}
	var rows []map[string]any
	params := []any{[]any{}, 0, nil, nil, []string{"id", "code"}}
	if err := c.rpc.call(ctx, "model.country.country.search_read", params, map[string]any{"active_test": false}, &rows); err != nil {
		return fmt.Errorf("load countries: %w", err)
	}
	byCode, byID := map[string]int64{}, map[int64]string{}
	for _, r := range rows {
		id, ok := idOf(r["id"])
		if code := str(r["code"]); ok && code != "" {
			byCode[code], byID[id] = id, code
		}
	}
	c.mu.Lock()
	c.countries, c.codes = byCode, byID
	c.mu.Unlock()
	return nil
}
