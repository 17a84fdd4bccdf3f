-- +goose Up
-- When a source first finished a full read. Until every source of an entity has, pushes do not
-- create records: a customer not yet read from a system may well exist there already.
ALTER TABLE cursors ADD COLUMN loaded_at DATETIME;

-- +goose Down
ALTER TABLE cursors DROP COLUMN loaded_at;
