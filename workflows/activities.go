package workflows

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// errTypeConfig marks activity failures that retrying cannot fix.
const errTypeConfig = "AccordConfigError"

// Activities do the I/O of the workflows. Their dependencies are fields; connectors are opened
// on first use and kept.
type Activities struct {
	Store      *store.Store
	Config     *config.Config
	Connectors connectors.Registry

	mu      sync.Mutex
	conns   map[string]connectors.Connector
	engines map[string]*master.Engine
	maps    map[string]*mapping.Mapping
	tables  map[string]master.Tables // lookup tables by system
	client  client.Client            // starts review case workflows; nil in tests without Temporal
}

// Close closes every connector the activities opened.
func (a *Activities) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var errs []error
	for _, c := range a.conns {
		errs = append(errs, c.Close())
	}
	a.conns = nil
	return errors.Join(errs...)
}

type binding struct {
	sys  *config.System
	b    *config.Binding
	conn connectors.Connector
	eng  *master.Engine
	m    *mapping.Mapping
}

// bind resolves what an activity for system×entity needs. Configuration errors are
// non-retryable: a worker restart with fixed files is the remedy.
func (a *Activities) bind(ctx context.Context, system, entity string) (*binding, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sys, b, err := a.Config.Binding(system, entity)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
	}
	if a.conns == nil {
		a.conns, a.engines, a.maps = map[string]connectors.Connector{}, map[string]*master.Engine{}, map[string]*mapping.Mapping{}
	}
	conn, ok := a.conns[system]
	if !ok {
		if conn, err = a.openConnector(ctx, sys); err != nil {
			return nil, err
		}
		a.conns[system] = conn
	}
	eng, err := a.engineLocked(entity)
	if err != nil {
		return nil, err
	}
	key := system + "/" + entity
	m, ok := a.maps[key]
	if !ok {
		if m, err = mapping.Compile(system, entity, b); err != nil {
			return nil, temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
		}
		a.maps[key] = m
	}
	return &binding{sys: sys, b: b, conn: conn, eng: eng, m: m}, nil
}

// engine returns the compiled rules of entity.
func (a *Activities) engine(entity string) (*master.Engine, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.engineLocked(entity)
}

// engineLocked is engine with a.mu held.
func (a *Activities) engineLocked(entity string) (*master.Engine, error) {
	if a.engines == nil {
		a.conns, a.engines, a.maps = map[string]connectors.Connector{}, map[string]*master.Engine{}, map[string]*mapping.Mapping{}
	}
	eng, ok := a.engines[entity]
	if !ok {
		var err error
		if eng, err = master.NewEngine(a.Config, entity); err != nil {
			return nil, temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
		}
		a.engines[entity] = eng
	}
	return eng, nil
}

func (a *Activities) openConnector(ctx context.Context, sys *config.System) (connectors.Connector, error) {
	conn, err := a.Connectors.New(sys.Connector)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
	}
	settings, err := sys.SettingsJSON()
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
	}
	if err := conn.Configure(ctx, settings); err != nil {
		_ = conn.Close()
		if errors.Is(err, connectors.ErrInvalidConfig) {
			return nil, temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
		}
		return nil, fmt.Errorf("configure %s: %w", sys.Name, err)
	}
	return conn, nil
}

// lookupTables returns the lookup tables of system's mapping, read again through its connector
// when older than their refresh interval; before any transaction, as every read of a system.
func (a *Activities) lookupTables(ctx context.Context, system string, bd *binding) (master.Tables, error) {
	if len(bd.m.Lookups()) == 0 {
		return nil, nil
	}
	a.mu.Lock()
	have := a.tables[system]
	a.mu.Unlock()
	tables, err := master.LoadTables(ctx, bd.conn, bd.m, have, time.Now().UTC())
	if err != nil {
		return nil, classify(fmt.Errorf("%s: %w", system, err))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tables == nil {
		a.tables = map[string]master.Tables{}
	}
	merged := master.Tables{}
	for k, t := range a.tables[system] {
		merged[k] = t
	}
	for k, t := range tables {
		merged[k] = t
	}
	a.tables[system] = merged
	return tables, nil
}

// SyncPage reads the next page of system×entity and merges it into the golden store in one
// transaction that also advances the cursor: a crash before the commit re-reads the page, a
// crash after it does not.
func (a *Activities) SyncPage(ctx context.Context, in SyncPageInput) (SyncPageResult, error) {
	var out SyncPageResult
	bd, err := a.bind(ctx, in.System, in.Entity)
	if err != nil {
		return out, err
	}
	if !bd.b.Direction.In() {
		return SyncPageResult{CaughtUp: true}, nil
	}
	if wait, err := a.referencesLoading(ctx, in.System, in.Entity, bd); err != nil || wait {
		return SyncPageResult{CaughtUp: true}, err // idle until the next poll
	}
	started := time.Now().UTC()
	cur, err := a.Store.Read().GetCursor(ctx, in.System, in.Entity)
	if err != nil {
		return out, err
	}
	page, err := bd.conn.Read(ctx, connectors.ReadRequest{Entity: bd.b.Object, Cursor: cur.Cursor, Limit: bd.b.PageSize})
	if err != nil {
		return out, classify(fmt.Errorf("read %s/%s: %w", in.System, bd.b.Object, err))
	}
	tables, err := a.lookupTables(ctx, in.System, bd)
	if err != nil {
		return out, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		res, err := bd.eng.Ingest(ctx, tx, bd.m, in.System, bd.b, page.Records, tables)
		if err != nil {
			return err
		}
		out.PageResult = res
		out.Paused = breaker(bd.b, &cur, res)
		cur.Cursor, cur.CaughtUp = page.NextCursor, !page.More
		cur.Pages++
		cur.RecordsRead += int64(len(page.Records))
		cur.LastPolledAt = sql.NullTime{Time: started, Valid: true}
		if !page.More && !cur.LoadedAt.Valid {
			cur.LoadedAt = sql.NullTime{Time: time.Now().UTC(), Valid: true}
		}
		if res.Changed+res.Deleted+res.Quarantined > 0 {
			cur.LastChangeAt = sql.NullTime{Time: time.Now().UTC(), Valid: true}
		}
		return tx.SaveCursor(ctx, cur)
	})
	if err != nil {
		return out, fmt.Errorf("sync page %s/%s: %w", in.System, in.Entity, err)
	}
	a.startReviews(ctx)
	if out.Read > out.Quarantined { // records linked: the ones waiting for them may go through
		if err := a.retryWaiting(ctx, in.System, in.Entity); err != nil {
			return out, err
		}
	}
	out.CaughtUp = !page.More
	return out, nil
}

// retryWaiting replays the quarantined records of system that wait for a record of entity (a
// cross-reference lookup that found nothing: an order read before its new customer), now that
// the page just read may have linked it. Entries still waiting stay quarantined.
func (a *Activities) retryWaiting(ctx context.Context, system, entity string) error {
	sys := a.Config.Systems[system]
	for _, dep := range slices.Sorted(maps.Keys(sys.Entities)) {
		if dep == entity || !refersTo(sys.Entities[dep], entity) {
			continue
		}
		waiting, err := a.Store.Read().QuarantinedWith(ctx, system, dep, mapping.NotLinked, retryWaitingLimit)
		if err != nil || len(waiting) == 0 {
			return err
		}
		bd, err := a.bind(ctx, system, dep)
		if err != nil {
			return err
		}
		tables, err := a.lookupTables(ctx, system, bd)
		if err != nil {
			return err
		}
		err = a.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.LockEntity(ctx, dep); err != nil {
				return err
			}
			for i := range waiting {
				if _, err := bd.eng.Replay(ctx, tx, bd.m, bd.b, &waiting[i], tables); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("retry %s/%s records waiting for %s: %w", system, dep, entity, err)
		}
	}
	return nil
}

// retryWaitingLimit bounds the waiting records one page retries.
const retryWaitingLimit = 500

// refersTo reports whether a binding's inbound mapping looks records of entity up by
// cross-reference.
func refersTo(b *config.Binding, entity string) bool {
	return slices.Contains(inboundXrefs(b), entity)
}

// inboundXrefs are the entities a binding's inbound mapping looks records up in by
// cross-reference.
func inboundXrefs(b *config.Binding) []string {
	var out []string
	for _, f := range b.Fields {
		if f.Direction.In() && f.Lookup != nil && f.Lookup.Xref != "" {
			out = append(out, f.Lookup.Xref)
		}
	}
	return out
}

// referencesLoading reports whether a record of system×entity may refer (lookup: {xref: E}) to a
// record of system×E that has not been read yet because the system's E sync has not finished its
// first full read: reading now would quarantine every such record. Once loaded, a reference to a
// record created since is quarantined and replayed like any other.
func (a *Activities) referencesLoading(ctx context.Context, system, entity string, bd *binding) (bool, error) {
	for _, ref := range inboundXrefs(bd.b) {
		if ref == entity {
			continue
		}
		if _, b, err := a.Config.Binding(system, ref); err != nil || !b.Direction.In() {
			continue
		}
		cur, err := a.Store.Read().GetCursor(ctx, system, ref)
		if err != nil {
			return false, err
		}
		if !cur.LoadedAt.Valid {
			return true, nil
		}
	}
	return false, nil
}

// breaker counts a page's records and failures into the cursor's window and, when a full window
// failed at the binding's ratio or worse, pauses the sync: it returns the reason (counts only)
// and records it on the cursor for accord status. Called for a page, it also means the sync runs:
// a reason left from an earlier pause is cleared, with its window.
func breaker(b *config.Binding, cur *store.Cursor, res master.PageResult) string {
	if cur.PausedReason != "" {
		cur.PausedReason, cur.WindowRead, cur.WindowFailed = "", 0, 0
	}
	cur.WindowRead += int64(res.Read)
	cur.WindowFailed += int64(res.Quarantined)
	ratio, window := 0.5, int64(b.FailureWindow)
	if b.FailureRatio != nil {
		ratio = *b.FailureRatio
	}
	if window <= 0 {
		window = 200
	}
	if cur.WindowRead < window {
		return ""
	}
	read, failed := cur.WindowRead, cur.WindowFailed
	cur.WindowRead, cur.WindowFailed = 0, 0
	if ratio <= 0 || float64(failed) < ratio*float64(read) {
		return ""
	}
	cur.PausedReason = fmt.Sprintf("%d of the last %d records failed mapping or validation (pause_on_failure_ratio %g): "+
		"paused; see accord quarantine list, fix the mapping or the data, then resume", failed, read, ratio)
	return cur.PausedReason
}

// PushBatch claims a batch of outbox rows for system×entity, writes what needs writing through
// the connector, and records the outcome. The lease on claimed rows makes a crash between the
// write and the record safe: the rows come back, and the write is repeated idempotently.
func (a *Activities) PushBatch(ctx context.Context, in PushBatchInput) (PushBatchResult, error) {
	var out PushBatchResult
	bd, err := a.bind(ctx, in.System, in.Entity)
	if err != nil {
		return out, err
	}
	limit := pushBatchLimit
	ready, err := a.Store.Read().Loaded(ctx, in.Entity, a.Config.Sources(in.Entity))
	if err != nil {
		return out, err
	}
	tables, err := a.lookupTables(ctx, in.System, bd)
	if err != nil {
		return out, err
	}
	var items []master.PushItem
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Claim(ctx, in.System, in.Entity, limit, time.Now().UTC(), 2*time.Minute)
		if err != nil {
			return err
		}
		out.Claimed = len(rows)
		items, err = bd.eng.PlanPush(ctx, tx, bd.m, in.System, bd.b, rows, ready, tables)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("plan push to %s: %w", in.System, err)
	}
	if len(items) == 0 {
		return out, nil
	}
	var ops []connectors.WriteOp
	for _, it := range items {
		if it.Op != nil {
			ops = append(ops, *it.Op)
		}
	}
	var results []connectors.WriteResult
	if len(ops) > 0 {
		resp, err := bd.conn.Write(ctx, connectors.WriteRequest{Entity: bd.b.Object, Ops: ops})
		if err != nil {
			return out, classify(fmt.Errorf("write %s/%s: %w", in.System, bd.b.Object, err))
		}
		results = resp.Results
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := bd.eng.FinishPush(ctx, tx, bd.m, in.System, items, results, &out.PushResult); err != nil {
			return err
		}
		for kind, n := range map[string]int{"created": out.Created, "updated": out.Updated, "suppressed": out.Suppressed, "failed": out.Failed} {
			if err := tx.CountWrites(ctx, in.System, in.Entity, kind, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("record push to %s: %w", in.System, err)
	}
	out.More = out.Claimed == limit
	return out, nil
}

// classify turns a connector failure into a Temporal error: auth and permanent failures are not
// retried by Temporal; the rest are, honouring a rate limit's Retry-After.
func classify(err error) error {
	if errors.Is(err, connectors.ErrUnknownEntity) || errors.Is(err, connectors.ErrInvalidConfig) {
		return temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
	}
	var oe *connectors.OpError
	if !errors.As(err, &oe) {
		return err
	}
	switch oe.Kind {
	case connectors.Auth, connectors.Permanent:
		return temporal.NewNonRetryableApplicationError(err.Error(), string(oe.Kind), nil)
	case connectors.RateLimited:
		return temporal.NewApplicationErrorWithOptions(err.Error(), string(oe.Kind), temporal.ApplicationErrorOptions{NextRetryDelay: oe.RetryAfter})
	}
	return err
}
