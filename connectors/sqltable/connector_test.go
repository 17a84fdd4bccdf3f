package sqltable

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

func TestSpec(t *testing.T) {
	s := New().Spec()
	caps := s.Capabilities
	if s.Name != "sqltable" || s.Version != "0.1.0" || !caps.Read || !caps.Write || !caps.Delete ||
		!caps.Incremental || !caps.NativeUpsert || caps.Webhooks || caps.MaxBatch != 5000 {
		t.Errorf("Spec %+v", s)
	}
	var schema map[string]any
	if err := json.Unmarshal(s.ConfigSchema, &schema); err != nil || schema["type"] != "object" {
		t.Errorf("ConfigSchema is not a JSON Schema object: %v", err)
	}
}

func TestConfigureSettingErrors(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "x.db")
	table := `{"t": {"key": "id", "updated_at": "u"}}`
	for _, tc := range []struct{ settings, setting string }{
		{`{"driver": "mysql", "dsn": "x", "tables": ` + table + `}`, "driver"},
		{`{"dsn": "x", "tables": ` + table + `}`, "driver"},
		{`{"driver": "sqlite", "tables": ` + table + `}`, "dsn"},
		{`{"driver": "sqlite", "dsn": "x"}`, "tables"},
		{`{"driver": "sqlite", "dsn": "x", "tables": {}}`, "tables"},
		{`{"driver": "sqlite", "dsn": "x", "overlap": "soon", "tables": ` + table + `}`, "overlap"},
		{`{"driver": "sqlite", "dsn": "x", "overlap": "-1s", "tables": ` + table + `}`, "overlap"},
		{`{"driver": "sqlite", "dsn": "x", "tables": {"t": {"updated_at": "u"}}}`, "tables.t.key"},
		{`{"driver": "sqlite", "dsn": "x", "tables": {"t": {"key": "id"}}}`, "tables.t.updated_at"},
		{`{"driver": "sqlite", "dsn": "x", "tables": {"t": {"key": "id", "updated_at": "u", "delete_mode": "soft"}}}`, "tables.t.delete_mode"},
		{`{"driver": "sqlite", "dsn": "x", "tables": {"t": {"key": "id", "updated_at": "u", "deleted": "d", "delete_mode": "later"}}}`, "tables.t.delete_mode"},
		{`{"driver": "sqlite", "dsn": "x", "tables": ` + table + `, "extra": 1}`, "extra"},
		{`not json`, "settings"},
	} {
		c := New()
		err := c.Configure(context.Background(), json.RawMessage(strings.ReplaceAll(tc.settings, `"x"`, `"`+dsn+`"`)))
		if !errors.Is(err, connectors.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.setting) {
			t.Errorf("Configure(%s) = %v, want ErrInvalidConfig naming %s", tc.settings, err, tc.setting)
		}
	}
}

func TestConfigureSchemaErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		for _, tc := range []struct {
			table map[string]string
			want  []string
		}{
			{map[string]string{"key": "nope", "updated_at": "updated_at"}, []string{b.table, "nope", "tables." + b.table + ".key"}},
			{map[string]string{"key": "id", "updated_at": "changed"}, []string{b.table, "changed"}},
			{map[string]string{"key": "id", "updated_at": "updated_at", "deleted": "gone"}, []string{b.table, "gone"}},
		} {
			err := New().Configure(context.Background(), b.settings(t, tc.table))
			if !errors.Is(err, connectors.ErrInvalidConfig) {
				t.Errorf("Configure(%v) = %v, want ErrInvalidConfig", tc.table, err)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Configure(%v) = %v, want it to name %s", tc.table, err, w)
				}
			}
		}
		missing := *b
		missing.table = "no_such_table"
		err := New().Configure(context.Background(), missing.settings(t, softTable))
		if !errors.Is(err, connectors.ErrInvalidConfig) || !strings.Contains(err.Error(), "no_such_table") {
			t.Errorf("Configure(missing table) = %v, want ErrInvalidConfig naming it", err)
		}
		if b.driver == driverPostgres {
			err := New().Configure(context.Background(), b.settings(t, map[string]string{"key": "id", "updated_at": "name"}))
			if !errors.Is(err, connectors.ErrInvalidConfig) || !strings.Contains(err.Error(), "timestamptz") {
				t.Errorf("Configure(text updated_at) = %v, want ErrInvalidConfig asking for timestamptz", err)
			}
		}
	})
}

func TestUnknownEntity(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		_, err := c.Read(context.Background(), connectors.ReadRequest{Entity: "contacts"})
		if !errors.Is(err, connectors.ErrUnknownEntity) {
			t.Errorf("Read(contacts) = %v, want ErrUnknownEntity", err)
		}
		_, err = c.Write(context.Background(), connectors.WriteRequest{Entity: "contacts", Ops: []connectors.WriteOp{{Kind: connectors.OpDelete, ExternalID: "1"}}})
		if !errors.Is(err, connectors.ErrUnknownEntity) {
			t.Errorf("Write(contacts) = %v, want ErrUnknownEntity", err)
		}
	})
}

func TestNotConfigured(t *testing.T) {
	c := New()
	if _, err := c.Read(context.Background(), connectors.ReadRequest{Entity: "t"}); err == nil {
		t.Error("Read before Configure succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close before Configure: %v", err)
	}
}

func TestDiscover(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		cat, err := c.Discover(context.Background())
		if err != nil {
			t.Fatalf("Discover: %v", err)
		}
		if len(cat.Entities) != 1 || cat.Entities[0].Name != b.table {
			t.Fatalf("Discover = %+v, want the one table", cat)
		}
		got := map[string]connectors.FieldInfo{}
		for _, f := range cat.Entities[0].Fields {
			got[f.Name] = f
		}
		want := map[string]string{"id": "string", "name": "string", "score": "integer", "amount": "decimal",
			"big": "integer", "active": "boolean", "updated_at": "timestamp"}
		for name, typ := range want {
			if got[name].Type != typ {
				t.Errorf("field %s: type %q, want %q", name, got[name].Type, typ)
			}
		}
		if !got["name"].Nullable || got["is_deleted"].Nullable || got["id"].Nullable {
			t.Errorf("nullability: name %v, is_deleted %v, id %v; want true, false, false",
				got["name"].Nullable, got["is_deleted"].Nullable, got["id"].Nullable)
		}
	})
}

func TestCheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		if err := c.Check(context.Background()); err != nil {
			t.Fatalf("Check: %v", err)
		}
		b.exec(t, `DROP TABLE %s`)
		if err := c.Check(context.Background()); err == nil || !strings.Contains(err.Error(), b.table) {
			t.Errorf("Check after DROP TABLE = %v, want an error naming %s", err, b.table)
		}
	})
}

func TestContextCancelled(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Read(ctx, connectors.ReadRequest{Entity: b.table}); !errors.Is(err, context.Canceled) {
			t.Errorf("Read = %v, want context.Canceled", err)
		}
		_, err := c.Write(ctx, connectors.WriteRequest{Entity: b.table, Ops: []connectors.WriteOp{{Kind: connectors.OpUpsert, CreateKey: "a"}}})
		if !errors.Is(err, context.Canceled) || connectors.KindOf(err) != connectors.Retryable {
			t.Errorf("Write = %v, want a Retryable context.Canceled", err)
		}
		if err := c.Check(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Check = %v, want context.Canceled", err)
		}
		if _, err := c.Discover(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Discover = %v, want context.Canceled", err)
		}
	})
}

// A call blocked on a lock held elsewhere gives up when its context ends, well before the
// lock would be released (never, here) or SQLite's 5s busy timeout.
func TestContextDeadlineWhileBlocked(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		b.createAccounts(t)
		c := b.connector(t, softTable)
		tx, err := b.db.BeginTxx(context.Background(), nil)
		if err != nil {
			t.Fatalf("begin: %v", err)
		}
		defer func() { _ = tx.Rollback() }()
		lock := `INSERT INTO ` + quoteIdent(b.table) + ` (id) VALUES ('locker')` // SQLite: takes the write lock
		if b.driver == driverPostgres {
			lock = `LOCK TABLE ` + quoteIdent(b.table) + ` IN ACCESS EXCLUSIVE MODE`
		}
		if _, err := tx.ExecContext(context.Background(), lock); err != nil {
			t.Fatalf("lock: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = c.Write(ctx, connectors.WriteRequest{Entity: b.table, Ops: []connectors.WriteOp{{Kind: connectors.OpUpsert, CreateKey: "a"}}})
		if err == nil || time.Since(start) > 3*time.Second {
			t.Errorf("blocked Write = %v after %v, want an error within 3s", err, time.Since(start))
		}
	})
}
