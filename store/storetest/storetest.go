// Package storetest opens golden stores for tests: SQLite in a temp dir, and PostgreSQL from
// ACCORD_TEST_DATABASE_URL (default: the local server's test database) in a schema of its own.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq" // PostgreSQL driver

	"github.com/accord-mdm/accord/store"
)

// DefaultPostgresURL is used when ACCORD_TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns a URL of a fresh schema on the test server, dropped when the test ends.
// Without a reachable server the test is skipped — except under CI=true, where that fails it.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ACCORD_TEST_DATABASE_URL")
	if base == "" {
		base = DefaultPostgresURL
	}
	db, err := sql.Open("postgres", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is required under CI=true: %v", base, err)
		}
		t.Skipf("PostgreSQL at %s unreachable (set ACCORD_TEST_DATABASE_URL): %v", base, err)
	}
	schema := fmt.Sprintf("t_%d_%s", time.Now().UnixNano(), strings.ToLower(sanitize(t.Name())))
	if len(schema) > 60 {
		schema = schema[:60]
	}
	if _, err := db.Exec(`CREATE SCHEMA "` + schema + `"`); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// SQLitePath returns a store file path in a temp dir.
func SQLitePath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "accord.db")
}

// Each runs fn against a fresh store of each dialect.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			url := SQLitePath(t)
			if d == "postgres" {
				url = PostgresURL(t)
			}
			s, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatalf("open %s store: %v", d, err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
