package tryton

import (
	"context"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// entity is one kind of record the connector reads (and, for customers, writes).
type entity struct {
	name  string
	model string
	// fields are what Discover lists and Record.Fields holds.
	fields []connectors.FieldInfo
	// read are the Tryton fields a page reads, dotted paths included.
	read []string
	// childModels are models whose edits count as edits of the record: Tryton does not touch a
	// party's write_date when one of its addresses changes.
	childModels []string
	// children are the one2many fields to those models, for the "changed since" domain.
	children []string
	// context is added to every call about the entity.
	context map[string]any
	// domain selects the records of the entity.
	domain func(ctx context.Context, c *connector) ([]any, error)
	// convert turns a row read into a record.
	convert func(ctx context.Context, c *connector, row map[string]any) (connectors.Record, error)
}

// changedSince is the domain of records created or written at or after t, themselves or
// through one of their children.
func (e *entity) changedSince(t time.Time) []any {
	dt := datetimeValue(t)
	or := []any{"OR", []any{"write_date", ">=", dt}, []any{"create_date", ">=", dt}}
	for _, child := range e.children {
		or = append(or, []any{child + ".write_date", ">=", dt}, []any{child + ".create_date", ">=", dt})
	}
	return or
}

// entityList is every entity, in the order Discover lists them.
var entityList = []*entity{customerEntity, saleEntity, invoiceEntity}

// updatedAt is the latest of the create and write dates of a row and of the child rows under
// the given one2many keys ("addresses." as dotted reads return them).
func updatedAt(row map[string]any, childKeys ...string) (time.Time, error) {
	var latest time.Time
	consider := func(r map[string]any) error {
		for _, f := range []string{"create_date", "write_date"} {
			t, err := timeOf(r[f])
			if err != nil {
				return err
			}
			if t.After(latest) {
				latest = t
			}
		}
		return nil
	}
	if err := consider(row); err != nil {
		return latest, err
	}
	for _, key := range childKeys {
		for _, child := range children(row, key) {
			if err := consider(child); err != nil {
				return latest, err
			}
		}
	}
	return latest, nil
}

// children returns the child rows of a dotted read ("addresses." → [{…}, …]) in the order of
// the one2many's ids, which is the order Tryton shows them in (sequence, then id).
func children(row map[string]any, key string) []map[string]any {
	list, _ := row[key+"."].([]any)
	byID := map[int64]map[string]any{}
	var unordered []map[string]any
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			id, _ := idOf(m["id"])
			byID[id] = m
			unordered = append(unordered, m)
		}
	}
	ids, ok := row[key].([]any)
	if !ok || len(ids) != len(unordered) {
		return unordered
	}
	out := make([]map[string]any, 0, len(ids))
	for _, v := range ids {
		id, _ := idOf(v)
		if m, ok := byID[id]; ok {
			out = append(out, m)
		}
	}
	return out
}
