// Package connectors holds the connector contract: what Accord asks of a system it syncs. It has
// no dependencies of ours and no wire types; the plugin protocol mirrors it method for method.
package connectors

import (
	"context"
	"encoding/json"
	"time"
)

// Connector knows one system. Accord calls Configure once, then any of the other methods, possibly
// concurrently from several goroutines; an implementation must be safe for that. Close releases
// what Configure acquired; no method is called after Close.
type Connector interface {
	// Spec describes the connector. It is static: it does not depend on Configure.
	Spec() Spec
	// Configure validates the settings (secrets already resolved) and prepares connections.
	// An invalid setting returns an error wrapping ErrInvalidConfig that names the setting.
	Configure(ctx context.Context, settings json.RawMessage) error
	// Check verifies credentials and reachability, returning an error that says what failed.
	Check(ctx context.Context) error
	// Discover lists the entities (objects) the system holds and their fields.
	Discover(ctx context.Context) (Catalog, error)
	// Read returns one page of records of req.Entity after req.Cursor and the cursor to resume
	// from. Incremental reads may return a record again (overlap window); callers deduplicate by
	// content. An empty Cursor means "from the beginning".
	Read(ctx context.Context, req ReadRequest) (ReadResponse, error)
	// Write applies upserts and deletes. Every op gets exactly one result, in order; a failed op
	// does not fail the batch. The returned error is for failures of the whole call.
	Write(ctx context.Context, req WriteRequest) (WriteResponse, error)
	// Close releases resources.
	Close() error
}

// WebhookParser is implemented by a connector that declares Capabilities.Webhooks: the system
// notifies Accord of changes over HTTP, and the connector, which knows the system's signature
// scheme and secrets, verifies each notification and says what changed. Accord then reads the
// changes through Read as usual: a webhook only makes the next read come sooner, so a lost or
// forged notification can never lose or invent data.
type WebhookParser interface {
	// ParseWebhook verifies req and returns the changes it announces. A notification that
	// fails verification (bad or missing signature, stale timestamp) returns an *OpError of
	// kind Auth; one that is well signed but malformed, Permanent.
	ParseWebhook(ctx context.Context, req WebhookRequest) ([]WebhookEvent, error)
}

// WebhookRequest is an HTTP request a system sent to Accord's webhook endpoint.
type WebhookRequest struct {
	// Headers by canonical name (Content-Type).
	Headers map[string][]string
	// Body byte for byte, as signed.
	Body []byte
}

// WebhookEvent is a change a system announced: records of one entity, or the entity as a whole
// when IDs is empty.
type WebhookEvent struct {
	Entity string
	IDs    []string
}

// Spec is a connector's self-description.
type Spec struct {
	Name         string
	Version      string
	Capabilities Capabilities
	// ConfigSchema is a JSON Schema of the settings object.
	ConfigSchema json.RawMessage
}

// Capabilities say what a connector can do.
type Capabilities struct {
	Read, Write, Delete, Incremental, Webhooks, NativeUpsert bool
	// MaxBatch is the largest Read limit or Write batch the connector accepts (0: no limit).
	MaxBatch int
}

// Catalog is what Discover finds.
type Catalog struct {
	Entities []EntityInfo
}

// EntityInfo describes one object of a system.
type EntityInfo struct {
	Name   string
	Fields []FieldInfo
}

// FieldInfo describes one field of an object.
type FieldInfo struct {
	Name     string
	Type     string // string, integer, decimal, boolean, date, timestamp, json
	Nullable bool
}

// Record is one object as the system holds it.
type Record struct {
	// ID is the system's identifier of the record (its external ID for Accord).
	ID string
	// Fields is a JSON object. Numbers are json.Number so that none loses precision.
	Fields map[string]any
	// UpdatedAt is the system's last-modified time of the record, UTC.
	UpdatedAt time.Time
	// Version is the system's version or etag, if it has one.
	Version string
	// Deleted marks a record the system reports as deleted (soft delete or tombstone).
	Deleted bool
	// Undecodable is set by the plugin host, never by a connector, when the record's fields
	// crossed the boundary but do not decode (a key twice, nested too deep): Fields is nil, Raw
	// holds the bytes, and the record is quarantined instead of failing its page.
	Undecodable error
	Raw         []byte
}

// ReadRequest asks for a page.
type ReadRequest struct {
	Entity string
	Cursor string
	Limit  int
}

// ReadResponse is one page.
type ReadResponse struct {
	Records []Record
	// NextCursor resumes after this page. It is opaque to Accord.
	NextCursor string
	// More is true when the connector knows there are further records right now; false when the
	// page reached the end (caught up).
	More bool
}

// OpKind is an upsert or a delete.
type OpKind string

// Operation kinds.
const (
	OpUpsert OpKind = "upsert"
	OpDelete OpKind = "delete"
)

// WriteOp is one change to apply.
type WriteOp struct {
	Kind OpKind
	// ExternalID is the record to change; empty to create one.
	ExternalID string
	// CreateKey identifies a create across retries: a connector that creates a record for a
	// CreateKey it has already created must return that record, not a second one.
	CreateKey string
	// IdempotencyKey identifies this exact change (golden ID, golden version, target).
	IdempotencyKey string
	// Fields to set; fields not present are left alone.
	Fields map[string]any
}

// WriteRequest is a batch of ops for one entity.
type WriteRequest struct {
	Entity string
	Ops    []WriteOp
}

// WriteResult is the outcome of one op.
type WriteResult struct {
	ExternalID string
	Version    string
	// Err is nil on success, else a *OpError.
	Err *OpError
}

// WriteResponse holds one result per op, in the order of the ops.
type WriteResponse struct {
	Results []WriteResult
}
