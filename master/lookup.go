package master

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/mapping/standardize"
	"github.com/accord-mdm/accord/store"
)

// maxLookupRows bounds one lookup table: a table of users or sales regions, not of customers.
const maxLookupRows = 200_000

// LookupTable is one object of a system read for lookups: each row's key and value, and back.
// Values are compared as match keys (case, width and Unicode form folded), so an owner's e-mail
// written in capitals still finds its user.
type LookupTable struct {
	Loaded  time.Time
	forward map[string]string   // key → value
	reverse map[string][]string // folded value → keys
}

// Tables are the lookup tables of one system, by TableKey.
type Tables map[string]*LookupTable

// TableKey names the table of a lookup.
func TableKey(l *config.Lookup) string { return l.Object + "\x00" + l.Key + "\x00" + l.Value }

// NewLookupTable indexes rows by l.Key (the row's ID when empty) and l.Value. Rows without a
// value, and deleted rows, are left out.
func NewLookupTable(l *config.Lookup, rows []connectors.Record, loaded time.Time) *LookupTable {
	t := &LookupTable{Loaded: loaded, forward: make(map[string]string, len(rows)), reverse: make(map[string][]string, len(rows))}
	for _, r := range rows {
		if r.Deleted {
			continue
		}
		key := r.ID
		if l.Key != "" {
			key = text(r.Fields[l.Key])
		}
		val := text(r.Fields[l.Value])
		if key == "" || val == "" {
			continue
		}
		t.forward[key] = val
		fold := standardize.MatchKey(val)
		t.reverse[fold] = append(t.reverse[fold], key)
	}
	return t
}

func text(v any) string {
	if v == nil {
		return ""
	}
	return standardize.Text(fmt.Sprint(v))
}

// LoadTables reads, through conn, every object table m's lookups need that have is missing or
// older than its refresh interval, and returns the tables to use. Called before a page's
// transaction: reading a system never happens inside one.
func LoadTables(ctx context.Context, conn connectors.Connector, m *mapping.Mapping, have Tables, now time.Time) (Tables, error) {
	out := Tables{}
	for _, l := range m.Lookups() {
		if l.Object == "" {
			continue
		}
		k := TableKey(l)
		if t, ok := have[k]; ok && now.Sub(t.Loaded) < l.RefreshEvery() {
			out[k] = t
			continue
		}
		rows, err := readAll(ctx, conn, l.Object)
		if err != nil {
			return nil, fmt.Errorf("lookup table %s: %w", l.Object, err)
		}
		out[k] = NewLookupTable(l, rows, now)
	}
	return out, nil
}

func readAll(ctx context.Context, conn connectors.Connector, object string) ([]connectors.Record, error) {
	var rows []connectors.Record
	cursor := ""
	for {
		page, err := conn.Read(ctx, connectors.ReadRequest{Entity: object, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, err
		}
		rows = append(rows, page.Records...)
		if len(rows) > maxLookupRows {
			return nil, fmt.Errorf("over %d rows: a lookup table is for users or regions, not a whole entity (use xref)", maxLookupRows)
		}
		if !page.More {
			return rows, nil
		}
		cursor = page.NextCursor
	}
}

// resolver answers a system's lookups inside a page's transaction: object lookups from tables,
// cross-references from the store.
type resolver struct {
	ctx    context.Context
	tx     *store.Tx
	system string
	tables Tables
}

// Resolve implements mapping.Resolver.
func (r *resolver) Resolve(l *config.Lookup, value string, outbound bool) (string, bool, error) {
	if l.Xref != "" {
		if outbound {
			return r.externalID(l.Xref, value)
		}
		x, err := r.tx.GetXref(r.ctx, r.system, l.Xref, value)
		if errors.Is(err, store.ErrNotFound) || (err == nil && x.Deleted) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return x.GoldenID, true, nil
	}
	t, ok := r.tables[TableKey(l)]
	if !ok {
		return "", false, fmt.Errorf("table %s of %s was not loaded", l.Object, r.system)
	}
	if !outbound {
		v, ok := t.forward[value]
		return v, ok, nil
	}
	keys := t.reverse[standardize.MatchKey(value)]
	switch len(keys) {
	case 0:
		return "", false, nil
	case 1:
		return keys[0], true, nil
	}
	return "", false, fmt.Errorf("%d %s rows have %s %q: ambiguous", len(keys), l.Object, l.Value, value)
}

// externalID is the system's ID of golden record id (or of the record it was merged into).
func (r *resolver) externalID(entity, id string) (string, bool, error) {
	for range 8 { // merges chain rarely; a bound keeps a cycle from spinning
		x, err := r.tx.XrefIn(r.ctx, id, r.system, entity)
		switch {
		case err == nil && !x.Deleted && x.LastVersion != pendingCreate:
			return x.ExternalID, true, nil
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return "", false, err
		}
		g, err := r.tx.GetGolden(r.ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		if !g.MergedInto.Valid {
			return "", false, nil
		}
		id = g.MergedInto.String
	}
	return "", false, nil
}
