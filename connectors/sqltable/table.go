package sqltable

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// table is one configured entity, resolved against the database: every name in it was listed
// by the database, and its statements are built once, here.
type table struct {
	name       string
	columns    []column
	byName     map[string]int
	key        column
	updatedAt  column
	deleted    *column // nil without a deleted column
	hardDelete bool

	readFirst, readFrom, readAfter string // see read.go
	softDelete, hardDeleteSQL      string // see write.go
}

// resolveTable lists the columns of one configured table and checks the configured ones.
func resolveTable(ctx context.Context, db *sqlx.DB, driver, name string, ts tableSettings) (*table, error) {
	cols, err := listColumns(ctx, db, driver, name)
	if err != nil {
		return nil, err
	}
	prefix := "tables." + name
	if len(cols) == 0 {
		return nil, invalid(prefix, "table %s not found", name)
	}
	t := &table{name: name, columns: cols, byName: make(map[string]int, len(cols))}
	for i, c := range cols {
		t.byName[c.Name] = i
	}
	find := func(setting, col string) (column, error) {
		i, ok := t.byName[col]
		if !ok {
			return column{}, invalid(prefix+"."+setting, "column %s not found in table %s", col, name)
		}
		return cols[i], nil
	}
	if t.key, err = find("key", ts.Key); err != nil {
		return nil, err
	}
	if t.updatedAt, err = find("updated_at", ts.UpdatedAt); err != nil {
		return nil, err
	}
	if driver == driverPostgres && t.updatedAt.Type != "timestamptz" {
		return nil, invalid(prefix+".updated_at", "column %s of table %s is %s, want timestamptz",
			ts.UpdatedAt, name, t.updatedAt.Type)
	}
	if ts.Deleted != "" {
		d, err := find("deleted", ts.Deleted)
		if err != nil {
			return nil, err
		}
		t.deleted = &d
	}
	t.hardDelete = ts.DeleteMode == deleteHard
	t.buildSQL(db)
	return t, nil
}

// buildSQL fills in the statements that depend only on the table.
func (t *table) buildSQL(db *sqlx.DB) {
	quoted := make([]string, len(t.columns))
	for i, c := range t.columns {
		quoted[i] = quoteIdent(c.Name)
	}
	cols := strings.Join(quoted, ", ")
	tbl, ts, key := quoteIdent(t.name), quoteIdent(t.updatedAt.Name), quoteIdent(t.key.Name)
	t.readFirst = db.Rebind(fmt.Sprintf(readFirstSQL, cols, tbl, ts, key))
	t.readFrom = db.Rebind(fmt.Sprintf(readFromSQL, cols, tbl, ts, key))
	t.readAfter = db.Rebind(fmt.Sprintf(readAfterSQL, cols, tbl, ts, key))
	t.hardDeleteSQL = db.Rebind(fmt.Sprintf(hardDeleteSQL, tbl, key))
	if t.deleted != nil {
		t.softDelete = db.Rebind(fmt.Sprintf(softDeleteSQL, tbl, quoteIdent(t.deleted.Name), ts, key))
	}
}

// column returns the named column, if the table has it.
func (t *table) column(name string) (column, bool) {
	i, ok := t.byName[name]
	if !ok {
		return column{}, false
	}
	return t.columns[i], true
}

// reserved reports whether a column is managed by the connector and may not be written.
func (t *table) reserved(name string) bool {
	return name == t.key.Name || name == t.updatedAt.Name || (t.deleted != nil && name == t.deleted.Name)
}
