package sqltable

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Column kinds, as Discover reports them.
const (
	kindString    = "string"
	kindInteger   = "integer"
	kindDecimal   = "decimal"
	kindBoolean   = "boolean"
	kindDate      = "date"
	kindTimestamp = "timestamp"
	kindJSON      = "json"
)

// SQLite type affinities (https://sqlite.org/datatype3.html#determination_of_column_affinity).
const (
	affinityText    = "TEXT"
	affinityNumeric = "NUMERIC"
	affinityInteger = "INTEGER"
	affinityReal    = "REAL"
	affinityBlob    = "BLOB"
)

// column is one column as the database lists it.
type column struct {
	Name     string `db:"name"`
	Type     string `db:"type"` // PostgreSQL udt_name, SQLite declared type
	Nullable bool   `db:"nullable"`
	kind     string
	affinity string // SQLite only
}

const listColumnsPostgres = `SELECT column_name AS name, udt_name AS type, is_nullable = 'YES' AS nullable
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1
ORDER BY ordinal_position`

// Declared type may be empty; an INTEGER PRIMARY KEY never holds NULL, other SQLite keys may.
const listColumnsSQLite = `SELECT name, type, "notnull" = 0 AND pk = 0 AS nullable
FROM pragma_table_info(?)
ORDER BY cid`

// listColumns returns the columns of table in order; none when the table does not exist.
func listColumns(ctx context.Context, q sqlx.QueryerContext, driver, table string) ([]column, error) {
	query := listColumnsSQLite
	if driver == driverPostgres {
		query = listColumnsPostgres
	}
	var cols []column
	if err := sqlx.SelectContext(ctx, q, &cols, query, table); err != nil {
		return nil, fmt.Errorf("list columns of %s: %w", table, err)
	}
	for i := range cols {
		if driver == driverPostgres {
			cols[i].kind = postgresKind(cols[i].Type)
		} else {
			cols[i].affinity = sqliteAffinity(cols[i].Type)
			cols[i].kind = sqliteKind(cols[i].Type, cols[i].affinity)
		}
	}
	return cols, nil
}

// postgresKind maps a PostgreSQL udt_name to a column kind.
func postgresKind(udt string) string {
	switch udt {
	case "int2", "int4", "int8":
		return kindInteger
	case "numeric", "float4", "float8", "money":
		return kindDecimal
	case "bool":
		return kindBoolean
	case "date":
		return kindDate
	case "timestamp", "timestamptz":
		return kindTimestamp
	case "json", "jsonb":
		return kindJSON
	default:
		return kindString
	}
}

// sqliteAffinity applies SQLite's rules, in SQLite's order, to a declared type.
func sqliteAffinity(declared string) string {
	t := strings.ToUpper(declared)
	switch {
	case strings.Contains(t, "INT"):
		return affinityInteger
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return affinityText
	case strings.Contains(t, "BLOB"), t == "":
		return affinityBlob
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return affinityReal
	default:
		return affinityNumeric
	}
}

// sqliteKind maps a declared type to a column kind; names SQLite ignores (BOOLEAN, DATE, JSON)
// still say what the column is meant to hold.
func sqliteKind(declared, affinity string) string {
	t := strings.ToUpper(declared)
	switch {
	case strings.Contains(t, "BOOL"):
		return kindBoolean
	case strings.Contains(t, "TIMESTAMP"), strings.Contains(t, "DATETIME"):
		return kindTimestamp
	case strings.Contains(t, "DATE"):
		return kindDate
	case strings.Contains(t, "JSON"):
		return kindJSON
	}
	switch affinity {
	case affinityInteger:
		return kindInteger
	case affinityReal, affinityNumeric:
		return kindDecimal
	default:
		return kindString
	}
}

// quoteIdent quotes an identifier for PostgreSQL and SQLite alike. Callers pass only names
// the database listed; quoting keeps odd but legal names (spaces, quotes, keywords) working.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
