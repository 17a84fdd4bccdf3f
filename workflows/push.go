package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
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
	paused := in.Paused
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (PushProgress, error) { return prog, nil }); err != nil {
		return err
	}
	ctrl := newControl(ctx)
	st := statusAttr{}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			NonRetryableErrorTypes: []string{errTypeConfig},
		},
	})
	for i := 0; i < continueEvery; i++ {
		paused = ctrl.drain(paused)
		if paused {
			st.set(ctx, &prog.Status, statusPaused)
			paused = ctrl.waitResume(ctx)
		}
		var res PushBatchResult
		err := workflow.ExecuteActivity(ctx, PushBatchActivity, PushBatchInput{System: in.System, Entity: in.Entity}).Get(ctx, &res)
		if err != nil {
			st.set(ctx, &prog.Status, statusFailing)
			paused = ctrl.wait(ctx, time.Minute, paused)
			continue
		}
		prog.Batches++
		addPush(&prog.Totals, res.PushResult)
		if !res.More {
			st.set(ctx, &prog.Status, statusIdle)
			paused = ctrl.wait(ctx, in.PollInterval, paused)
		} else {
			st.set(ctx, &prog.Status, statusRunning)
		}
	}
	paused = ctrl.drain(paused)
	next := in
	next.Paused, next.Totals, next.Batches = paused, prog.Totals, prog.Batches
	return workflow.NewContinueAsNewError(ctx, PushWorkflow, next)
}

func addPush(t *master.PushResult, r master.PushResult) {
	t.Claimed += r.Claimed
	t.Created += r.Created
	t.Updated += r.Updated
	t.Suppressed += r.Suppressed
	t.Retried += r.Retried
	t.Failed += r.Failed
}
