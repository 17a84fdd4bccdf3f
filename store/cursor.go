package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Cursor is the inbound position of one system×entity and its counters.
type Cursor struct {
	System       string       `db:"system"`
	Entity       string       `db:"entity"`
	Cursor       string       `db:"cursor"`
	CaughtUp     bool         `db:"caught_up"`
	Pages        int64        `db:"pages"`
	RecordsRead  int64        `db:"records_read"`
	LastPolledAt sql.NullTime `db:"last_polled_at"`
	LastChangeAt sql.NullTime `db:"last_change_at"`
	// LoadedAt is when the source first finished a full read; it never resets.
	LoadedAt sql.NullTime `db:"loaded_at"`
	// WindowRead and WindowFailed count the records read and quarantined since the failure
	// breaker last looked; PausedReason says why the sync paused itself ("" while it runs).
	WindowRead   int64  `db:"window_read"`
	WindowFailed int64  `db:"window_failed"`
	PausedReason string `db:"paused_reason"`
}

const cursorColumns = `system, entity, cursor, caught_up, pages, records_read, last_polled_at, last_change_at, loaded_at,
	window_read, window_failed, paused_reason`

// GetCursor returns the cursor of system×entity; a zero Cursor when none was saved yet.
func (t *Tx) GetCursor(ctx context.Context, system, entity string) (Cursor, error) {
	c := Cursor{System: system, Entity: entity}
	err := t.get(ctx, &c, `SELECT `+cursorColumns+` FROM cursors WHERE system = ? AND entity = ?`, system, entity)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("get cursor %s/%s: %w", system, entity, err)
	}
	return c, nil
}

// SaveCursor stores the cursor; call it in the transaction that stored the page it follows.
func (t *Tx) SaveCursor(ctx context.Context, c Cursor) error {
	_, err := t.exec(ctx, `INSERT INTO cursors (`+cursorColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (system, entity) DO UPDATE SET cursor = excluded.cursor, caught_up = excluded.caught_up, pages = excluded.pages,
		records_read = excluded.records_read, last_polled_at = excluded.last_polled_at, last_change_at = excluded.last_change_at,
		loaded_at = excluded.loaded_at, window_read = excluded.window_read, window_failed = excluded.window_failed,
		paused_reason = excluded.paused_reason`,
		c.System, c.Entity, c.Cursor, c.CaughtUp, c.Pages, c.RecordsRead, c.LastPolledAt, c.LastChangeAt, c.LoadedAt,
		c.WindowRead, c.WindowFailed, c.PausedReason)
	if err != nil {
		return fmt.Errorf("save cursor %s/%s: %w", c.System, c.Entity, err)
	}
	return nil
}

// Loaded reports whether every source has finished a full read at least once.
func (t *Tx) Loaded(ctx context.Context, entity string, sources []string) (bool, error) {
	for _, system := range sources {
		c, err := t.GetCursor(ctx, system, entity)
		if err != nil {
			return false, err
		}
		if !c.LoadedAt.Valid {
			return false, nil
		}
	}
	return true, nil
}

// AllCursors returns every cursor.
func (t *Tx) AllCursors(ctx context.Context) ([]Cursor, error) {
	var cs []Cursor
	if err := t.selectAll(ctx, &cs, `SELECT `+cursorColumns+` FROM cursors ORDER BY system, entity`); err != nil {
		return nil, fmt.Errorf("list cursors: %w", err)
	}
	return cs, nil
}

// QuarantineEntry is a record that could not be synced, kept with its raw input.
type QuarantineEntry struct {
	ID         int64     `db:"id"`
	System     string    `db:"system"`
	Entity     string    `db:"entity"`
	ExternalID string    `db:"external_id"`
	Stage      string    `db:"stage"` // inbound or outbound
	RawJSON    []byte    `db:"raw"`
	Error      string    `db:"error"`
	Attempts   int       `db:"attempts"`
	Status     string    `db:"status"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// Quarantine keeps a failing record; a record failing again bumps its attempt count.
func (t *Tx) Quarantine(ctx context.Context, e QuarantineEntry) error {
	_, err := t.exec(ctx, `INSERT INTO quarantine (system, entity, external_id, stage, raw, error, attempts, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, 'open', ?, ?)
		ON CONFLICT (system, entity, external_id, stage) DO UPDATE SET raw = excluded.raw, error = excluded.error,
		attempts = quarantine.attempts + 1, status = 'open', updated_at = excluded.updated_at`,
		e.System, e.Entity, e.ExternalID, e.Stage, string(e.RawJSON), e.Error, e.CreatedAt, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("quarantine %s/%s: %w", e.System, e.ExternalID, err)
	}
	return nil
}

// ResolveQuarantine closes an open entry once the record synced.
func (t *Tx) ResolveQuarantine(ctx context.Context, system, entity, externalID, stage string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE quarantine SET status = 'resolved', updated_at = ? WHERE system = ? AND entity = ? AND external_id = ? AND stage = ? AND status = 'open'`,
		now, system, entity, externalID, stage)
	if err != nil {
		return fmt.Errorf("resolve quarantine %s/%s: %w", system, externalID, err)
	}
	return nil
}

// ListQuarantine lists open entries, newest first.
func (t *Tx) ListQuarantine(ctx context.Context, limit int) ([]QuarantineEntry, error) {
	var es []QuarantineEntry
	if err := t.selectAll(ctx, &es, `SELECT `+quarantineColumns+`
		FROM quarantine WHERE status = 'open' ORDER BY updated_at DESC, id DESC LIMIT ?`, limit); err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	return es, nil
}

// QuarantinedWith lists up to limit open inbound entries of system×entity whose error holds
// phrase, oldest first.
func (t *Tx) QuarantinedWith(ctx context.Context, system, entity, phrase string, limit int) ([]QuarantineEntry, error) {
	var es []QuarantineEntry
	if err := t.selectAll(ctx, &es, `SELECT `+quarantineColumns+` FROM quarantine
		WHERE status = 'open' AND stage = 'inbound' AND system = ? AND entity = ? AND error LIKE ? ORDER BY id LIMIT ?`,
		system, entity, "%"+phrase+"%", limit); err != nil {
		return nil, fmt.Errorf("list quarantine of %s/%s: %w", system, entity, err)
	}
	return es, nil
}

const quarantineColumns = `id, system, entity, external_id, stage, raw, error, attempts, status, created_at, updated_at`

// GetQuarantine returns entry id, whatever its status, or ErrNotFound.
func (t *Tx) GetQuarantine(ctx context.Context, id int64) (*QuarantineEntry, error) {
	var e QuarantineEntry
	err := t.get(ctx, &e, `SELECT `+quarantineColumns+` FROM quarantine WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("quarantine entry %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get quarantine entry %d: %w", id, err)
	}
	return &e, nil
}

// DiscardQuarantine closes open entry id without syncing it: a steward decided the record is
// not to be synced as it stands. Its raw input stays. ErrNotFound if no open entry has id.
func (t *Tx) DiscardQuarantine(ctx context.Context, id int64, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE quarantine SET status = 'discarded', updated_at = ? WHERE id = ? AND status = 'open'`, now, id)
	if err != nil {
		return fmt.Errorf("discard quarantine entry %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("open quarantine entry %d: %w", id, ErrNotFound)
	}
	return nil
}

// SaveConfigVersion records a configuration by content hash and returns its version number; a
// configuration seen before keeps its number.
func (t *Tx) SaveConfigVersion(ctx context.Context, hash string, content []byte, now time.Time) (int64, error) {
	var v int64
	err := t.get(ctx, &v, `SELECT version FROM config_versions WHERE hash = ?`, hash)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find config version: %w", err)
	}
	if err := t.get(ctx, &v, `SELECT COALESCE(MAX(version), 0) + 1 FROM config_versions`); err != nil {
		return 0, fmt.Errorf("next config version: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT INTO config_versions (version, hash, content, applied_at) VALUES (?, ?, ?, ?)`, v, hash, string(content), now); err != nil {
		return 0, fmt.Errorf("save config version: %w", err)
	}
	return v, nil
}
