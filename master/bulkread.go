package master

import (
	"context"
	"fmt"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
)

// bulkPage is the page size ReadBulk asks connectors for.
const bulkPage = 1000

// ReadBulk reads every record of object through conn, page by page, and maps each for the bulk
// path (PrepareBulk, with the lookup tables m needs read first through conn), appending to recs. Records come in the order the incremental engine
// ingests them — pages in order, each page from its last record — and a record read twice counts
// once, as its last read. Records that do not map are returned with their errors, to be
// quarantined; deleted ones are left out.
func ReadBulk(ctx context.Context, conn connectors.Connector, m *mapping.Mapping, system, object string, recs []BulkRecord, now time.Time) ([]BulkRecord, []*mapping.FieldError, error) {
	var bad []*mapping.FieldError
	tables, err := LoadTables(ctx, conn, m, nil, now)
	if err != nil {
		return recs, nil, err
	}
	res := BulkResolver(tables)
	type seen struct{ index, page int }
	at := map[string]seen{} // external ID → where it is in recs, for records read twice
	cursor := ""
	for n := 0; ; n++ {
		page, err := conn.Read(ctx, connectors.ReadRequest{Entity: object, Cursor: cursor, Limit: bulkPage})
		if err != nil {
			return recs, bad, fmt.Errorf("read %s %s: %w", system, object, err)
		}
		for i := len(page.Records) - 1; i >= 0; i-- {
			r, ok, errs := PrepareBulk(m, res, system, page.Records[i], now)
			bad = append(bad, errs...)
			if !ok {
				continue
			}
			if s, ok := at[r.ExternalID]; ok {
				if s.page < n {
					recs[s.index] = r // a later page holds the newer read
				}
				continue // within a page the last occurrence, met first, is the newest
			}
			at[r.ExternalID] = seen{len(recs), n}
			recs = append(recs, r)
		}
		if !page.More {
			return recs, bad, nil
		}
		cursor = page.NextCursor
	}
}
