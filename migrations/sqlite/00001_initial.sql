-- +goose Up
CREATE TABLE golden_records (
    id          TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    version     BIGINT NOT NULL,
    fields      TEXT NOT NULL,
    merged_into TEXT,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX golden_records_entity ON golden_records (entity, id);

CREATE TABLE golden_versions (
    golden_id  TEXT NOT NULL,
    version    BIGINT NOT NULL,
    fields     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    changed_at DATETIME NOT NULL,
    PRIMARY KEY (golden_id, version)
);

CREATE TABLE match_keys (
    entity    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    golden_id TEXT NOT NULL,
    PRIMARY KEY (entity, kind, value, golden_id)
);
CREATE INDEX match_keys_golden ON match_keys (golden_id);

CREATE TABLE xrefs (
    system            TEXT NOT NULL,
    entity            TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    golden_id         TEXT NOT NULL,
    fields            TEXT NOT NULL,
    source_updated_at DATETIME,
    last_hash         TEXT NOT NULL,
    last_version      TEXT NOT NULL,
    origin            TEXT NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    updated_at        DATETIME NOT NULL,
    PRIMARY KEY (system, entity, external_id)
);
CREATE INDEX xrefs_golden ON xrefs (golden_id);

CREATE TABLE lineage (
    golden_id         TEXT NOT NULL,
    version           BIGINT NOT NULL,
    field             TEXT NOT NULL,
    system            TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    source_updated_at DATETIME,
    rule              TEXT NOT NULL,
    PRIMARY KEY (golden_id, version, field)
);

CREATE TABLE cursors (
    system         TEXT NOT NULL,
    entity         TEXT NOT NULL,
    cursor         TEXT NOT NULL,
    caught_up      INTEGER NOT NULL DEFAULT 0,
    pages          BIGINT NOT NULL DEFAULT 0,
    records_read   BIGINT NOT NULL DEFAULT 0,
    last_polled_at DATETIME,
    last_change_at DATETIME,
    PRIMARY KEY (system, entity)
);

CREATE TABLE outbox (
    system        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    golden_id     TEXT NOT NULL,
    golden_version BIGINT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    not_before    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    PRIMARY KEY (system, entity, golden_id)
);
CREATE INDEX outbox_pending ON outbox (system, entity, status, not_before);

CREATE TABLE write_log (
    system      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    count       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (system, entity, kind)
);

CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    system      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    stage       TEXT NOT NULL,
    raw         TEXT NOT NULL,
    error       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    UNIQUE (system, entity, external_id, stage)
);

CREATE TABLE config_versions (
    version    BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    content    TEXT NOT NULL,
    applied_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE config_versions;
DROP TABLE quarantine;
DROP TABLE write_log;
DROP TABLE outbox;
DROP TABLE cursors;
DROP TABLE lineage;
DROP TABLE xrefs;
DROP TABLE match_keys;
DROP TABLE golden_versions;
DROP TABLE golden_records;
