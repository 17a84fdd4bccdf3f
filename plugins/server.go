package plugins

import (
	"context"
	"encoding/json"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// server serves one connector over gRPC in the plugin process. Whole-call failures leave as a
// status with a CallError detail (statusFromError); failed ops travel in their results.
type server struct {
	pb.UnimplementedConnectorServiceServer
	impl connectors.Connector
}

func (s *server) Spec(context.Context, *pb.SpecRequest) (*pb.SpecResponse, error) {
	return specToProto(s.impl.Spec()), nil
}

func (s *server) Configure(ctx context.Context, req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	var settings json.RawMessage
	if len(req.GetSettings()) > 0 {
		settings = json.RawMessage(req.GetSettings())
	}
	if err := s.impl.Configure(ctx, settings); err != nil {
		return nil, statusFromError(err)
	}
	return &pb.ConfigureResponse{}, nil
}

func (s *server) Check(ctx context.Context, _ *pb.CheckRequest) (*pb.CheckResponse, error) {
	if err := s.impl.Check(ctx); err != nil {
		return nil, statusFromError(err)
	}
	return &pb.CheckResponse{}, nil
}

func (s *server) Discover(ctx context.Context, _ *pb.DiscoverRequest) (*pb.DiscoverResponse, error) {
	cat, err := s.impl.Discover(ctx)
	if err != nil {
		return nil, statusFromError(err)
	}
	return catalogToProto(cat), nil
}

func (s *server) Read(ctx context.Context, req *pb.ReadRequest) (*pb.ReadResponse, error) {
	resp, err := s.impl.Read(ctx, readRequestFromProto(req))
	if err != nil {
		return nil, statusFromError(err)
	}
	out, err := readResponseToProto(resp)
	if err != nil {
		return nil, statusFromError(permanentError("read: send page", err))
	}
	return out, nil
}

// Write passes on the ops that decoded and reports the others as failed, so one undecodable op
// does not fail the batch.
func (s *server) Write(ctx context.Context, req *pb.WriteRequest) (*pb.WriteResponse, error) {
	full, bad := writeRequestFromProto(req)
	sent := full
	if bad != nil {
		sent = connectors.WriteRequest{Entity: full.Entity}
		for i, op := range full.Ops {
			if bad[i] == nil {
				sent.Ops = append(sent.Ops, op)
			}
		}
	}
	resp, err := s.impl.Write(ctx, sent)
	if err != nil {
		return nil, statusFromError(err)
	}
	if len(resp.Results) != len(sent.Ops) {
		return nil, statusFromError(permanentError("write", fmt.Errorf("connector returned %d results for %d ops", len(resp.Results), len(sent.Ops))))
	}
	return writeResponseToProto(mergeResults(resp.Results, bad)), nil
}

// ParseWebhook answers UNIMPLEMENTED for a connector without webhooks.
func (s *server) ParseWebhook(ctx context.Context, req *pb.ParseWebhookRequest) (*pb.ParseWebhookResponse, error) {
	wp, ok := s.impl.(connectors.WebhookParser)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "connector takes no webhooks")
	}
	events, err := wp.ParseWebhook(ctx, webhookRequestFromProto(req))
	if err != nil {
		return nil, statusFromError(err)
	}
	return webhookEventsToProto(events), nil
}

func (s *server) Close(context.Context, *pb.CloseRequest) (*pb.CloseResponse, error) {
	if err := s.impl.Close(); err != nil {
		return nil, statusFromError(err)
	}
	return &pb.CloseResponse{}, nil
}

// mergeResults puts the results of the ops that were sent back among the failures of those
// that were not: bad holds a failure for each op not sent (nil for the others), and results
// one result per op sent, in order. A nil bad means every op was sent.
func mergeResults(results []connectors.WriteResult, bad []*connectors.OpError) connectors.WriteResponse {
	if bad == nil {
		return connectors.WriteResponse{Results: results}
	}
	out := make([]connectors.WriteResult, len(bad))
	next := 0
	for i, failure := range bad {
		if failure != nil {
			out[i] = connectors.WriteResult{Err: failure}
			continue
		}
		out[i] = results[next]
		next++
	}
	return connectors.WriteResponse{Results: out}
}

// recoverPanics turns a connector's panic into a Permanent failure of the call, so the process
// keeps serving and the caller does not retry the input that caused it forever.
func recoverPanics(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = statusFromError(permanentError(info.FullMethod, fmt.Errorf("connector panicked: %v", r)))
		}
	}()
	return handler(ctx, req)
}
