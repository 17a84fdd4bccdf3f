package plugins

import (
	"fmt"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

func opKindToProto(k connectors.OpKind) (pb.OpKind, error) {
	switch k {
	case connectors.OpUpsert:
		return pb.OpKind_OP_KIND_UPSERT, nil
	case connectors.OpDelete:
		return pb.OpKind_OP_KIND_DELETE, nil
	}
	return pb.OpKind_OP_KIND_UNSPECIFIED, fmt.Errorf("unknown op kind %q", k)
}

// opKindFromProto converts an op kind; an unknown kind becomes "", which the connector rejects
// as it would any op of an unknown kind.
func opKindFromProto(k pb.OpKind) connectors.OpKind {
	switch k {
	case pb.OpKind_OP_KIND_UPSERT:
		return connectors.OpUpsert
	case pb.OpKind_OP_KIND_DELETE:
		return connectors.OpDelete
	}
	return ""
}

// writeOpToProto converts one op; it fails for an op that cannot travel (an unknown kind, a
// field value JSON cannot encode), which the host reports as that op's Permanent failure.
func writeOpToProto(op connectors.WriteOp) (*pb.WriteOp, error) {
	kind, err := opKindToProto(op.Kind)
	if err != nil {
		return nil, err
	}
	fields, err := fieldsToJSON(op.Fields)
	if err != nil {
		return nil, err
	}
	return &pb.WriteOp{
		Kind: kind, ExternalId: op.ExternalID, CreateKey: op.CreateKey,
		IdempotencyKey: op.IdempotencyKey, Fields: fields,
	}, nil
}

func writeOpFromProto(op *pb.WriteOp) (connectors.WriteOp, error) {
	fields, err := fieldsFromJSON(op.GetFields())
	if err != nil {
		return connectors.WriteOp{}, err
	}
	return connectors.WriteOp{
		Kind: opKindFromProto(op.GetKind()), ExternalID: op.GetExternalId(), CreateKey: op.GetCreateKey(),
		IdempotencyKey: op.GetIdempotencyKey(), Fields: fields,
	}, nil
}

// writeRequestFromProto converts a request as the plugin receives it. An op whose fields do
// not decode gets its failure in the returned slice (nil where the op converted) and a
// zero op in the request, which the caller must not pass on.
func writeRequestFromProto(r *pb.WriteRequest) (connectors.WriteRequest, []*connectors.OpError) {
	req := connectors.WriteRequest{Entity: r.GetEntity(), Ops: make([]connectors.WriteOp, len(r.GetOps()))}
	var bad []*connectors.OpError
	for i, pop := range r.GetOps() {
		op, err := writeOpFromProto(pop)
		if err != nil {
			if bad == nil {
				bad = make([]*connectors.OpError, len(r.GetOps()))
			}
			bad[i] = &connectors.OpError{Kind: connectors.Permanent, Message: err.Error()}
			continue
		}
		req.Ops[i] = op
	}
	return req, bad
}

func writeResponseToProto(r connectors.WriteResponse) *pb.WriteResponse {
	resp := &pb.WriteResponse{Results: make([]*pb.WriteResult, 0, len(r.Results))}
	for _, res := range r.Results {
		resp.Results = append(resp.Results, &pb.WriteResult{
			ExternalId: res.ExternalID, Version: res.Version, Error: opErrorToProto(res.Err),
		})
	}
	return resp
}

func writeResponseFromProto(r *pb.WriteResponse) connectors.WriteResponse {
	resp := connectors.WriteResponse{Results: make([]connectors.WriteResult, 0, len(r.GetResults()))}
	for _, res := range r.GetResults() {
		resp.Results = append(resp.Results, connectors.WriteResult{
			ExternalID: res.GetExternalId(), Version: res.GetVersion(), Err: opErrorFromProto(res.GetError()),
		})
	}
	return resp
}

func webhookRequestToProto(r connectors.WebhookRequest) *pb.ParseWebhookRequest {
	req := &pb.ParseWebhookRequest{Body: r.Body}
	if len(r.Headers) > 0 {
		req.Headers = make(map[string]*pb.HeaderValues, len(r.Headers))
		for k, v := range r.Headers {
			req.Headers[k] = &pb.HeaderValues{Values: v}
		}
	}
	return req
}

func webhookRequestFromProto(r *pb.ParseWebhookRequest) connectors.WebhookRequest {
	req := connectors.WebhookRequest{Body: r.GetBody()}
	if len(r.GetHeaders()) > 0 {
		req.Headers = make(map[string][]string, len(r.GetHeaders()))
		for k, v := range r.GetHeaders() {
			req.Headers[k] = v.GetValues()
		}
	}
	return req
}

func webhookEventsToProto(events []connectors.WebhookEvent) *pb.ParseWebhookResponse {
	resp := &pb.ParseWebhookResponse{}
	for _, e := range events {
		resp.Events = append(resp.Events, &pb.WebhookEvent{Entity: e.Entity, Ids: e.IDs})
	}
	return resp
}

func webhookEventsFromProto(r *pb.ParseWebhookResponse) []connectors.WebhookEvent {
	var out []connectors.WebhookEvent
	for _, e := range r.GetEvents() {
		out = append(out, connectors.WebhookEvent{Entity: e.GetEntity(), IDs: e.GetIds()})
	}
	return out
}
