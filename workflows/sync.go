package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/master"
)

// SyncInput starts or continues an inbound sync.
type SyncInput struct {
	System, Entity string
	PollInterval   time.Duration
	// Carried over continue-as-new.
	Paused bool
	Totals master.PageResult
	Pages  int64
}

// SyncProgress answers the progress query.
type SyncProgress struct {
	Status   string
	Pages    int64
	CaughtUp bool
	Totals   master.PageResult
}

// SyncPageInput names the page to sync; the cursor lives in the store.
type SyncPageInput struct {
	System, Entity string
}

// SyncPageResult counts one page.
type SyncPageResult struct {
	master.PageResult
	CaughtUp bool
}

// SyncWorkflow reads system×entity page by page into the golden store, forever: when caught up
// it waits for the poll interval or a sync-now signal. Pause and resume signals stop and restart
// it between pages; it continues as new every few hundred pages to keep its history short.
func SyncWorkflow(ctx workflow.Context, in SyncInput) error {
	prog := SyncProgress{Status: statusRunning, Pages: in.Pages, Totals: in.Totals}
	paused := in.Paused
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (SyncProgress, error) { return prog, nil }); err != nil {
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
		st.set(ctx, &prog.Status, statusRunning)
		var res SyncPageResult
		err := workflow.ExecuteActivity(ctx, SyncPageActivity, SyncPageInput{System: in.System, Entity: in.Entity}).Get(ctx, &res)
		if err != nil {
			// Retries are exhausted only for non-retryable failures (configuration): say so and
			// wait for an operator instead of spinning.
			st.set(ctx, &prog.Status, statusFailing)
			paused = ctrl.wait(ctx, time.Minute, paused)
			continue
		}
		prog.Pages++
		prog.Totals.Add(res.PageResult)
		prog.CaughtUp = res.CaughtUp
		if res.CaughtUp {
			st.set(ctx, &prog.Status, statusIdle)
			paused = ctrl.wait(ctx, in.PollInterval, paused)
		}
	}
	paused = ctrl.drain(paused)
	next := in
	next.Paused, next.Totals, next.Pages = paused, prog.Totals, prog.Pages
	return workflow.NewContinueAsNewError(ctx, SyncWorkflow, next)
}

// statusAttr keeps the AccordStatus search attribute in step with the workflow's status,
// upserting only on change so an idle poll adds no events.
type statusAttr struct{ last string }

func (s *statusAttr) set(ctx workflow.Context, field *string, status string) {
	*field = status
	if s.last == status {
		return
	}
	s.last = status
	_ = workflow.UpsertTypedSearchAttributes(ctx, SAStatus.ValueSet(status))
}
