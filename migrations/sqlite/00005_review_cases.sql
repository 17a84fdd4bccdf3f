-- +goose Up
-- A review case: a record held as golden record golden_id that scored between the review and
-- merge thresholds against candidate_id. It waits for a steward (merge or not a match); its
-- Temporal workflow escalates it when nobody decides.
CREATE TABLE review_cases (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    entity           TEXT NOT NULL,
    golden_id        TEXT NOT NULL,
    candidate_id     TEXT NOT NULL,
    score            DOUBLE PRECISION NOT NULL,
    details          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open',
    workflow_started BOOLEAN NOT NULL DEFAULT FALSE,
    escalated        BOOLEAN NOT NULL DEFAULT FALSE,
    decided_by       TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    decided_at       DATETIME,
    UNIQUE (entity, golden_id, candidate_id)
);
CREATE INDEX review_cases_open ON review_cases (status, golden_id);
CREATE INDEX review_cases_candidate ON review_cases (candidate_id);

-- "Not a match": a pair of golden records a steward said are different customers (a < b);
-- never proposed again.
CREATE TABLE not_a_match (
    entity     TEXT NOT NULL,
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at DATETIME NOT NULL,
    PRIMARY KEY (entity, a, b)
);

-- +goose Down
DROP TABLE not_a_match;
DROP INDEX review_cases_candidate;
DROP INDEX review_cases_open;
DROP TABLE review_cases;
