package store

import (
	"context"
	"fmt"
	"time"
)

// OutboxRow asks for one golden record to be pushed to one system. There is at most one row per
// system, entity and golden record: a newer golden version replaces the version of a pending row,
// so a record edited ten times before a push is written once.
type OutboxRow struct {
	System        string    `db:"system"`
	Entity        string    `db:"entity"`
	GoldenID      string    `db:"golden_id"`
	GoldenVersion int64     `db:"golden_version"`
	Status        string    `db:"status"`
	Attempts      int       `db:"attempts"`
	LastError     string    `db:"last_error"`
	NotBefore     time.Time `db:"not_before"`
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxClaimed = "claimed"
	OutboxDone    = "done"
	OutboxFailed  = "failed"
	// OutboxHeld is not stored: Stats counts under it the rows of records held for review.
	OutboxHeld = "held"
)

// Enqueue asks for golden record goldenID at version to be pushed to system.
func (t *Tx) Enqueue(ctx context.Context, system, entity, goldenID string, version int64, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO outbox (system, entity, golden_id, golden_version, status, attempts, last_error, not_before, updated_at)
		VALUES (?, ?, ?, ?, 'pending', 0, '', ?, ?)
		ON CONFLICT (system, entity, golden_id) DO UPDATE SET
		golden_version = CASE WHEN excluded.golden_version > outbox.golden_version THEN excluded.golden_version ELSE outbox.golden_version END,
		status = 'pending', attempts = 0, last_error = '', not_before = excluded.not_before, updated_at = excluded.updated_at`,
		system, entity, goldenID, version, now, now)
	if err != nil {
		return fmt.Errorf("enqueue %s for %s: %w", goldenID, system, err)
	}
	return nil
}

// Claim leases up to limit due rows for system×entity until now+lease. A row whose lease ran out
// (a worker died mid-push) is due again.
func (t *Tx) Claim(ctx context.Context, system, entity string, limit int, now time.Time, lease time.Duration) ([]OutboxRow, error) {
	q := `SELECT system, entity, golden_id, golden_version, status, attempts, last_error, not_before FROM outbox
		WHERE system = ? AND entity = ? AND status IN ('pending', 'claimed') AND not_before <= ?
		ORDER BY not_before, golden_id LIMIT ?`
	if t.dialect == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	var rows []OutboxRow
	if err := t.selectAll(ctx, &rows, q, system, entity, now, limit); err != nil {
		return nil, fmt.Errorf("claim outbox %s/%s: %w", system, entity, err)
	}
	until := now.Add(lease)
	for i := range rows {
		if _, err := t.exec(ctx, `UPDATE outbox SET status = 'claimed', not_before = ?, updated_at = ? WHERE system = ? AND entity = ? AND golden_id = ?`,
			until, now, system, entity, rows[i].GoldenID); err != nil {
			return nil, fmt.Errorf("claim outbox row %s: %w", rows[i].GoldenID, err)
		}
		rows[i].Status = OutboxClaimed
	}
	return rows, nil
}

// Complete marks a pushed row done, unless a newer version was enqueued meanwhile: then it is
// due again at once.
func (t *Tx) Complete(ctx context.Context, r OutboxRow, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE outbox SET status = CASE WHEN golden_version = ? AND status = 'claimed' THEN 'done' ELSE 'pending' END,
		not_before = ?, updated_at = ?, attempts = 0, last_error = '' WHERE system = ? AND entity = ? AND golden_id = ?`,
		r.GoldenVersion, now, now, r.System, r.Entity, r.GoldenID)
	if err != nil {
		return fmt.Errorf("complete outbox %s/%s: %w", r.System, r.GoldenID, err)
	}
	return nil
}

// Retry puts a row back for another attempt at retryAt, or marks it failed when permanent.
func (t *Tx) Retry(ctx context.Context, r OutboxRow, cause string, retryAt time.Time, permanent bool, now time.Time) error {
	status := OutboxPending
	if permanent {
		status = OutboxFailed
	}
	_, err := t.exec(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, not_before = ?, updated_at = ?
		WHERE system = ? AND entity = ? AND golden_id = ?`, status, cause, retryAt, now, r.System, r.Entity, r.GoldenID)
	if err != nil {
		return fmt.Errorf("retry outbox %s/%s: %w", r.System, r.GoldenID, err)
	}
	return nil
}

// Defer puts a claimed row back until later without counting an attempt: it is waiting for
// something else (the first full read of every source), not failing.
func (t *Tx) Defer(ctx context.Context, r OutboxRow, until, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE outbox SET status = 'pending', not_before = ?, updated_at = ? WHERE system = ? AND entity = ? AND golden_id = ?`,
		until, now, r.System, r.Entity, r.GoldenID)
	if err != nil {
		return fmt.Errorf("defer outbox %s/%s: %w", r.System, r.GoldenID, err)
	}
	return nil
}

// DuplicateLinks counts golden records linked to more than one live record of the same system:
// the same customer twice in one system.
func (t *Tx) DuplicateLinks(ctx context.Context, entity string) (int64, error) {
	var n int64
	err := t.get(ctx, &n, `SELECT COUNT(*) FROM (SELECT golden_id, system FROM xrefs WHERE entity = ? AND deleted = ?
		GROUP BY golden_id, system HAVING COUNT(*) > 1) dup`, entity, false)
	if err != nil {
		return 0, fmt.Errorf("count duplicate links: %w", err)
	}
	return n, nil
}

// MoveOutbox hands pending pushes of a merged-away golden record to its survivor.
func (t *Tx) MoveOutbox(ctx context.Context, from string) error {
	if _, err := t.exec(ctx, `DELETE FROM outbox WHERE golden_id = ?`, from); err != nil {
		return fmt.Errorf("drop outbox rows of %s: %w", from, err)
	}
	return nil
}

// CountWrites adds n to the write counter of system×entity×kind (created, updated, suppressed,
// failed), for `accord status` and the demo summary.
func (t *Tx) CountWrites(ctx context.Context, system, entity, kind string, n int) error {
	if n == 0 {
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO write_log (system, entity, kind, count) VALUES (?, ?, ?, ?)
		ON CONFLICT (system, entity, kind) DO UPDATE SET count = write_log.count + excluded.count`, system, entity, kind, n)
	if err != nil {
		return fmt.Errorf("count writes: %w", err)
	}
	return nil
}
