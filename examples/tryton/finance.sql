-- The example finance system's table.
CREATE TABLE billing_accounts (id TEXT NOT NULL PRIMARY KEY, legal_name TEXT, tax_id TEXT,
  billing_email TEXT, street TEXT, city TEXT, postal_code TEXT, country TEXT,
  updated_at TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX billing_accounts_updated_at_id ON billing_accounts (updated_at, id);
