package workflows

import (
	"time"

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
	// Paused says why the sync paused itself, when it did (counts only, never record data).
	Paused string
}

// SyncPageInput names the page to sync; the cursor lives in the store.
type SyncPageInput struct {
	System, Entity string
}

// SyncPageResult counts one page.
type SyncPageResult struct {
	master.PageResult
	CaughtUp bool
	// Paused, when set, is why the sync must pause: too many of the records read lately failed
	// (see config.Binding.FailureRatio). It holds counts, never record data.
	Paused string
}

// SyncWorkflow reads system×entity page by page into the golden store, forever: when caught up
// it waits for the poll interval or a sync-now signal. Pause and resume signals stop and restart
// it between pages; it continues as new every few hundred pages to keep its history short.
func SyncWorkflow(ctx workflow.Context, in SyncInput) error {
	prog := SyncProgress{Status: statusRunning, Pages: in.Pages, Totals: in.Totals}
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (SyncProgress, error) { return prog, nil }); err != nil {
		return err
	}
	ctx = withActivityOptions(ctx)
	trip := false
	paused := loop(ctx, in.PollInterval, in.Paused, &prog.Status, &trip, func(ctx workflow.Context) (bool, error) {
		var res SyncPageResult
		if err := workflow.ExecuteActivity(ctx, SyncPageActivity, SyncPageInput{System: in.System, Entity: in.Entity}).Get(ctx, &res); err != nil {
			return false, err
		}
		prog.Paused, trip = res.Paused, res.Paused != ""
		prog.Pages++
		prog.Totals.Add(res.PageResult)
		prog.CaughtUp = res.CaughtUp
		return res.CaughtUp, nil
	})
	next := in
	next.Paused, next.Totals, next.Pages = paused, prog.Totals, prog.Pages
	return workflow.NewContinueAsNewError(ctx, SyncWorkflow, next)
}
