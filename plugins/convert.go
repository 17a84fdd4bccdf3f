package plugins

import (
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// The contract and the wire meet only here and in converr.go: pure functions, xToProto and
// xFromProto, that never see a connection. A nil message converts to the zero value.

func specToProto(s connectors.Spec) *pb.SpecResponse {
	c := s.Capabilities
	return &pb.SpecResponse{
		Name:    s.Name,
		Version: s.Version,
		Capabilities: &pb.Capabilities{
			Read: c.Read, Write: c.Write, Delete: c.Delete, Incremental: c.Incremental,
			Webhooks: c.Webhooks, NativeUpsert: c.NativeUpsert, MaxBatch: int64(c.MaxBatch),
		},
		ConfigSchema: s.ConfigSchema,
	}
}

func specFromProto(r *pb.SpecResponse) connectors.Spec {
	c := r.GetCapabilities()
	s := connectors.Spec{
		Name:    r.GetName(),
		Version: r.GetVersion(),
		Capabilities: connectors.Capabilities{
			Read: c.GetRead(), Write: c.GetWrite(), Delete: c.GetDelete(), Incremental: c.GetIncremental(),
			Webhooks: c.GetWebhooks(), NativeUpsert: c.GetNativeUpsert(), MaxBatch: int(c.GetMaxBatch()),
		},
	}
	if len(r.GetConfigSchema()) > 0 {
		s.ConfigSchema = json.RawMessage(r.GetConfigSchema())
	}
	return s
}

func catalogToProto(c connectors.Catalog) *pb.DiscoverResponse {
	resp := &pb.DiscoverResponse{}
	for _, e := range c.Entities {
		pe := &pb.EntityInfo{Name: e.Name}
		for _, f := range e.Fields {
			pe.Fields = append(pe.Fields, &pb.FieldInfo{Name: f.Name, Type: f.Type, Nullable: f.Nullable})
		}
		resp.Entities = append(resp.Entities, pe)
	}
	return resp
}

func catalogFromProto(r *pb.DiscoverResponse) connectors.Catalog {
	var c connectors.Catalog
	for _, pe := range r.GetEntities() {
		e := connectors.EntityInfo{Name: pe.GetName()}
		for _, f := range pe.GetFields() {
			e.Fields = append(e.Fields, connectors.FieldInfo{Name: f.GetName(), Type: f.GetType(), Nullable: f.GetNullable()})
		}
		c.Entities = append(c.Entities, e)
	}
	return c
}

// timeToProto converts a time; the zero time is absent.
func timeToProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// timeFromProto converts a timestamp to UTC; an absent one is the zero time.
func timeFromProto(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime().UTC()
}

func recordToProto(r connectors.Record) (*pb.Record, error) {
	fields, err := fieldsToJSON(r.Fields)
	if err != nil {
		return nil, fmt.Errorf("record %q: %w", r.ID, err)
	}
	return &pb.Record{Id: r.ID, Fields: fields, UpdatedAt: timeToProto(r.UpdatedAt), Version: r.Version, Deleted: r.Deleted}, nil
}

// recordFromProto never fails: a record whose fields do not decode comes back Undecodable.
func recordFromProto(r *pb.Record) connectors.Record {
	rec := connectors.Record{ID: r.GetId(), UpdatedAt: timeFromProto(r.GetUpdatedAt()), Version: r.GetVersion(), Deleted: r.GetDeleted()}
	fields, err := fieldsFromJSON(r.GetFields())
	if err != nil {
		// One record the host cannot read must not fail its page: it travels on, marked, to be
		// quarantined with its bytes.
		rec.Undecodable, rec.Raw = err, r.GetFields()
		return rec
	}
	rec.Fields = fields
	return rec
}

func readRequestToProto(r connectors.ReadRequest) *pb.ReadRequest {
	return &pb.ReadRequest{Entity: r.Entity, Cursor: r.Cursor, Limit: int64(r.Limit)}
}

func readRequestFromProto(r *pb.ReadRequest) connectors.ReadRequest {
	return connectors.ReadRequest{Entity: r.GetEntity(), Cursor: r.GetCursor(), Limit: int(r.GetLimit())}
}

func readResponseToProto(r connectors.ReadResponse) (*pb.ReadResponse, error) {
	resp := &pb.ReadResponse{NextCursor: r.NextCursor, More: r.More}
	for _, rec := range r.Records {
		pr, err := recordToProto(rec)
		if err != nil {
			return nil, err
		}
		resp.Records = append(resp.Records, pr)
	}
	return resp, nil
}

func readResponseFromProto(r *pb.ReadResponse) (connectors.ReadResponse, error) {
	resp := connectors.ReadResponse{NextCursor: r.GetNextCursor(), More: r.GetMore()}
	for _, pr := range r.GetRecords() {
		resp.Records = append(resp.Records, recordFromProto(pr))
	}
	return resp, nil
}
