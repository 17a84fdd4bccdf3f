package tryton

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// versionLayout formats Record.Version: the record's latest change time, fixed width.
const versionLayout = "2006-01-02T15:04:05.000000Z"

// maxRescans bounds how often one Read starts a new scan because the system changed during
// the last one; after that it returns with More set.
const maxRescans = 2

func (c *connector) Read(ctx context.Context, req connectors.ReadRequest) (connectors.ReadResponse, error) {
	if err := c.ready(); err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read: %w", err)
	}
	e, err := entityNamed(req.Entity)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read: %w", err)
	}
	cur, err := decodeCursor(req.Cursor)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read %s: %w", e.name, err)
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultPage
	}
	limit = min(limit, maxBatch)
	known, err := cur.Known.set()
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read %s: %w", e.name, err)
	}
	p := &page{c: c, e: e, cur: cur, known: known, limit: limit}
	more, err := p.fill(ctx)
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read %s: %w", e.name, err)
	}
	p.cur.Known = rangesOf(p.known)
	return connectors.ReadResponse{Records: p.records, NextCursor: p.cur.encode(), More: more}, nil
}

// page is one Read under way.
type page struct {
	c       *connector
	e       *entity
	cur     cursor
	known   map[int64]bool
	limit   int
	records []connectors.Record
}

func (p *page) room() int { return p.limit - len(p.records) }

// fill adds records to the page until it is full (More) or the system is caught up.
func (p *page) fill(ctx context.Context) (bool, error) {
	for rescans := 0; ; rescans++ {
		if !p.cur.Scanning && len(p.cur.Gone) == 0 {
			mark, err := p.c.watermark(ctx, p.e)
			if err != nil {
				return false, err
			}
			p.cur.Mark, p.cur.Scanning, p.cur.After = mark, true, 0
		}
		if p.cur.Scanning {
			full, err := p.scan(ctx)
			if err != nil || full {
				return true, err
			}
			if err := p.findGone(ctx); err != nil {
				return false, err
			}
		}
		for len(p.cur.Gone) > 0 && p.room() > 0 {
			p.records = append(p.records, connectors.Record{ID: fmt.Sprint(p.cur.Gone[0]), Fields: map[string]any{},
				UpdatedAt: p.cur.Mark, Version: p.cur.Mark.Format(versionLayout), Deleted: true})
			p.cur.Gone = p.cur.Gone[1:]
		}
		if len(p.cur.Gone) > 0 {
			return true, nil
		}
		// The scan is complete. Caught up, unless something changed while it ran.
		now, err := p.c.watermark(ctx, p.e)
		if err != nil {
			return false, err
		}
		if !p.cur.Mark.IsZero() {
			p.cur.From = p.cur.Mark.Add(-p.c.cfg.overlap)
		}
		if !now.After(p.cur.Mark) {
			return false, nil
		}
		if p.room() == 0 || rescans == maxRescans {
			return true, nil
		}
	}
}

// scan reads the next records of the current scan into the page; it reports whether the page
// filled up before the scan ended.
func (p *page) scan(ctx context.Context) (bool, error) {
	for p.room() > 0 {
		domain, err := p.e.domain(ctx, p.c)
		if err != nil {
			return false, err
		}
		domain = append(domain, []any{"id", ">", p.cur.After})
		if !p.cur.From.IsZero() {
			domain = append(domain, p.e.changedSince(p.cur.From))
		}
		want := p.room()
		var rows []map[string]any
		params := []any{domain, 0, want + 1, [][]string{{"id", "ASC"}}, p.e.read}
		if err := p.c.rpc.call(ctx, "model."+p.e.model+".search_read", params, p.e.context, &rows); err != nil {
			return false, fmt.Errorf("search changed %s: %w", p.e.model, err)
		}
		for _, row := range rows[:min(len(rows), want)] {
			rec, err := p.e.convert(ctx, p.c, row)
			if err != nil {
				return false, fmt.Errorf("record %v: %w", row["id"], err)
			}
			id, _ := idOf(row["id"])
			if rec.Deleted {
				delete(p.known, id)
			} else {
				p.known[id] = true
			}
			p.records = append(p.records, rec)
			p.cur.After = id
		}
		if len(rows) > want {
			return true, nil
		}
		p.cur.Scanning = false
		return false, nil
	}
	return true, nil
}

// findGone compares the records known to be live with those the system holds now; the missing
// ones were deleted (or, for facts, left the entity: a sale cancelled, an invoice cancelled).
func (p *page) findGone(ctx context.Context) error {
	if len(p.known) == 0 {
		return nil
	}
	domain, err := p.e.domain(ctx, p.c)
	if err != nil {
		return err
	}
	var ids []any
	if err := p.c.rpc.call(ctx, "model."+p.e.model+".search", []any{domain, 0, nil, nil}, p.e.context, &ids); err != nil {
		return fmt.Errorf("list %s ids: %w", p.e.model, err)
	}
	now := make(map[int64]bool, len(ids))
	for _, v := range ids {
		if id, ok := idOf(v); ok {
			now[id] = true
		}
	}
	var gone []int64
	for id := range p.known {
		if !now[id] {
			gone = append(gone, id)
			delete(p.known, id)
		}
	}
	slices.Sort(gone)
	p.cur.Gone = append(p.cur.Gone, gone...)
	return nil
}

// watermark returns the latest create or write time of the entity's model and of the child
// models whose edits count as the record's.
func (c *connector) watermark(ctx context.Context, e *entity) (time.Time, error) {
	var mark time.Time
	for _, model := range append([]string{e.model}, e.childModels...) {
		for _, field := range []string{"write_date", "create_date"} {
			var rows []map[string]any
			params := []any{[]any{[]any{field, "!=", nil}}, 0, 1, [][]string{{field, "DESC"}}, []string{field}}
			if err := c.rpc.call(ctx, "model."+model+".search_read", params, map[string]any{"active_test": false}, &rows); err != nil {
				return time.Time{}, fmt.Errorf("latest change of %s: %w", model, err)
			}
			if len(rows) == 1 {
				t, err := timeOf(rows[0][field])
				if err != nil {
					return time.Time{}, fmt.Errorf("latest change of %s: %w", model, err)
				}
				if t.After(mark) {
					mark = t
				}
			}
		}
	}
	return mark, nil
}
