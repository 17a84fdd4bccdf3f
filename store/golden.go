package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrNotFound is returned (wrapped) when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrVersionConflict is returned when a golden record changed since it was read.
var ErrVersionConflict = errors.New("golden record version conflict")

// Golden is a golden record.
type Golden struct {
	ID         string         `db:"id"`
	Entity     string         `db:"entity"`
	Version    int64          `db:"version"`
	FieldsJSON []byte         `db:"fields"`
	MergedInto sql.NullString `db:"merged_into"`
	CreatedAt  time.Time      `db:"created_at"`
	UpdatedAt  time.Time      `db:"updated_at"`
}

// Fields decodes the golden record's fields.
func (g *Golden) Fields() (map[string]any, error) {
	return decodeObject(g.FieldsJSON)
}

// LineageEntry records where one golden field value came from.
type LineageEntry struct {
	GoldenID        string       `db:"golden_id"`
	Version         int64        `db:"version"`
	Field           string       `db:"field"`
	System          string       `db:"system"`
	ExternalID      string       `db:"external_id"`
	SourceUpdatedAt sql.NullTime `db:"source_updated_at"`
	Rule            string       `db:"rule"`
}

// GetGolden returns one golden record.
func (t *Tx) GetGolden(ctx context.Context, id string) (*Golden, error) {
	var g Golden
	err := t.get(ctx, &g, `SELECT id, entity, version, fields, merged_into, created_at, updated_at FROM golden_records WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("golden record %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get golden record %s: %w", id, err)
	}
	return &g, nil
}

// LiveGoldens returns the golden records of ids that were not merged away, in one query, by ID.
func (t *Tx) LiveGoldens(ctx context.Context, ids []string) ([]Golden, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT id, entity, version, fields, merged_into, created_at, updated_at FROM golden_records
		WHERE id IN (?) AND merged_into IS NULL ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("get golden records: %w", err)
	}
	var gs []Golden
	if err := t.selectAll(ctx, &gs, q, args...); err != nil {
		return nil, fmt.Errorf("get golden records: %w", err)
	}
	return gs, nil
}

// ListGolden lists live (not merged-away) golden records of an entity, by ID.
func (t *Tx) ListGolden(ctx context.Context, entity string, limit, offset int) ([]Golden, error) {
	var gs []Golden
	err := t.selectAll(ctx, &gs, `SELECT id, entity, version, fields, merged_into, created_at, updated_at FROM golden_records
		WHERE entity = ? AND merged_into IS NULL ORDER BY id LIMIT ? OFFSET ?`, entity, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list golden records: %w", err)
	}
	return gs, nil
}

// SaveGolden writes a new version of a golden record: it inserts the record when
// prevVersion is 0, else updates it only if it is still at prevVersion. The version history row
// and the lineage of the new version are written too.
func (t *Tx) SaveGolden(ctx context.Context, g *Golden, prevVersion int64, reason string, lineage []LineageEntry) error {
	if prevVersion == 0 {
		if _, err := t.exec(ctx, `INSERT INTO golden_records (id, entity, version, fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			g.ID, g.Entity, g.Version, string(g.FieldsJSON), g.CreatedAt, g.UpdatedAt); err != nil {
			return fmt.Errorf("insert golden record %s: %w", g.ID, err)
		}
	} else {
		res, err := t.exec(ctx, `UPDATE golden_records SET version = ?, fields = ?, updated_at = ? WHERE id = ? AND version = ?`,
			g.Version, string(g.FieldsJSON), g.UpdatedAt, g.ID, prevVersion)
		if err != nil {
			return fmt.Errorf("update golden record %s: %w", g.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("update golden record %s at version %d: %w", g.ID, prevVersion, ErrVersionConflict)
		}
	}
	if _, err := t.exec(ctx, `INSERT INTO golden_versions (golden_id, version, fields, reason, changed_at) VALUES (?, ?, ?, ?, ?)`,
		g.ID, g.Version, string(g.FieldsJSON), reason, g.UpdatedAt); err != nil {
		return fmt.Errorf("insert golden version %s/%d: %w", g.ID, g.Version, err)
	}
	for _, l := range lineage {
		if _, err := t.exec(ctx, `INSERT INTO lineage (golden_id, version, field, system, external_id, source_updated_at, rule) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			g.ID, g.Version, l.Field, l.System, l.ExternalID, l.SourceUpdatedAt, l.Rule); err != nil {
			return fmt.Errorf("insert lineage %s/%d/%s: %w", g.ID, g.Version, l.Field, err)
		}
	}
	return nil
}

// MarkMerged retires golden record id into survivor: it keeps its history and points to the
// record that absorbed it.
func (t *Tx) MarkMerged(ctx context.Context, id, survivor string, at time.Time) error {
	if _, err := t.exec(ctx, `UPDATE golden_records SET merged_into = ?, updated_at = ? WHERE id = ?`, survivor, at, id); err != nil {
		return fmt.Errorf("mark golden record %s merged: %w", id, err)
	}
	if _, err := t.exec(ctx, `UPDATE golden_records SET merged_into = ? WHERE merged_into = ?`, survivor, id); err != nil {
		return fmt.Errorf("repoint merged records of %s: %w", id, err)
	}
	return nil
}

// Lineage returns the lineage of one version of a golden record, by field.
func (t *Tx) Lineage(ctx context.Context, goldenID string, version int64) ([]LineageEntry, error) {
	var ls []LineageEntry
	err := t.selectAll(ctx, &ls, `SELECT golden_id, version, field, system, external_id, source_updated_at, rule FROM lineage
		WHERE golden_id = ? AND version = ? ORDER BY field`, goldenID, version)
	if err != nil {
		return nil, fmt.Errorf("lineage of %s: %w", goldenID, err)
	}
	return ls, nil
}

// MatchKey is one normalised identifying value of a golden record.
type MatchKey struct {
	Kind  string `db:"kind"`
	Value string `db:"value"`
}

// FindByKeys returns the live golden IDs that hold any of keys, sorted.
func (t *Tx) FindByKeys(ctx context.Context, entity string, keys []MatchKey) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		var ids []string
		if err := t.selectAll(ctx, &ids, `SELECT golden_id FROM match_keys WHERE entity = ? AND kind = ? AND value = ?`, entity, k.Kind, k.Value); err != nil {
			return nil, fmt.Errorf("find by %s key: %w", k.Kind, err)
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// ReplaceMatchKeys sets the match keys of a golden record.
func (t *Tx) ReplaceMatchKeys(ctx context.Context, entity, goldenID string, keys []MatchKey) error {
	if _, err := t.exec(ctx, `DELETE FROM match_keys WHERE golden_id = ?`, goldenID); err != nil {
		return fmt.Errorf("clear match keys of %s: %w", goldenID, err)
	}
	for _, k := range keys {
		if _, err := t.exec(ctx, `INSERT INTO match_keys (entity, kind, value, golden_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			entity, k.Kind, k.Value, goldenID); err != nil {
			return fmt.Errorf("insert match key of %s: %w", goldenID, err)
		}
	}
	return nil
}

func decodeObject(b []byte) (map[string]any, error) {
	m := map[string]any{}
	if len(b) == 0 {
		return m, nil
	}
	dec := json.NewDecoder(bytesReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode fields: %w", err)
	}
	return m, nil
}

// GoldenVersion is one row of a golden record's append-only history: the fields as they stood
// at that version and why the version was written.
type GoldenVersion struct {
	GoldenID   string    `db:"golden_id"`
	Version    int64     `db:"version"`
	FieldsJSON []byte    `db:"fields"`
	Reason     string    `db:"reason"`
	ChangedAt  time.Time `db:"changed_at"`
}

// Fields decodes the version's fields.
func (v *GoldenVersion) Fields() (map[string]any, error) {
	return decodeObject(v.FieldsJSON)
}

// GoldenVersions returns the history of golden record id, oldest version first; none (and no
// error) for an unknown ID.
func (t *Tx) GoldenVersions(ctx context.Context, id string) ([]GoldenVersion, error) {
	var vs []GoldenVersion
	err := t.selectAll(ctx, &vs, `SELECT golden_id, version, fields, reason, changed_at FROM golden_versions
		WHERE golden_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("history of golden record %s: %w", id, err)
	}
	return vs, nil
}

// LineageHistory returns the lineage of every version of a golden record, by version and field.
func (t *Tx) LineageHistory(ctx context.Context, goldenID string) ([]LineageEntry, error) {
	var ls []LineageEntry
	err := t.selectAll(ctx, &ls, `SELECT golden_id, version, field, system, external_id, source_updated_at, rule FROM lineage
		WHERE golden_id = ? ORDER BY version, field`, goldenID)
	if err != nil {
		return nil, fmt.Errorf("lineage history of %s: %w", goldenID, err)
	}
	return ls, nil
}

// ConfigVersion is a configuration a worker ran with, as SaveConfigVersion recorded it.
type ConfigVersion struct {
	Version   int64     `db:"version"`
	Hash      string    `db:"hash"`
	Content   []byte    `db:"content"`
	AppliedAt time.Time `db:"applied_at"`
}

// LatestConfigVersion returns the configuration recorded last (the highest version), or
// ErrNotFound when no worker has recorded one. A configuration seen before keeps its number, so
// after a return to an earlier configuration this is not the one running.
func (t *Tx) LatestConfigVersion(ctx context.Context) (*ConfigVersion, error) {
	var v ConfigVersion
	err := t.get(ctx, &v, `SELECT version, hash, content, applied_at FROM config_versions ORDER BY version DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("recorded configuration: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("latest configuration version: %w", err)
	}
	return &v, nil
}
