-- The example CRM's table. updated_at is UTC text, fixed width, as sqltable reads and writes it.
CREATE TABLE accounts (id TEXT NOT NULL PRIMARY KEY, account_name TEXT, email TEXT, phone TEXT,
  city TEXT, lifecycle TEXT, tier TEXT, updated_at TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX accounts_updated_at_id ON accounts (updated_at, id);
