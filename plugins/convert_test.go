package plugins

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// Numbers that float64 would round: above 2^53, and a decimal of 30 significant digits.
const (
	bigInt     = json.Number("9007199254740993")
	bigDecimal = json.Number("123456789012345.678901234567890")
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011121, time.UTC)
	tests := []struct {
		name string
		rec  connectors.Record
	}{
		{"zero", connectors.Record{}},
		{"nil fields", connectors.Record{ID: "a", Fields: nil}},
		{"empty fields", connectors.Record{ID: "a", Fields: map[string]any{}}},
		{"zero time", connectors.Record{ID: "a", Fields: map[string]any{"x": "y"}, UpdatedAt: time.Time{}}},
		{"exact numbers", connectors.Record{ID: "n", Fields: map[string]any{
			"big": bigInt, "decimal": bigDecimal, "neg": json.Number("-0.000000000000000000000000000001"),
			"nested": map[string]any{"list": []any{bigInt, "s", nil, true}},
		}}},
		{"all set", connectors.Record{ID: "id-1", Fields: map[string]any{"name": "Zoë 张", "null": nil, "ok": false},
			UpdatedAt: at, Version: "v7", Deleted: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := recordToProto(tt.rec)
			if err != nil {
				t.Fatalf("recordToProto: %v", err)
			}
			got := recordFromProto(p)
			if !reflect.DeepEqual(got, tt.rec) {
				t.Errorf("round trip:\n got %#v\nwant %#v", got, tt.rec)
			}
		})
	}
}

// TestUndecodableRecord: a record whose fields name a key twice or nest too deep does not fail
// its page; it arrives marked, with its bytes, for the quarantine.
func TestUndecodableRecord(t *testing.T) {
	for _, raw := range []string{`{"name":"Acme","Name":"ok","name":"Other"}`, `{"d":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`} {
		got := recordFromProto(&pb.Record{Id: "r1", Fields: []byte(raw)})
		if got.Undecodable == nil || got.Fields != nil || string(got.Raw) != raw || got.ID != "r1" {
			t.Errorf("%s: got %+v", raw, got)
		}
	}
	got := recordFromProto(&pb.Record{Id: "r2", Fields: []byte(`{"Name":"a","name":"b"}`)})
	if got.Undecodable != nil || got.Fields["Name"] != "a" || got.Fields["name"] != "b" {
		t.Errorf("case-variant keys are two fields: %+v", got)
	}
}

func TestNumbersTravelAsText(t *testing.T) {
	b, err := fieldsToJSON(map[string]any{"big": bigInt, "decimal": bigDecimal})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"big":9007199254740993,"decimal":123456789012345.678901234567890}`; string(b) != want {
		t.Errorf("wire fields = %s, want %s", b, want)
	}
	m, err := fieldsFromJSON([]byte(`{"big": 9007199254740993, "decimal": 123456789012345.678901234567890}`))
	if err != nil {
		t.Fatal(err)
	}
	if m["big"] != bigInt || m["decimal"] != bigDecimal {
		t.Errorf("decoded %#v, want the exact text as json.Number", m)
	}
}

func TestFieldsFromJSONRejects(t *testing.T) {
	for _, in := range []string{`null`, `[1]`, `"s"`, `{"a":1} {"b":2}`, `{"a":`, `7`} {
		if m, err := fieldsFromJSON([]byte(in)); err == nil {
			t.Errorf("fieldsFromJSON(%s) = %v, want an error", in, m)
		}
	}
}

func TestFieldsToJSONRejects(t *testing.T) {
	for name, v := range map[string]any{"NaN": math.NaN(), "bad number": json.Number("1e"), "chan": make(chan int)} {
		if _, err := fieldsToJSON(map[string]any{"f": v}); err == nil {
			t.Errorf("%s: fieldsToJSON succeeded, want an error", name)
		}
	}
}

func TestTime(t *testing.T) {
	if timeToProto(time.Time{}) != nil {
		t.Error("zero time should be absent")
	}
	if got := timeFromProto(nil); !got.IsZero() {
		t.Errorf("absent timestamp = %v, want zero", got)
	}
	local := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CST", 8*3600))
	got := timeFromProto(timeToProto(local))
	if !got.Equal(local) || got.Location() != time.UTC {
		t.Errorf("round trip of %v = %v, want the same instant in UTC", local, got)
	}
}

func TestSpecAndCatalog(t *testing.T) {
	specs := []connectors.Spec{
		{},
		{Name: "x", Version: "1", ConfigSchema: json.RawMessage(`{"type":"object"}`), Capabilities: connectors.Capabilities{
			Read: true, Write: true, Delete: true, Incremental: true, Webhooks: true, NativeUpsert: true, MaxBatch: 5000}},
	}
	for _, s := range specs {
		if got := specFromProto(specToProto(s)); !reflect.DeepEqual(got, s) {
			t.Errorf("spec round trip: got %#v, want %#v", got, s)
		}
	}
	if got := specFromProto(nil); !reflect.DeepEqual(got, connectors.Spec{}) {
		t.Errorf("nil spec = %#v", got)
	}
	cats := []connectors.Catalog{{}, {Entities: []connectors.EntityInfo{{Name: "e"}, {Name: "f", Fields: []connectors.FieldInfo{
		{Name: "id", Type: "string"}, {Name: "amount", Type: "decimal", Nullable: true}}}}}}
	for _, c := range cats {
		if got := catalogFromProto(catalogToProto(c)); !reflect.DeepEqual(got, c) {
			t.Errorf("catalog round trip: got %#v, want %#v", got, c)
		}
	}
}

func TestReadRoundTrip(t *testing.T) {
	req := connectors.ReadRequest{Entity: "accounts", Cursor: "c", Limit: 50}
	if got := readRequestFromProto(readRequestToProto(req)); got != req {
		t.Errorf("read request: got %#v, want %#v", got, req)
	}
	if got := readRequestFromProto(nil); got != (connectors.ReadRequest{}) {
		t.Errorf("nil read request = %#v", got)
	}
	for _, resp := range []connectors.ReadResponse{{}, {NextCursor: "n", More: true, Records: []connectors.Record{{ID: "a"}, {ID: "b", Fields: map[string]any{"k": bigInt}}}}} {
		p, err := readResponseToProto(resp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readResponseFromProto(p)
		if err != nil || !reflect.DeepEqual(got, resp) {
			t.Errorf("read response: got %#v, %v; want %#v", got, err, resp)
		}
	}
	if _, err := readResponseToProto(connectors.ReadResponse{Records: []connectors.Record{{ID: "x", Fields: map[string]any{"f": math.Inf(1)}}}}); err == nil {
		t.Error("a record JSON cannot encode converted without an error")
	}
}

func TestWriteRoundTrip(t *testing.T) {
	ops := []connectors.WriteOp{
		{Kind: connectors.OpUpsert, CreateKey: "ck", IdempotencyKey: "ik", Fields: map[string]any{"amount": bigDecimal}},
		{Kind: connectors.OpDelete, ExternalID: "7"},
		{Kind: connectors.OpUpsert, ExternalID: "8", Fields: map[string]any{}},
	}
	preq := &pb.WriteRequest{Entity: "e"}
	for _, op := range ops {
		p, err := writeOpToProto(op)
		if err != nil {
			t.Fatal(err)
		}
		preq.Ops = append(preq.Ops, p)
	}
	got, bad := writeRequestFromProto(preq)
	if bad != nil || !reflect.DeepEqual(got, connectors.WriteRequest{Entity: "e", Ops: ops}) {
		t.Errorf("write request: got %#v (bad %v)", got, bad)
	}
	if _, err := writeOpToProto(connectors.WriteOp{Kind: "merge"}); err == nil {
		t.Error("an unknown op kind converted without an error")
	}
	_, bad = writeRequestFromProto(&pb.WriteRequest{Ops: []*pb.WriteOp{{Kind: pb.OpKind_OP_KIND_UPSERT, Fields: []byte("[")}, {}}})
	if len(bad) != 2 || bad[0] == nil || bad[0].Kind != connectors.Permanent || bad[1] != nil {
		t.Errorf("undecodable op: failures %v, want the first op Permanent only", bad)
	}

	resp := connectors.WriteResponse{Results: []connectors.WriteResult{
		{ExternalID: "1", Version: "v"},
		{Err: &connectors.OpError{Kind: connectors.RateLimited, Message: "slow down", RetryAfter: 1500 * time.Millisecond}},
		{Err: &connectors.OpError{Kind: connectors.Permanent, Message: "no such column", Field: "colour"}},
	}}
	if got := writeResponseFromProto(writeResponseToProto(resp)); !reflect.DeepEqual(got, resp) {
		t.Errorf("write response: got %#v, want %#v", got, resp)
	}
	if got := writeResponseFromProto(nil); len(got.Results) != 0 {
		t.Errorf("nil write response = %#v", got)
	}
}

func TestMergeResults(t *testing.T) {
	failed := &connectors.OpError{Kind: connectors.Permanent, Message: "bad"}
	got := mergeResults([]connectors.WriteResult{{ExternalID: "a"}, {ExternalID: "c"}}, []*connectors.OpError{nil, failed, nil})
	want := []connectors.WriteResult{{ExternalID: "a"}, {Err: failed}, {ExternalID: "c"}}
	if !reflect.DeepEqual(got.Results, want) {
		t.Errorf("merged %#v, want %#v", got.Results, want)
	}
	if got := mergeResults(want, nil); !reflect.DeepEqual(got.Results, want) {
		t.Errorf("nothing to merge: %#v", got.Results)
	}
}

func TestOpErrorKinds(t *testing.T) {
	if opErrorToProto(nil) != nil || opErrorFromProto(nil) != nil {
		t.Error("nil OpError should stay nil")
	}
	for _, k := range []connectors.ErrorKind{connectors.Retryable, connectors.RateLimited, connectors.Conflict, connectors.Permanent, connectors.Auth} {
		in := &connectors.OpError{Kind: k, Message: "m", Field: "f"}
		if got := opErrorFromProto(opErrorToProto(in)); !reflect.DeepEqual(got, in) {
			t.Errorf("%s: got %#v", k, got)
		}
	}
	if got := opErrorFromProto(&pb.Error{Message: "?"}); got.Kind != connectors.Retryable {
		t.Errorf("unclassified kind = %s, want retryable", got.Kind)
	}
}

func TestCallErrorsSurviveTheBoundary(t *testing.T) {
	rate := &connectors.OpError{Kind: connectors.RateLimited, Message: "429", RetryAfter: 3 * time.Second}
	tests := []struct {
		name      string
		err       error
		kind      connectors.ErrorKind
		sentinels []error
	}{
		{"invalid config", errors.Join(errors.New("configure"), connectors.ErrInvalidConfig), connectors.Retryable, []error{connectors.ErrInvalidConfig}},
		{"unknown entity", wrap(connectors.ErrUnknownEntity), connectors.Retryable, []error{connectors.ErrUnknownEntity}},
		{"classified", wrap(rate), connectors.RateLimited, nil},
		{"both", wrap(errors.Join(&connectors.OpError{Kind: connectors.Permanent, Message: "x"}, connectors.ErrUnknownEntity)),
			connectors.Permanent, []error{connectors.ErrUnknownEntity}},
		{"plain", errors.New("boom"), connectors.Retryable, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, ok := errorFromStatus(statusFromError(tt.err))
			if !ok {
				t.Fatal("status lost its CallError detail")
			}
			if re.Error() != tt.err.Error() {
				t.Errorf("text %q, want %q", re.Error(), tt.err.Error())
			}
			if got := connectors.KindOf(re); got != tt.kind {
				t.Errorf("KindOf = %s, want %s", got, tt.kind)
			}
			for _, s := range []error{connectors.ErrInvalidConfig, connectors.ErrUnknownEntity} {
				want := false
				for _, w := range tt.sentinels {
					want = want || w == s
				}
				if errors.Is(re, s) != want {
					t.Errorf("errors.Is(%v) = %v, want %v", s, !want, want)
				}
			}
		})
	}
	re, _ := errorFromStatus(statusFromError(wrap(rate)))
	var oe *connectors.OpError
	if !errors.As(re, &oe) || oe.RetryAfter != 3*time.Second || oe.Message != "429" {
		t.Errorf("OpError across the boundary = %#v", oe)
	}
	if _, ok := errorFromStatus(errors.New("not a status")); ok {
		t.Error("a plain error was taken for a plugin's answer")
	}
}

func wrap(err error) error { return errors.Join(errors.New("read page"), err) }

func TestWebhookRoundTrip(t *testing.T) {
	for _, req := range []connectors.WebhookRequest{
		{},
		{Body: []byte(`{"changed":["1"]}`)},
		{Headers: map[string][]string{"X-Signature": {"sha256=ab"}, "Accept": {"a", "b"}}, Body: []byte{0, 0xff, '\n'}},
	} {
		if got := webhookRequestFromProto(webhookRequestToProto(req)); !reflect.DeepEqual(got, req) {
			t.Errorf("webhook request %+v came back as %+v", req, got)
		}
	}
	for _, events := range [][]connectors.WebhookEvent{
		nil,
		{{Entity: "contacts"}},
		{{Entity: "contacts", IDs: []string{"a", "b"}}, {Entity: "orders", IDs: []string{"深圳-1"}}},
	} {
		if got := webhookEventsFromProto(webhookEventsToProto(events)); !reflect.DeepEqual(got, events) {
			t.Errorf("events %+v came back as %+v", events, got)
		}
	}
}
