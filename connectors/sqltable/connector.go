package sqltable

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // registers driver "postgres"
	_ "modernc.org/sqlite" // registers driver "sqlite"

	"github.com/accord-mdm/accord/connectors"
)

// Name and version of the connector, as Spec reports them.
const (
	Name    = "sqltable"
	Version = "0.1.0"
)

// MaxBatch is the largest Read limit and Write batch; larger read limits are clamped to it.
const MaxBatch = 5000

// DefaultPageSize is the Read limit used when a request asks for none (Limit <= 0).
const DefaultPageSize = 1000

// sqlitePragmas are appended to every SQLite DSN: wait for locks rather than fail at once,
// and let readers proceed while a writer writes.
const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"

var errNotConfigured = errors.New("sqltable: not configured")

// connector implements connectors.Connector. Its state is set once by Configure and read
// without locks afterwards.
type connector struct {
	st  atomic.Pointer[state]
	now func() time.Time // the clock of writes; tests replace it
}

// state is what Configure prepares; it is immutable once published.
type state struct {
	db      *sqlx.DB
	driver  string
	overlap time.Duration
	tables  map[string]*table
}

// New returns an unconfigured sqltable connector.
func New() connectors.Connector {
	return &connector{now: time.Now}
}

// Spec describes the connector.
func (c *connector) Spec() connectors.Spec {
	return connectors.Spec{
		Name:    Name,
		Version: Version,
		Capabilities: connectors.Capabilities{
			Read: true, Write: true, Delete: true, Incremental: true, NativeUpsert: true,
			MaxBatch: MaxBatch,
		},
		ConfigSchema: json.RawMessage(configSchema),
	}
}

// Configure validates the settings, opens the database and resolves every configured table.
func (c *connector) Configure(ctx context.Context, raw json.RawMessage) error {
	s, overlap, err := parseSettings(raw)
	if err != nil {
		return err
	}
	dsn := s.DSN
	if s.Driver == driverSQLite {
		dsn = sqliteDSN(dsn)
	}
	db, err := sqlx.Open(s.Driver, dsn)
	if err != nil {
		return fmt.Errorf("open %s database: %w", s.Driver, err)
	}
	st := &state{db: db, driver: s.Driver, overlap: overlap, tables: make(map[string]*table)}
	if err := st.resolve(ctx, s.Tables); err != nil {
		_ = db.Close()
		return err
	}
	if old := c.st.Swap(st); old != nil {
		_ = old.db.Close()
	}
	return nil
}

// resolve pings the database and resolves the tables, in name order for stable errors.
func (st *state) resolve(ctx context.Context, tables map[string]tableSettings) error {
	if err := st.db.PingContext(ctx); err != nil {
		return fmt.Errorf("connect to %s database: %w", st.driver, err)
	}
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t, err := resolveTable(ctx, st.db, st.driver, n, tables[n])
		if err != nil {
			return err
		}
		st.tables[n] = t
	}
	return nil
}

// sqliteDSN turns a path or file: URI into a URI carrying the connector's pragmas.
func sqliteDSN(dsn string) string {
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&" + sqlitePragmas
	}
	return dsn + "?" + sqlitePragmas
}

// state returns the configured state or errNotConfigured.
func (c *connector) state() (*state, error) {
	st := c.st.Load()
	if st == nil {
		return nil, errNotConfigured
	}
	return st, nil
}

// table returns the configured table named entity, or an error wrapping ErrUnknownEntity.
func (st *state) table(entity string) (*table, error) {
	t, ok := st.tables[entity]
	if !ok {
		return nil, fmt.Errorf("%w: %q is not a configured table", connectors.ErrUnknownEntity, entity)
	}
	return t, nil
}

const checkTableSQL = `SELECT 1 FROM %s LIMIT 1`

// Check pings the database and reads one row of every configured table.
func (c *connector) Check(ctx context.Context) error {
	st, err := c.state()
	if err != nil {
		return err
	}
	if err := st.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", st.driver, classified(err))
	}
	for _, t := range st.sortedTables() {
		var one []int
		if err := st.db.SelectContext(ctx, &one, fmt.Sprintf(checkTableSQL, quoteIdent(t.name))); err != nil {
			return fmt.Errorf("check table %s: %w", t.name, classified(err))
		}
	}
	return nil
}

// Discover lists the configured tables with their columns as the database has them now.
func (c *connector) Discover(ctx context.Context) (connectors.Catalog, error) {
	st, err := c.state()
	if err != nil {
		return connectors.Catalog{}, err
	}
	var cat connectors.Catalog
	for _, t := range st.sortedTables() {
		cols, err := listColumns(ctx, st.db, st.driver, t.name)
		if err != nil {
			return connectors.Catalog{}, fmt.Errorf("discover: %w", classified(err))
		}
		if len(cols) == 0 {
			return connectors.Catalog{}, fmt.Errorf("discover: table %s not found", t.name)
		}
		info := connectors.EntityInfo{Name: t.name, Fields: make([]connectors.FieldInfo, 0, len(cols))}
		for _, col := range cols {
			kind := col.kind
			if col.Name == t.updatedAt.Name {
				kind = kindTimestamp // SQLite keeps it as TEXT, but it is one
			}
			info.Fields = append(info.Fields, connectors.FieldInfo{Name: col.Name, Type: kind, Nullable: col.Nullable})
		}
		cat.Entities = append(cat.Entities, info)
	}
	return cat, nil
}

// sortedTables returns the configured tables in name order.
func (st *state) sortedTables() []*table {
	ts := make([]*table, 0, len(st.tables))
	for _, t := range st.tables {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].name < ts[j].name })
	return ts
}

// Close closes the database. It is safe to call on an unconfigured connector.
func (c *connector) Close() error {
	st := c.st.Swap(nil)
	if st == nil {
		return nil
	}
	if err := st.db.Close(); err != nil {
		return fmt.Errorf("close %s database: %w", st.driver, err)
	}
	return nil
}
