package workflows

import (
	"context"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/store"
)

// ClassifyInput starts or continues the classification passes of an entity.
type ClassifyInput struct {
	Entity string
	// Every is the time between passes (golden/<entity>.yaml classification.every).
	Every time.Duration
	// Carried over continue-as-new: the pass's cursor (the last golden ID classified), and
	// counts.
	After   string
	Paused  bool
	Passes  int64
	Changed int64
}

// ClassifyProgress answers the progress query.
type ClassifyProgress struct {
	Status  string
	Passes  int64 // passes finished
	Changed int64 // records whose class changed as time passed
}

// ClassifyPageInput names the page of a pass: the records after After.
type ClassifyPageInput struct {
	Entity, After string
}

// ClassifyPageResult is the page's cursor ("" when the pass is done) and count.
type ClassifyPageResult struct {
	Last    string
	Changed int
}

// classifyPageSize is the records one activity classifies again, in one transaction.
const classifyPageSize = 500

// ClassifyWorkflow classifies every record of an entity again, page by page, then waits for the
// next pass (Every) or a sync-now signal: lifecycle and tier move with time even when no fact
// arrives (facts reclassify their customer as they are read). Pause and resume work as for syncs.
func ClassifyWorkflow(ctx workflow.Context, in ClassifyInput) error {
	prog := ClassifyProgress{Status: statusRunning, Passes: in.Passes, Changed: in.Changed}
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (ClassifyProgress, error) { return prog, nil }); err != nil {
		return err
	}
	ctx = withActivityOptions(ctx)
	after := in.After
	paused := loop(ctx, in.Every, in.Paused, &prog.Status, nil, func(ctx workflow.Context) (bool, error) {
		var res ClassifyPageResult
		if err := workflow.ExecuteActivity(ctx, ClassifyPageActivity, ClassifyPageInput{Entity: in.Entity, After: after}).Get(ctx, &res); err != nil {
			return false, err
		}
		prog.Changed += int64(res.Changed)
		after = res.Last
		if after == "" {
			prog.Passes++
			return true, nil
		}
		return false, nil
	})
	next := in
	next.After, next.Paused, next.Passes, next.Changed = after, paused, prog.Passes, prog.Changed
	return workflow.NewContinueAsNewError(ctx, ClassifyWorkflow, next)
}

// ClassifyPage classifies again, as of now, the next page of a pass and queues the records whose
// class changed for every system.
func (a *Activities) ClassifyPage(ctx context.Context, in ClassifyPageInput) (ClassifyPageResult, error) {
	eng, err := a.engine(in.Entity)
	if err != nil {
		return ClassifyPageResult{}, err
	}
	var res ClassifyPageResult
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockEntity(ctx, in.Entity); err != nil {
			return err
		}
		var err error
		res.Last, res.Changed, err = eng.Reclassify(ctx, tx, in.After, classifyPageSize)
		return err
	})
	return res, err
}
