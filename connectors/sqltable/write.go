package sqltable

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/accord-mdm/accord/connectors"
)

// Write statements. Names are quoted names the database listed; SET lists are built per op
// from the fields it carries.
const (
	insertSQL     = `INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s`
	updateSQL     = `UPDATE %s SET %s WHERE %s = ?`
	softDeleteSQL = `UPDATE %s SET %s = ?, %s = ? WHERE %s = ?`
	hardDeleteSQL = `DELETE FROM %s WHERE %s = ?`
)

// Write applies the ops in one transaction, each inside a savepoint: an op that fails is rolled
// back to its savepoint and gets its error in its result, the others commit together — one
// commit per batch instead of one per op. A failure that is not the op's fault (a lock timeout,
// a lost connection, revoked credentials, a cancelled context) fails the whole call, which the
// caller retries; every op is idempotent, so a retried batch writes nothing twice.
func (c *connector) Write(ctx context.Context, req connectors.WriteRequest) (connectors.WriteResponse, error) {
	st, err := c.state()
	if err != nil {
		return connectors.WriteResponse{}, err
	}
	t, err := st.table(req.Entity)
	if err != nil {
		return connectors.WriteResponse{}, fmt.Errorf("write: %w", err)
	}
	if len(req.Ops) > MaxBatch {
		return connectors.WriteResponse{}, fmt.Errorf("write %s: %w", t.name, &connectors.OpError{
			Kind: connectors.Permanent, Message: fmt.Sprintf("%d ops exceed MaxBatch %d", len(req.Ops), MaxBatch)})
	}
	callErr := func(err error) (connectors.WriteResponse, error) {
		return connectors.WriteResponse{}, fmt.Errorf("write %s: %w", t.name, classified(err))
	}
	tx, err := st.db.BeginTxx(ctx, nil)
	if err != nil {
		return callErr(err)
	}
	defer func() { _ = tx.Rollback() }()
	resp := connectors.WriteResponse{Results: make([]connectors.WriteResult, 0, len(req.Ops))}
	for _, op := range req.Ops {
		if err := ctx.Err(); err != nil {
			return callErr(err)
		}
		if _, err := tx.ExecContext(ctx, savepointSQL); err != nil {
			return callErr(err)
		}
		res := st.apply(ctx, tx, t, op, c.now())
		if res.Err != nil {
			if ctx.Err() != nil {
				return callErr(ctx.Err())
			}
			if res.Err.Kind == connectors.Retryable || res.Err.Kind == connectors.Auth {
				return connectors.WriteResponse{}, fmt.Errorf("write %s: %w", t.name, res.Err)
			}
			if _, err := tx.ExecContext(ctx, rollbackToSQL); err != nil {
				return callErr(err)
			}
		}
		if _, err := tx.ExecContext(ctx, releaseSQL); err != nil {
			return callErr(err)
		}
		resp.Results = append(resp.Results, res)
	}
	if err := tx.Commit(); err != nil {
		return callErr(err)
	}
	return resp, nil
}

// Savepoint statements around each op of a batch.
const (
	savepointSQL  = `SAVEPOINT accord_op`
	rollbackToSQL = `ROLLBACK TO SAVEPOINT accord_op`
	releaseSQL    = `RELEASE SAVEPOINT accord_op`
)

// apply runs one op.
func (st *state) apply(ctx context.Context, e sqlx.ExecerContext, t *table, op connectors.WriteOp, now time.Time) connectors.WriteResult {
	switch op.Kind {
	case connectors.OpUpsert:
		if op.ExternalID == "" {
			return st.create(ctx, e, t, op, now)
		}
		return st.update(ctx, e, t, op, now)
	case connectors.OpDelete:
		return st.delete(ctx, e, t, op, now)
	default:
		return failed(op.ExternalID, permanent("", "unknown op kind %q", op.Kind))
	}
}

// create inserts the row keyed op.CreateKey, or updates it when a retry finds it there.
func (st *state) create(ctx context.Context, e sqlx.ExecerContext, t *table, op connectors.WriteOp, now time.Time) connectors.WriteResult {
	if op.CreateKey == "" {
		return failed("", permanent("", "create needs a CreateKey"))
	}
	nowArg, version := nowArgs(st.driver, now)
	as, opErr := st.assignments(t, op.Fields, nowArg)
	if opErr != nil {
		return failed("", opErr)
	}
	cols := []string{quoteIdent(t.key.Name)}
	marks := []string{"?"}
	sets := make([]string, 0, len(as))
	args := []any{op.CreateKey}
	for _, a := range as {
		q := quoteIdent(a.col)
		cols, marks, args = append(cols, q), append(marks, "?"), append(args, a.arg)
		sets = append(sets, q+" = excluded."+q)
	}
	query := st.db.Rebind(fmt.Sprintf(insertSQL, quoteIdent(t.name), strings.Join(cols, ", "),
		strings.Join(marks, ", "), quoteIdent(t.key.Name), strings.Join(sets, ", ")))
	if _, opErr := execOp(ctx, e, query, args); opErr != nil {
		return failed("", opErr)
	}
	return connectors.WriteResult{ExternalID: op.CreateKey, Version: version}
}

// update sets the op's fields on the row op.ExternalID; a missing row is a Conflict.
func (st *state) update(ctx context.Context, e sqlx.ExecerContext, t *table, op connectors.WriteOp, now time.Time) connectors.WriteResult {
	nowArg, version := nowArgs(st.driver, now)
	as, opErr := st.assignments(t, op.Fields, nowArg)
	if opErr != nil {
		return failed(op.ExternalID, opErr)
	}
	sets := make([]string, 0, len(as))
	args := make([]any, 0, len(as)+1)
	for _, a := range as {
		sets = append(sets, quoteIdent(a.col)+" = ?")
		args = append(args, a.arg)
	}
	args = append(args, op.ExternalID)
	query := st.db.Rebind(fmt.Sprintf(updateSQL, quoteIdent(t.name), strings.Join(sets, ", "), quoteIdent(t.key.Name)))
	n, opErr := execOp(ctx, e, query, args)
	if opErr != nil {
		return failed(op.ExternalID, opErr)
	}
	if n == 0 {
		return failed(op.ExternalID, &connectors.OpError{
			Kind: connectors.Conflict, Message: fmt.Sprintf("record %s not found", op.ExternalID)})
	}
	return connectors.WriteResult{ExternalID: op.ExternalID, Version: version}
}

// delete marks the row deleted or removes it; a missing row is already deleted.
func (st *state) delete(ctx context.Context, e sqlx.ExecerContext, t *table, op connectors.WriteOp, now time.Time) connectors.WriteResult {
	if op.ExternalID == "" {
		return failed("", permanent("", "delete needs an ExternalID"))
	}
	if t.hardDelete {
		if _, opErr := execOp(ctx, e, t.hardDeleteSQL, []any{op.ExternalID}); opErr != nil {
			return failed(op.ExternalID, opErr)
		}
		return connectors.WriteResult{ExternalID: op.ExternalID}
	}
	nowArg, version := nowArgs(st.driver, now)
	args := []any{deletedArg(st.driver, *t.deleted, true), nowArg, op.ExternalID}
	n, opErr := execOp(ctx, e, t.softDelete, args)
	if opErr != nil {
		return failed(op.ExternalID, opErr)
	}
	if n == 0 {
		version = "" // nothing was there to mark
	}
	return connectors.WriteResult{ExternalID: op.ExternalID, Version: version}
}

// assignment is one column to set and its driver argument.
type assignment struct {
	col string
	arg any
}

// assignments checks the op's fields against the table and converts their values, in column
// name order; it appends updated_at and, when the table has one, the cleared deleted column.
func (st *state) assignments(t *table, fields map[string]any, nowArg any) ([]assignment, *connectors.OpError) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	as := make([]assignment, 0, len(names)+2)
	for _, name := range names {
		col, ok := t.column(name)
		if !ok {
			return nil, permanent(name, "no column %s in table %s", name, t.name)
		}
		if t.reserved(name) {
			return nil, permanent(name, "column %s is set by the connector, not by fields", name)
		}
		arg, err := bindValue(st.driver, col, fields[name])
		if err != nil {
			return nil, permanent(name, "%v", err)
		}
		as = append(as, assignment{col: name, arg: arg})
	}
	as = append(as, assignment{col: t.updatedAt.Name, arg: nowArg})
	if t.deleted != nil {
		as = append(as, assignment{col: t.deleted.Name, arg: deletedArg(st.driver, *t.deleted, false)})
	}
	return as, nil
}

// execOp runs one write statement and returns the rows it affected.
func execOp(ctx context.Context, e sqlx.ExecerContext, query string, args []any) (int64, *connectors.OpError) {
	res, err := e.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, classify(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, classify(err)
	}
	return n, nil
}

func permanent(field, format string, args ...any) *connectors.OpError {
	return &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf(format, args...), Field: field}
}

func failed(externalID string, err *connectors.OpError) connectors.WriteResult {
	return connectors.WriteResult{ExternalID: externalID, Err: err}
}
