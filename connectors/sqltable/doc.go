// Package sqltable is a connector for plain tables of a PostgreSQL or SQLite database: Accord's
// demo systems (SQLite files) and in-house systems whose records live in ordinary tables.
//
// # Settings
//
//	{"driver": "sqlite" | "postgres", "dsn": "path/to/file.db or postgres://…",
//	 "overlap": "2s",
//	 "tables": {"accounts": {"key": "id", "updated_at": "updated_at",
//	                         "deleted": "is_deleted", "delete_mode": "soft" | "hard"}}}
//
// Each configured table is one entity, named like the table (PostgreSQL: in current_schema()).
// Configure checks that every table and its key, updated_at and deleted columns exist; names
// match exactly (case-sensitive). Every identifier the connector puts into SQL is one the
// database itself listed, and it is quoted. For SQLite the connector adds
// _pragma=busy_timeout(5000) and _pragma=journal_mode(WAL) to the DSN.
//
// # Timestamps
//
// The updated_at column orders reads and is set by every write. In PostgreSQL it must be
// timestamptz. In SQLite it must be TEXT holding UTC in the fixed-width form
// 2006-01-02T15:04:05.000000Z (always six fractional digits, always Z), so that text order is
// time order; the connector writes that form. Record.Version is the updated_at in that form for
// both databases, and Record.UpdatedAt is the same instant (UTC). Rows whose key or updated_at is
// NULL are never read; a row whose updated_at is not a timestamp fails the Read as Permanent,
// naming the record, rather than being skipped.
//
// # Reading
//
// Read pages by keyset on (updated_at, key), ascending. The cursor is base64 of a small JSON
// object: a position (timestamp and, unless the position is the start of that timestamp, the key
// last read) and a high-water mark, the largest updated_at seen so far. A full page continues
// from its last row with More set. A short page means caught up: the cursor rewinds to
// high-water mark minus overlap, so the next poll re-reads the last overlap of changes and
// catches rows committed late with an earlier timestamp. The rewind is always computed from the
// high-water mark, so polls that find nothing new do not move further back. Re-read records are
// expected; Accord deduplicates them. A page fetches one row more than it returns, so More is
// exact.
//
// Limit <= 0 means the default page of 1000 records; a limit above MaxBatch (5000) is clamped
// to 5000. Neither is an error: the cursor makes a smaller page harmless.
//
// Record.Fields holds every column, key, updated_at and deleted included: text as string,
// integers and decimals as json.Number with their exact text, booleans as bool (SQLite's 0/1
// in a column declared BOOLEAN too), NULL as nil, bytes as string when valid UTF-8 else
// standard base64, times as RFC 3339 UTC strings. Record.Deleted is true when the deleted
// column holds true, a non-zero number, or the text "1" or "true" (any case).
//
// # Writing
//
// A batch is one transaction with a savepoint per op: a failed op (bad value, constraint, missing
// row) is rolled back to its savepoint and reported in its result while the others commit
// together; a failure that is not the op's fault (lock timeout, lost connection, credentials,
// cancellation) fails the whole call, and the caller retries it. An upsert without ExternalID creates the row keyed
// op.CreateKey with INSERT … ON CONFLICT (key) DO UPDATE, so a retried create updates the row
// it created. An upsert with ExternalID updates that row; a missing row is a Conflict. Every
// upsert sets updated_at to now (UTC, microseconds) and clears the deleted column. Deletes are
// soft (deleted set, updated_at bumped) or hard (DELETE); deleting a missing row succeeds. The
// key column needs a primary key or unique constraint for creates to work.
//
// # Numbers in SQLite
//
// SQLite stores a number in a column of numeric affinity (INTEGER, REAL, NUMERIC, DECIMAL…)
// as a 64-bit integer or a double, never as decimal text. Writing a number that would not read
// back equal (more than about 15 significant digits, an integer beyond 64 bits) fails as
// Permanent instead of being rounded. Keep exact decimals in a TEXT column; they are stored
// byte for byte and read back as strings.
package sqltable
