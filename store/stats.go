package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Stats summarises the store for `accord status` and the demo.
type Stats struct {
	Golden      int64            // live golden records
	Merged      int64            // golden records merged into another
	Contributed int64            // golden records with records from two or more systems
	Xrefs       map[string]int64 // linked records per system
	Read        map[string]int64 // distinct records read from each system
	Outbox      map[string]int64 // outbox rows per status; "held" for records held for review
	Review      int64            // open review cases: records waiting for a steward
	Quarantined map[string]int64 // open quarantine entries per system
	Writes      map[string]map[string]int64
}

// Stats counts what the store holds for an entity.
func (t *Tx) Stats(ctx context.Context, entity string) (Stats, error) {
	s := Stats{Read: map[string]int64{}, Xrefs: map[string]int64{}, Outbox: map[string]int64{}, Quarantined: map[string]int64{}, Writes: map[string]map[string]int64{}}
	if err := t.get(ctx, &s.Golden, `SELECT COUNT(*) FROM golden_records WHERE entity = ? AND merged_into IS NULL`, entity); err != nil {
		return s, fmt.Errorf("count golden: %w", err)
	}
	if err := t.get(ctx, &s.Merged, `SELECT COUNT(*) FROM golden_records WHERE entity = ? AND merged_into IS NOT NULL`, entity); err != nil {
		return s, fmt.Errorf("count merged: %w", err)
	}
	if err := t.get(ctx, &s.Contributed, `SELECT COUNT(*) FROM (SELECT golden_id FROM xrefs WHERE entity = ? AND origin = 'read' AND deleted = ?
		GROUP BY golden_id HAVING COUNT(DISTINCT system) > 1) multi`, entity, false); err != nil {
		return s, fmt.Errorf("count multi-system: %w", err)
	}
	type kv struct {
		K string `db:"k"`
		V int64  `db:"v"`
	}
	var rows []kv
	if err := t.selectAll(ctx, &rows, `SELECT system AS k, COUNT(*) AS v FROM xrefs WHERE entity = ? AND deleted = ? GROUP BY system`, entity, false); err != nil {
		return s, fmt.Errorf("count xrefs: %w", err)
	}
	for _, r := range rows {
		s.Xrefs[r.K] = r.V
	}
	rows = nil
	if err := t.selectAll(ctx, &rows, `SELECT system AS k, COUNT(*) AS v FROM xrefs WHERE entity = ? AND origin = 'read' GROUP BY system`, entity); err != nil {
		return s, fmt.Errorf("count reads: %w", err)
	}
	for _, r := range rows {
		s.Read[r.K] = r.V
	}
	rows = nil
	if err := t.selectAll(ctx, &rows, `SELECT CASE WHEN `+notHeld+` THEN status ELSE '`+OutboxHeld+`' END AS k, COUNT(*) AS v
		FROM outbox WHERE entity = ? GROUP BY k`, entity); err != nil {
		return s, fmt.Errorf("count outbox: %w", err)
	}
	for _, r := range rows {
		s.Outbox[r.K] = r.V
	}
	if err := t.get(ctx, &s.Review, `SELECT COUNT(*) FROM review_cases WHERE entity = ? AND status = 'open'`, entity); err != nil {
		return s, fmt.Errorf("count review cases: %w", err)
	}
	rows = nil
	if err := t.selectAll(ctx, &rows, `SELECT system AS k, COUNT(*) AS v FROM quarantine WHERE entity = ? AND status = 'open' GROUP BY system`, entity); err != nil {
		return s, fmt.Errorf("count quarantine: %w", err)
	}
	for _, r := range rows {
		s.Quarantined[r.K] = r.V
	}
	var ws []struct {
		System string `db:"system"`
		Kind   string `db:"kind"`
		Count  int64  `db:"count"`
	}
	if err := t.selectAll(ctx, &ws, `SELECT system, kind, count FROM write_log WHERE entity = ?`, entity); err != nil {
		return s, fmt.Errorf("count writes: %w", err)
	}
	for _, w := range ws {
		if s.Writes[w.System] == nil {
			s.Writes[w.System] = map[string]int64{}
		}
		s.Writes[w.System][w.Kind] = w.Count
	}
	return s, nil
}

// Quiet reports whether the sync has settled for the given sources (system×entity pairs): no
// push pending or in flight, and every source caught up with a poll that started after the last
// push finished — so any echo of our writes has been read back and found unchanged. Pushes of
// records held for review wait for a steward, not for the sync: they do not count.
func (t *Tx) Quiet(ctx context.Context, entity string, sources []string) (bool, error) {
	var busy int64
	if err := t.get(ctx, &busy, `SELECT COUNT(*) FROM outbox WHERE entity = ? AND status IN ('pending', 'claimed') AND `+notHeld, entity); err != nil {
		return false, fmt.Errorf("count pending pushes: %w", err)
	}
	if busy > 0 {
		return false, nil
	}
	var last sql.NullTime
	var lastStr sql.NullString
	if t.dialect == SQLite {
		if err := t.get(ctx, &lastStr, `SELECT MAX(updated_at) FROM outbox WHERE entity = ? AND `+notHeld, entity); err != nil {
			return false, fmt.Errorf("last push: %w", err)
		}
		if lastStr.Valid {
			ts, err := time.Parse(sqliteTime, lastStr.String)
			if err != nil {
				return false, fmt.Errorf("last push time %q: %w", lastStr.String, err)
			}
			last = sql.NullTime{Time: ts, Valid: true}
		}
	} else if err := t.get(ctx, &last, `SELECT MAX(updated_at) FROM outbox WHERE entity = ? AND `+notHeld, entity); err != nil {
		return false, fmt.Errorf("last push: %w", err)
	}
	for _, system := range sources {
		c, err := t.GetCursor(ctx, system, entity)
		if err != nil {
			return false, err
		}
		if !c.CaughtUp || !c.LastPolledAt.Valid || (last.Valid && !c.LastPolledAt.Time.After(last.Time)) {
			return false, nil
		}
	}
	return true, nil
}

// notHeld leaves out the outbox rows of golden records held by an open review case.
const notHeld = `golden_id NOT IN (SELECT golden_id FROM review_cases WHERE status = 'open')`

// CaughtUp reports whether every source has read all it holds.
func (t *Tx) CaughtUp(ctx context.Context, entity string, sources []string) (bool, error) {
	for _, system := range sources {
		c, err := t.GetCursor(ctx, system, entity)
		if err != nil {
			return false, err
		}
		if !c.CaughtUp {
			return false, nil
		}
	}
	return true, nil
}

// sqliteTime is how modernc.org/sqlite writes time.Time with _time_format=sqlite; aggregates
// such as MAX() return it as text.
const sqliteTime = "2006-01-02 15:04:05.999999999-07:00"
