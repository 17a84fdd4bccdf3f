package store

import (
	"context"
	"fmt"
	"time"
)

// Pin is a steward's pick, made with a review merge: Field of golden record GoldenID takes the
// value of the system record System/ExternalID while that record is linked to it and holds a
// value. It names the record, never a value.
type Pin struct {
	GoldenID   string    `db:"golden_id"`
	Field      string    `db:"field"`
	Entity     string    `db:"entity"`
	System     string    `db:"system"`
	ExternalID string    `db:"external_id"`
	ReviewCase int64     `db:"review_case"`
	DecidedBy  string    `db:"decided_by"`
	DecidedAt  time.Time `db:"decided_at"`
}

const pinColumns = `golden_id, field, entity, system, external_id, review_case, decided_by, decided_at`

// SetPin stores p, replacing the pin its golden record had for the field.
func (t *Tx) SetPin(ctx context.Context, p Pin) error {
	if _, err := t.exec(ctx, `INSERT INTO golden_pins (`+pinColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (golden_id, field) DO UPDATE SET entity = excluded.entity, system = excluded.system,
		external_id = excluded.external_id, review_case = excluded.review_case, decided_by = excluded.decided_by,
		decided_at = excluded.decided_at`,
		p.GoldenID, p.Field, p.Entity, p.System, p.ExternalID, p.ReviewCase, p.DecidedBy, p.DecidedAt); err != nil {
		return fmt.Errorf("pin %s of %s: %w", p.Field, p.GoldenID, err)
	}
	return nil
}

// PinsOf returns the pins of golden record id, by field.
func (t *Tx) PinsOf(ctx context.Context, id string) ([]Pin, error) {
	var ps []Pin
	if err := t.selectAll(ctx, &ps, `SELECT `+pinColumns+` FROM golden_pins WHERE golden_id = ? ORDER BY field`, id); err != nil {
		return nil, fmt.Errorf("pins of %s: %w", id, err)
	}
	return ps, nil
}

// DropPinsOn removes every pin on the system record (entity, system, externalID), whatever its
// golden record: it was split out of it.
func (t *Tx) DropPinsOn(ctx context.Context, entity, system, externalID string) error {
	if _, err := t.exec(ctx, `DELETE FROM golden_pins WHERE entity = ? AND system = ? AND external_id = ?`,
		entity, system, externalID); err != nil {
		return fmt.Errorf("drop pins on %s/%s: %w", system, externalID, err)
	}
	return nil
}

// MovePins gives golden record to the pins of golden record from, merged into it; where both
// pin a field, to's own pin stays.
func (t *Tx) MovePins(ctx context.Context, from, to string) error {
	if _, err := t.exec(ctx, `UPDATE golden_pins SET golden_id = ? WHERE golden_id = ?
		AND field NOT IN (SELECT field FROM golden_pins WHERE golden_id = ?)`, to, from, to); err != nil {
		return fmt.Errorf("move pins of %s: %w", from, err)
	}
	if _, err := t.exec(ctx, `DELETE FROM golden_pins WHERE golden_id = ?`, from); err != nil {
		return fmt.Errorf("move pins of %s: %w", from, err)
	}
	return nil
}
