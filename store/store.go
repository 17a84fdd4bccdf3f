// Package store is the golden store: golden records and their history, match keys,
// cross-references, lineage, cursors, the outbox and the quarantine, over PostgreSQL or SQLite.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver "postgres"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"github.com/accord-mdm/accord/migrations"
)

// Dialect names the database behind a Store.
type Dialect string

// Dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Store is the golden store. It is safe for concurrent use.
type Store struct {
	db      *sqlx.DB
	dialect Dialect
}

// Open connects to url — a postgres:// URL, or a path to a SQLite file (created if missing) —
// and applies pending migrations.
func Open(ctx context.Context, url string) (*Store, error) {
	s, err := open(url)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func open(url string) (*Store, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		db, err := sqlx.Open("postgres", url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(16)
		return &Store{db: db, dialect: Postgres}, nil
	}
	path := strings.TrimPrefix(url, "sqlite://")
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create store directory: %w", err)
		}
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_time_format=sqlite&_txlock=immediate"
	db, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and a single connection makes every transaction
	// wait its turn instead of failing with SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	return &Store{db: db, dialect: SQLite}, nil
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the handle for tests and benchmarks of this module.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies every pending migration, holding a lock on PostgreSQL so that several workers
// starting at once do not race.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate store: %w", err)
	}
	return nil
}

// MigrateDownAll rolls every migration back (used by the round-trip test).
func (s *Store) MigrateDownAll(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		return fmt.Errorf("migrate store down: %w", err)
	}
	return nil
}

func (s *Store) provider() (*goose.Provider, error) {
	var (
		fsys    fs.FS
		dialect goose.Dialect
		opts    []goose.ProviderOption
		err     error
	)
	switch s.dialect {
	case Postgres:
		fsys, err = fs.Sub(migrations.Postgres, "postgres")
		dialect = goose.DialectPostgres
		locker, lerr := lock.NewPostgresSessionLocker()
		if lerr != nil {
			return nil, fmt.Errorf("migration lock: %w", lerr)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		fsys, err = fs.Sub(migrations.SQLite, "sqlite")
		dialect = goose.DialectSQLite3
	}
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, s.db.DB, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migration provider: %w", err)
	}
	return p, nil
}

// Tx is a transaction on the store; its methods are the repository API.
type Tx struct {
	q       sqlx.ExtContext
	dialect Dialect
}

// InTx runs fn in one transaction, committing if it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{q: tx, dialect: s.dialect}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Read returns the repository API outside a transaction (each call on its own).
func (s *Store) Read() *Tx { return &Tx{q: s.db, dialect: s.dialect} }

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.q.ExecContext(ctx, t.q.Rebind(query), args...)
}

func (t *Tx) get(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.GetContext(ctx, t.q, dest, t.q.Rebind(query), args...)
}

func (t *Tx) selectAll(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, t.q, dest, t.q.Rebind(query), args...)
}

// LockEntity serialises matching for one entity until the transaction ends, so that two workers
// never create two golden records for the same new customer. SQLite transactions are serial
// already.
func (t *Tx) LockEntity(ctx context.Context, entity string) error {
	if t.dialect != Postgres {
		return nil
	}
	if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "accord-match:"+entity); err != nil {
		return fmt.Errorf("lock entity %s: %w", entity, err)
	}
	return nil
}
