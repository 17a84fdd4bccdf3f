package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// Xref links a golden record to a record in one system. Fields is the latest snapshot of that
// record's mapped values with, per field, when the value last changed (JSON, see master).
type Xref struct {
	System          string       `db:"system"`
	Entity          string       `db:"entity"`
	ExternalID      string       `db:"external_id"`
	GoldenID        string       `db:"golden_id"`
	FieldsJSON      []byte       `db:"fields"`
	SourceUpdatedAt sql.NullTime `db:"source_updated_at"`
	// LastHash is the content hash of the record as last read from or written to the system;
	// a read that hashes the same is an echo or no change.
	LastHash    string    `db:"last_hash"`
	LastVersion string    `db:"last_version"`
	Origin      string    `db:"origin"` // "read": found in the system; "write": created by Accord
	Deleted     bool      `db:"deleted"`
	UpdatedAt   time.Time `db:"updated_at"`
}

const xrefColumns = `system, entity, external_id, golden_id, fields, source_updated_at, last_hash, last_version, origin, deleted, updated_at`

// GetXref returns the cross-reference of a system record, or ErrNotFound.
func (t *Tx) GetXref(ctx context.Context, system, entity, externalID string) (*Xref, error) {
	var x Xref
	err := t.get(ctx, &x, `SELECT `+xrefColumns+` FROM xrefs WHERE system = ? AND entity = ? AND external_id = ?`, system, entity, externalID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("xref %s/%s/%s: %w", system, entity, externalID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get xref %s/%s: %w", system, externalID, err)
	}
	return &x, nil
}

// XrefsOf returns every cross-reference of a golden record, by system and external ID.
func (t *Tx) XrefsOf(ctx context.Context, goldenID string) ([]Xref, error) {
	var xs []Xref
	if err := t.selectAll(ctx, &xs, `SELECT `+xrefColumns+` FROM xrefs WHERE golden_id = ? ORDER BY system, external_id`, goldenID); err != nil {
		return nil, fmt.Errorf("xrefs of %s: %w", goldenID, err)
	}
	return xs, nil
}

// XrefIn returns the live cross-reference of a golden record in one system, or ErrNotFound.
// When several exist (two records of one system merged), the one read from the system wins over
// one Accord created, then the oldest.
func (t *Tx) XrefIn(ctx context.Context, goldenID, system, entity string) (*Xref, error) {
	var x Xref
	err := t.get(ctx, &x, `SELECT `+xrefColumns+` FROM xrefs WHERE golden_id = ? AND system = ? AND entity = ? AND deleted = ?
		ORDER BY CASE origin WHEN 'read' THEN 0 ELSE 1 END, external_id LIMIT 1`, goldenID, system, entity, false)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("xref of %s in %s: %w", goldenID, system, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("xref of %s in %s: %w", goldenID, system, err)
	}
	return &x, nil
}

// UpsertXref inserts or replaces a cross-reference.
func (t *Tx) UpsertXref(ctx context.Context, x *Xref) error {
	_, err := t.exec(ctx, `INSERT INTO xrefs (`+xrefColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (system, entity, external_id) DO UPDATE SET golden_id = excluded.golden_id, fields = excluded.fields,
		source_updated_at = excluded.source_updated_at, last_hash = excluded.last_hash, last_version = excluded.last_version,
		origin = excluded.origin, deleted = excluded.deleted, updated_at = excluded.updated_at`,
		x.System, x.Entity, x.ExternalID, x.GoldenID, string(x.FieldsJSON), x.SourceUpdatedAt, x.LastHash, x.LastVersion,
		x.Origin, x.Deleted, x.UpdatedAt)
	if err != nil {
		return fmt.Errorf("upsert xref %s/%s: %w", x.System, x.ExternalID, err)
	}
	return nil
}

// RecordWrite notes a successful write of a golden record to a system: the external ID, its
// version and the content hash, so that reading it back is recognised as an echo.
func (t *Tx) RecordWrite(ctx context.Context, x *Xref) error {
	_, err := t.exec(ctx, `INSERT INTO xrefs (`+xrefColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (system, entity, external_id) DO UPDATE SET fields = excluded.fields, last_hash = excluded.last_hash,
		last_version = excluded.last_version, deleted = excluded.deleted, updated_at = excluded.updated_at`,
		x.System, x.Entity, x.ExternalID, x.GoldenID, string(x.FieldsJSON), x.SourceUpdatedAt, x.LastHash, x.LastVersion,
		x.Origin, x.Deleted, x.UpdatedAt)
	if err != nil {
		return fmt.Errorf("record write %s/%s: %w", x.System, x.ExternalID, err)
	}
	return nil
}

// MoveXrefs relinks every cross-reference of golden record from to golden record to.
func (t *Tx) MoveXrefs(ctx context.Context, from, to string) error {
	if _, err := t.exec(ctx, `UPDATE xrefs SET golden_id = ? WHERE golden_id = ?`, to, from); err != nil {
		return fmt.Errorf("move xrefs %s → %s: %w", from, to, err)
	}
	return nil
}

// DeleteXref removes a cross-reference (a provisional one whose create failed).
func (t *Tx) DeleteXref(ctx context.Context, system, entity, externalID string) error {
	if _, err := t.exec(ctx, `DELETE FROM xrefs WHERE system = ? AND entity = ? AND external_id = ?`, system, entity, externalID); err != nil {
		return fmt.Errorf("delete xref %s/%s: %w", system, externalID, err)
	}
	return nil
}
