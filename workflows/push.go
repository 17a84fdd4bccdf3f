package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/master"
)

// PushInput starts or continues an outbound push.
type PushInput struct {
	System, Entity string
	PollInterval   time.Duration
	Paused         bool
	Totals         master.PushResult
	Batches        int64
}

// PushProgress answers the progress query.
type PushProgress struct {
	Status  string
	Batches int64
	Totals  master.PushResult
}

// PushBatchInput names the target; the work is in the store's outbox.
type PushBatchInput struct {
	System, Entity string
}

// PushBatchResult counts one batch.
type PushBatchResult struct {
	master.PushResult
	More bool
}

// PushWorkflow drains the outbox of system×entity in batches, forever; when it is empty it waits
// for the poll interval or a sync-now signal.
func PushWorkflow(ctx workflow.Context, in PushInput) error {
	prog := PushProgress{Status: statusRunning, Batches: in.Batches, Totals: in.Totals}
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (PushProgress, error) { return prog, nil }); err != nil {
		return err
	}
	ctx = withActivityOptions(ctx)
	paused := loop(ctx, in.PollInterval, in.Paused, &prog.Status, nil, func(ctx workflow.Context) (bool, error) {
		var res PushBatchResult
		if err := workflow.ExecuteActivity(ctx, PushBatchActivity, PushBatchInput{System: in.System, Entity: in.Entity}).Get(ctx, &res); err != nil {
			return false, err
		}
		prog.Batches++
		addPush(&prog.Totals, res.PushResult)
		return !res.More, nil
	})
	next := in
	next.Paused, next.Totals, next.Batches = paused, prog.Totals, prog.Batches
	return workflow.NewContinueAsNewError(ctx, PushWorkflow, next)
}

func addPush(t *master.PushResult, r master.PushResult) {
	t.Claimed += r.Claimed
	t.Created += r.Created
	t.Updated += r.Updated
	t.Suppressed += r.Suppressed
	t.Deferred += r.Deferred
	t.Retried += r.Retried
	t.Failed += r.Failed
}
