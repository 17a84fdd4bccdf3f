-- +goose Up
-- A steward's pick, made with a review merge: field of golden record golden_id takes the value
-- of the system record (entity, system, external_id) while that record is linked to it and
-- holds a value. No value is stored here: the value is always the picked record's current one.
-- A pin moves with its golden record when that is merged into another, and is dropped when its
-- record is unmerged.
CREATE TABLE golden_pins (
    golden_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    system      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    review_case BIGINT NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  DATETIME NOT NULL,
    PRIMARY KEY (golden_id, field)
);
CREATE INDEX golden_pins_record ON golden_pins (entity, system, external_id);

-- +goose Down
DROP INDEX golden_pins_record;
DROP TABLE golden_pins;
