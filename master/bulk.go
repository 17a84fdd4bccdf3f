package master

import (
	"errors"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
)

// BulkRecord is one source record of the entity, mapped and standardized, as the bulk path
// (Cluster, then Load) takes it: what matching compares and what the cross-reference keeps, so
// that a later sync reading the same record finds it unchanged.
type BulkRecord struct {
	System, ExternalID string
	// Values are the non-empty mapped golden values: what keys, scores and survivorship see.
	Values map[string]string
	// UpdatedAt is the source time of every value (when the source gave none, the load time).
	UpdatedAt time.Time
	Version   string
	// hash and snapshot are what the engine's cross-reference of the record holds.
	hash     string
	snapshot []byte
}

// PrepareBulk maps a record read from system for the bulk path, as Ingest maps a record it sees
// for the first time, with lookups answered by res (see BulkResolver). A record with errors,
// deleted or undecodable, is not loaded: ok is false and errs says why when there is a reason to
// quarantine it.
func PrepareBulk(m *mapping.Mapping, res mapping.Resolver, system string, rec connectors.Record, now time.Time) (r BulkRecord, ok bool, errs []*mapping.FieldError) {
	if rec.Deleted {
		return r, false, nil
	}
	if rec.Undecodable != nil {
		return r, false, []*mapping.FieldError{{System: system, Record: rec.ID, Field: "(fields)", Msg: "do not decode: " + rec.Undecodable.Error()}}
	}
	if res == nil {
		res = BulkResolver(nil) // never the dry run's nil: it would keep references as values
	}
	mapped, errs := m.Resolved(rec.ID, rec.Fields, res)
	if len(errs) > 0 {
		return r, false, errs
	}
	src := rec.UpdatedAt.UTC()
	if rec.UpdatedAt.IsZero() {
		src = now
	}
	proj := m.Project(rec.Fields)
	snap := Snapshot{}.update(proj, mapped, m.InboundFields(), src)
	return BulkRecord{
		System: system, ExternalID: rec.ID, Values: mapped.Texts(), UpdatedAt: src, Version: rec.Version,
		hash: mapping.Hash(proj), snapshot: snap.encode(),
	}, true, nil
}

// errXrefInBulk: before the first sync no cross-reference exists to resolve a reference with.
var errXrefInBulk = errors.New("a reference to another entity's record is resolved by the sync, not by a bulk load")

// BulkResolver answers the lookups of records mapped for a bulk load: object lookups from tables
// (LoadTables); a cross-reference lookup fails, so the record is left for the sync.
func BulkResolver(tables Tables) mapping.Resolver { return bulkResolver{tables} }

type bulkResolver struct{ tables Tables }

// Resolve implements mapping.Resolver.
func (r bulkResolver) Resolve(l *config.Lookup, value string, outbound bool) (string, bool, error) {
	if l.Xref != "" {
		return "", false, errXrefInBulk
	}
	return (&resolver{tables: r.tables}).Resolve(l, value, outbound)
}

// contribution is the record as survivorship sees it. Snapshot.update of a first read gives
// every non-empty value the record's source time, and a clear of a field never held asserts
// nothing, so the values and the time say all of it.
func (r *BulkRecord) contribution() Contribution {
	fs := make(map[string]FieldValue, len(r.Values))
	for f, v := range r.Values {
		fs[f] = FieldValue{V: v, T: r.UpdatedAt}
	}
	return Contribution{System: r.System, ExternalID: r.ExternalID, Fields: fs}
}
