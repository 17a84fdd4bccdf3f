package store

import (
	"context"
	"fmt"
)

// Fact is a transaction (an order, an invoice) as classification reads it: golden record FactID
// of entity Entity, about golden record CustomerID, on day OccurredOn (YYYY-MM-DD, UTC), worth
// Amount (exact decimal text) in Currency (empty when the fact entity has none).
type Fact struct {
	FactID     string `db:"fact_id"`
	Entity     string `db:"entity"`
	CustomerID string `db:"customer_id"`
	OccurredOn string `db:"occurred_on"`
	Amount     string `db:"amount"`
	Currency   string `db:"currency"`
	// CustomerSystem and CustomerRecord name the record of the fact's own system the fact
	// refers to (empty when unknown): an unmerge of that record takes the fact along.
	CustomerSystem string `db:"customer_system"`
	CustomerRecord string `db:"customer_record"`
}

const factColumns = `fact_id, entity, customer_id, occurred_on, amount, currency, customer_system, customer_record`

// GetFact returns the fact of golden record id, nil when it has none.
func (t *Tx) GetFact(ctx context.Context, id string) (*Fact, error) {
	var fs []Fact
	if err := t.selectAll(ctx, &fs, `SELECT `+factColumns+` FROM facts WHERE fact_id = ?`, id); err != nil {
		return nil, fmt.Errorf("get fact %s: %w", id, err)
	}
	if len(fs) == 0 {
		return nil, nil
	}
	return &fs[0], nil
}

// PutFact inserts or replaces a fact.
func (t *Tx) PutFact(ctx context.Context, f Fact) error {
	_, err := t.exec(ctx, `INSERT INTO facts (`+factColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (fact_id) DO UPDATE SET entity = excluded.entity, customer_id = excluded.customer_id,
		occurred_on = excluded.occurred_on, amount = excluded.amount, currency = excluded.currency,
		customer_system = excluded.customer_system, customer_record = excluded.customer_record`,
		f.FactID, f.Entity, f.CustomerID, f.OccurredOn, f.Amount, f.Currency, f.CustomerSystem, f.CustomerRecord)
	if err != nil {
		return fmt.Errorf("put fact %s: %w", f.FactID, err)
	}
	return nil
}

// DeleteFact removes the fact of golden record id, if any.
func (t *Tx) DeleteFact(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM facts WHERE fact_id = ?`, id); err != nil {
		return fmt.Errorf("delete fact %s: %w", id, err)
	}
	return nil
}

// FactsOf returns the facts about golden record customerID, oldest first.
func (t *Tx) FactsOf(ctx context.Context, customerID string) ([]Fact, error) {
	var fs []Fact
	err := t.selectAll(ctx, &fs, `SELECT `+factColumns+` FROM facts
		WHERE customer_id = ? ORDER BY occurred_on, fact_id`, customerID)
	if err != nil {
		return nil, fmt.Errorf("facts of %s: %w", customerID, err)
	}
	return fs, nil
}

// MoveFacts makes the facts about golden record from facts about to (from was merged into to).
func (t *Tx) MoveFacts(ctx context.Context, from, to string) error {
	if _, err := t.exec(ctx, `UPDATE facts SET customer_id = ? WHERE customer_id = ?`, to, from); err != nil {
		return fmt.Errorf("move facts of %s: %w", from, err)
	}
	return nil
}

// SplitFacts makes the facts about golden record from that refer to record of system facts
// about golden record to (record was split out of from into to).
func (t *Tx) SplitFacts(ctx context.Context, from, to, system, record string) error {
	if _, err := t.exec(ctx, `UPDATE facts SET customer_id = ? WHERE customer_id = ? AND customer_system = ? AND customer_record = ?`,
		to, from, system, record); err != nil {
		return fmt.Errorf("split facts of %s: %w", from, err)
	}
	return nil
}

// GoldenIDsAfter returns up to limit IDs of live golden records of entity after ID after, by ID:
// a cursor over all of them that new records do not disturb.
func (t *Tx) GoldenIDsAfter(ctx context.Context, entity, after string, limit int) ([]string, error) {
	var ids []string
	err := t.selectAll(ctx, &ids, `SELECT id FROM golden_records WHERE entity = ? AND merged_into IS NULL AND id > ? ORDER BY id LIMIT ?`,
		entity, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list %s golden records: %w", entity, err)
	}
	return ids, nil
}
