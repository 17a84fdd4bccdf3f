package sqltable

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/accord-mdm/accord/connectors"
)

// Page queries, keyset on (updated_at, key). Arguments: %[1]s the column list, %[2]s the table,
// %[3]s updated_at, %[4]s the key, all quoted names the database listed.
const (
	readFirstSQL = `SELECT %[1]s FROM %[2]s
WHERE %[3]s IS NOT NULL AND %[4]s IS NOT NULL
ORDER BY %[3]s, %[4]s LIMIT ?`
	readFromSQL = `SELECT %[1]s FROM %[2]s
WHERE %[3]s >= ? AND %[4]s IS NOT NULL
ORDER BY %[3]s, %[4]s LIMIT ?`
	readAfterSQL = `SELECT %[1]s FROM %[2]s
WHERE (%[3]s > ? OR (%[3]s = ? AND %[4]s > ?)) AND %[4]s IS NOT NULL
ORDER BY %[3]s, %[4]s LIMIT ?`
)

// Read returns the page of req.Entity after req.Cursor; see the package doc for the cursor.
func (c *connector) Read(ctx context.Context, req connectors.ReadRequest) (connectors.ReadResponse, error) {
	st, err := c.state()
	if err != nil {
		return connectors.ReadResponse{}, err
	}
	t, err := st.table(req.Entity)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read: %w", err)
	}
	cur, err := decodeCursor(req.Cursor)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read %s: %w", t.name, err)
	}
	limit := pageSize(req.Limit)
	query, args, err := t.pageQuery(st.driver, cur, limit+1) // one more tells whether More
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read %s: %w", t.name, err)
	}
	recs, err := t.queryRecords(ctx, st.db, query, args)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read %s: %w", t.name, err)
	}
	return nextPage(cur, recs, limit, st.overlap), nil
}

// pageSize applies the documented defaults: <= 0 is DefaultPageSize, above MaxBatch is MaxBatch.
func pageSize(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxBatch:
		return MaxBatch
	default:
		return limit
	}
}

// pageQuery picks the page query for the cursor's position and its arguments.
func (t *table) pageQuery(driver string, cur cursor, n int) (string, []any, error) {
	if cur.TS == "" {
		return t.readFirst, []any{n}, nil
	}
	ts, err := timestampArg(driver, cur.TS)
	if err != nil {
		return "", nil, err
	}
	if cur.ID == nil {
		return t.readFrom, []any{ts, n}, nil
	}
	return t.readAfter, []any{ts, ts, *cur.ID, n}, nil
}

// positioned is a record with its position text, the updated_at exactly as the database
// compares it.
type positioned struct {
	rec connectors.Record
	pos string
}

// queryRecords runs a page query and converts its rows.
func (t *table) queryRecords(ctx context.Context, q sqlx.QueryerContext, query string, args []any) ([]positioned, error) {
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, classified(err)
	}
	defer rows.Close()
	var out []positioned
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			return nil, classified(err)
		}
		p, err := t.record(vals)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, classified(err)
	}
	return out, nil
}

// record converts one row, scanned in t.columns order.
func (t *table) record(vals []any) (positioned, error) {
	if len(vals) != len(t.columns) {
		return positioned{}, fmt.Errorf("row has %d columns, want %d", len(vals), len(t.columns))
	}
	fields := make(map[string]any, len(vals))
	for i, col := range t.columns {
		fields[col.Name] = jsonValue(vals[i], col)
	}
	id := textOf(fields[t.key.Name])
	var pos string
	switch x := vals[t.byName[t.updatedAt.Name]].(type) {
	case time.Time: // timestamptz, or a SQLite column declared TIMESTAMP/DATETIME
		pos = formatTS(x)
	case string:
		pos = x
	case []byte:
		pos = string(x)
	}
	at, err := parseTS(pos)
	if err != nil {
		return positioned{}, fmt.Errorf("record %s: column %s: %w", id, t.updatedAt.Name,
			&connectors.OpError{Kind: connectors.Permanent, Message: err.Error(), Field: t.updatedAt.Name})
	}
	rec := connectors.Record{ID: id, Fields: fields, UpdatedAt: at, Version: pos}
	if t.deleted != nil {
		rec.Deleted = truthy(fields[t.deleted.Name])
	}
	return positioned{rec: rec, pos: pos}, nil
}

// nextPage cuts the page to limit and computes the cursor after it: the last row when more
// rows follow, else the overlap rewind from the high-water mark.
func nextPage(cur cursor, recs []positioned, limit int, overlap time.Duration) connectors.ReadResponse {
	more := len(recs) > limit
	if more {
		recs = recs[:limit]
	}
	hw := time.Time{}
	if cur.HW != "" {
		hw, _ = parseTS(cur.HW) // validated by decodeCursor
	}
	resp := connectors.ReadResponse{Records: make([]connectors.Record, len(recs)), More: more}
	for i, p := range recs {
		resp.Records[i] = p.rec
		if p.rec.UpdatedAt.After(hw) {
			hw = p.rec.UpdatedAt
		}
	}
	next := cursor{}
	if !hw.IsZero() {
		next.HW = formatTS(hw)
	}
	switch {
	case more:
		last := recs[len(recs)-1]
		id := last.rec.ID
		next.TS, next.ID = last.pos, &id
	case next.HW != "":
		next.TS = formatTS(hw.Add(-overlap))
	}
	resp.NextCursor = next.encode()
	return resp
}
