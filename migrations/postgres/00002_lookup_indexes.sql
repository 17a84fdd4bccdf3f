-- +goose Up
-- A push looks up a golden record's cross-reference in one system; with only (golden_id) the
-- planner could prefer the primary key's (system, entity) prefix and scan a whole system.
DROP INDEX xrefs_golden;
CREATE INDEX xrefs_golden ON xrefs (golden_id, system, entity);
-- Convergence checks count unfinished pushes and find the latest one.
CREATE INDEX outbox_entity_status ON outbox (entity, status);
CREATE INDEX outbox_entity_updated ON outbox (entity, updated_at);

-- +goose Down
DROP INDEX outbox_entity_updated;
DROP INDEX outbox_entity_status;
DROP INDEX xrefs_golden;
CREATE INDEX xrefs_golden ON xrefs (golden_id);
