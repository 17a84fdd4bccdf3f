-- +goose Up
-- A transaction fact (an order, an invoice) as classification reads it: the golden record
-- fact_id of a fact entity, about the live golden record customer_id (moved along when that
-- record is merged into another). customer_system and customer_record name the record of the
-- fact's own system it refers to, so that an unmerge of that record takes its facts along.
-- Dates are UTC days (YYYY-MM-DD); amounts exact decimal text,
-- added up in the engine.
CREATE TABLE facts (
    fact_id     TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    amount      TEXT NOT NULL,
    currency    TEXT NOT NULL DEFAULT '',
    customer_system TEXT NOT NULL DEFAULT '',
    customer_record TEXT NOT NULL DEFAULT ''
);
CREATE INDEX facts_customer ON facts (customer_id, occurred_on);

-- +goose Down
DROP INDEX facts_customer;
DROP TABLE facts;
