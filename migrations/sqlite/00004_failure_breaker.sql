-- +goose Up
-- The failure breaker of an inbound sync: records read and quarantined in the current window,
-- and why the sync paused itself ('' while it runs).
ALTER TABLE cursors ADD COLUMN window_read BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cursors ADD COLUMN window_failed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cursors ADD COLUMN paused_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE cursors DROP COLUMN paused_reason;
ALTER TABLE cursors DROP COLUMN window_failed;
ALTER TABLE cursors DROP COLUMN window_read;
