package contacts

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/accord-mdm/accord/connectors"
)

// Read returns the changes after the cursor (a sequence number; "" is the beginning), in
// sequence order. Limit <= 0 or above MaxBatch reads MaxBatch.
func (c *Connector) Read(ctx context.Context, req connectors.ReadRequest) (connectors.ReadResponse, error) {
	if req.Entity != Entity {
		return connectors.ReadResponse{}, fmt.Errorf("read: %w", unknownEntity(req.Entity))
	}
	var after int64
	if req.Cursor != "" {
		n, err := strconv.ParseInt(req.Cursor, 10, 64)
		if err != nil || n < 0 {
			return connectors.ReadResponse{}, fmt.Errorf("read: %w", &connectors.OpError{Kind: connectors.Permanent, Message: "malformed cursor " + strconv.Quote(req.Cursor)})
		}
		after = n
	}
	limit := req.Limit
	if limit <= 0 || limit > MaxBatch {
		limit = MaxBatch
	}
	resp := connectors.ReadResponse{NextCursor: strconv.FormatInt(after, 10)}
	err := c.withStore(ctx, func(f *File) (bool, error) {
		var changed []string
		for id, ct := range f.Contacts {
			if ct.Seq > after {
				changed = append(changed, id)
			}
		}
		slices.SortFunc(changed, func(a, b string) int { return cmp.Compare(f.Contacts[a].Seq, f.Contacts[b].Seq) })
		resp.More = len(changed) > limit
		for _, id := range changed[:min(limit, len(changed))] {
			resp.Records = append(resp.Records, record(id, f.Contacts[id]))
		}
		if n := len(resp.Records); n > 0 {
			resp.NextCursor = resp.Records[n-1].Version
		}
		return false, nil
	})
	if err != nil {
		return connectors.ReadResponse{}, fmt.Errorf("read: %w", err)
	}
	return resp, nil
}

// record is a stored contact as the contract has it; the record owns a copy of the fields.
func record(id string, ct *Contact) connectors.Record {
	fields := maps.Clone(ct.Fields)
	if fields == nil {
		fields = map[string]any{}
	}
	fields["id"] = id
	return connectors.Record{
		ID: id, Fields: fields, UpdatedAt: ct.UpdatedAt.UTC(), Version: strconv.FormatInt(ct.Seq, 10), Deleted: ct.Deleted,
	}
}
