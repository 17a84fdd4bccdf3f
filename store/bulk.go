package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// Bulk is one batch of an initial load: new golden records (version 1) with everything the
// engine writes beside them. Nothing in it may exist in the store yet: rows are inserted, not
// upserted.
type Bulk struct {
	Goldens []Golden
	Reason  string // of every golden record's first version
	Lineage []LineageEntry
	Keys    []GoldenKey
	Xrefs   []Xref
	Outbox  []OutboxRow // UpdatedAt is NotBefore
	Reviews []ReviewCase
}

// GoldenKey is one match key of one golden record.
type GoldenKey struct {
	Entity, GoldenID string
	MatchKey
}

// sqliteMaxVars is SQLite's default limit on the parameters of one statement.
const sqliteMaxVars = 32766

// HasGolden reports whether any golden record of entity exists, merged away or not.
func (t *Tx) HasGolden(ctx context.Context, entity string) (bool, error) {
	var n int
	if err := t.get(ctx, &n, `SELECT COUNT(*) FROM (SELECT 1 FROM golden_records WHERE entity = ? LIMIT 1) g`, entity); err != nil {
		return false, fmt.Errorf("any golden %s: %w", entity, err)
	}
	return n > 0, nil
}

// bulkCacheKiB is the SQLite page cache a bulk load works with: the inserts into the keys' and
// cross-references' primary keys land all over their B-trees, and SQLite's default cache (2 MB)
// would read and write the same pages again and again.
const bulkCacheKiB = 512 * 1024

// BeginBulk readies the transaction for many InsertBulk calls; the returned function undoes it
// (call it before the transaction ends). On SQLite it enlarges the connection's page cache.
func (t *Tx) BeginBulk(ctx context.Context) (func() error, error) {
	if t.dialect != SQLite {
		return func() error { return nil }, nil
	}
	var old int64
	if err := t.get(ctx, &old, `PRAGMA cache_size`); err != nil {
		return nil, fmt.Errorf("read cache size: %w", err)
	}
	if _, err := t.q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)); err != nil {
		return nil, fmt.Errorf("set cache size: %w", err)
	}
	return func() error {
		if _, err := t.q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, old)); err != nil {
			return fmt.Errorf("reset cache size: %w", err)
		}
		return nil
	}, nil
}

// InsertBulk inserts a batch: COPY on PostgreSQL, statements of many rows on SQLite. Call it as
// many times as needed inside one transaction, so that a load is all or nothing.
func (t *Tx) InsertBulk(ctx context.Context, b *Bulk) error {
	type table struct {
		name string
		cols []string
		rows [][]any
	}
	tables := []table{
		{"golden_records", []string{"id", "entity", "version", "fields", "created_at", "updated_at"}, nil},
		{"golden_versions", []string{"golden_id", "version", "fields", "reason", "changed_at"}, nil},
		{"lineage", []string{"golden_id", "version", "field", "system", "external_id", "source_updated_at", "rule"}, nil},
		{"match_keys", []string{"entity", "kind", "value", "golden_id"}, nil},
		{"xrefs", strings.Split(strings.ReplaceAll(xrefColumns, " ", ""), ","), nil},
		{"outbox", []string{"system", "entity", "golden_id", "golden_version", "status", "attempts", "last_error", "not_before", "updated_at"}, nil},
		{"review_cases", []string{"entity", "golden_id", "candidate_id", "score", "details", "status", "workflow_started", "escalated", "decided_by", "created_at"}, nil},
	}
	for _, g := range b.Goldens {
		tables[0].rows = append(tables[0].rows, []any{g.ID, g.Entity, g.Version, string(g.FieldsJSON), g.CreatedAt, g.UpdatedAt})
		tables[1].rows = append(tables[1].rows, []any{g.ID, g.Version, string(g.FieldsJSON), b.Reason, g.UpdatedAt})
	}
	for _, l := range b.Lineage {
		tables[2].rows = append(tables[2].rows, []any{l.GoldenID, l.Version, l.Field, l.System, l.ExternalID, nullTime(l.SourceUpdatedAt), l.Rule})
	}
	for _, k := range b.Keys {
		tables[3].rows = append(tables[3].rows, []any{k.Entity, k.Kind, k.Value, k.GoldenID})
	}
	for _, x := range b.Xrefs {
		tables[4].rows = append(tables[4].rows, []any{x.System, x.Entity, x.ExternalID, x.GoldenID, string(x.FieldsJSON),
			nullTime(x.SourceUpdatedAt), x.LastHash, x.LastVersion, x.Origin, x.Deleted, x.UpdatedAt})
	}
	for _, o := range b.Outbox {
		tables[5].rows = append(tables[5].rows, []any{o.System, o.Entity, o.GoldenID, o.GoldenVersion, o.Status, o.Attempts, o.LastError, o.NotBefore, o.NotBefore})
	}
	for _, c := range b.Reviews {
		tables[6].rows = append(tables[6].rows, []any{c.Entity, c.GoldenID, c.CandidateID, c.Score, c.Details, ReviewOpen, false, false, "", c.CreatedAt})
	}
	for _, tb := range tables {
		if len(tb.rows) == 0 {
			continue
		}
		var err error
		if t.dialect == Postgres {
			err = t.copyIn(ctx, tb.name, tb.cols, tb.rows)
		} else {
			err = t.insertMany(ctx, tb.name, tb.cols, tb.rows)
		}
		if err != nil {
			return fmt.Errorf("bulk insert into %s: %w", tb.name, err)
		}
	}
	return nil
}

// nullTime is a NULL for an invalid time: COPY takes no driver.Valuer.
func nullTime(t sql.NullTime) any {
	if !t.Valid {
		return nil
	}
	return t.Time
}

func (t *Tx) copyIn(ctx context.Context, table string, cols []string, rows [][]any) error {
	p, ok := t.q.(interface {
		PrepareContext(context.Context, string) (*sql.Stmt, error)
	})
	if !ok {
		return fmt.Errorf("COPY needs a transaction")
	}
	stmt, err := p.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			stmt.Close()
			return err
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return err
	}
	return stmt.Close()
}

// insertMany inserts rows with as few statements as SQLite's parameter limit allows.
func (t *Tx) insertMany(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := sqliteMaxVars / len(cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	args := make([]any, 0, per*len(cols))
	for lo := 0; lo < len(rows); lo += per {
		hi := min(lo+per, len(rows))
		args = args[:0]
		for _, r := range rows[lo:hi] {
			args = append(args, r...)
		}
		q := head + strings.TrimSuffix(strings.Repeat(one+",", hi-lo), ",")
		if _, err := t.q.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
