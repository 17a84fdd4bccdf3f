package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// withActivityOptions sets the options every Accord activity runs with: retried with backoff
// for as long as it takes, except configuration errors, which no retry can fix.
func withActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			NonRetryableErrorTypes: []string{errTypeConfig},
		},
	})
}

// loop runs step continueEvery times, obeying the operator signals between steps: pause blocks
// until resume; after a step that found nothing more to do (idle), it waits for the poll interval
// or sync-now. A failed step (retries exhausted: a configuration error) marks the workflow
// failing and waits a minute instead of spinning. A step that sets *trip (nil: steps never
// do) pauses the workflow as if signalled, with status paused-failures, until resumed. status
// mirrors the AccordStatus search attribute. It returns the paused state to carry over
// continue-as-new.
func loop(ctx workflow.Context, poll time.Duration, paused bool, status *string, trip *bool, step func(workflow.Context) (idle bool, err error)) bool {
	ctrl := newControl(ctx)
	st := statusAttr{}
	pausedAs := statusPaused
	for i := 0; i < continueEvery; i++ {
		paused = ctrl.drain(paused)
		if paused {
			st.set(ctx, status, pausedAs)
			paused = ctrl.waitResume(ctx)
			pausedAs = statusPaused
		}
		st.set(ctx, status, statusRunning)
		idle, err := step(ctx)
		if err != nil {
			st.set(ctx, status, statusFailing)
			paused = ctrl.wait(ctx, time.Minute, paused)
			continue
		}
		if trip != nil && *trip {
			*trip, paused, pausedAs = false, true, statusTripped
			continue
		}
		if idle {
			st.set(ctx, status, statusIdle)
			paused = ctrl.wait(ctx, poll, paused)
		}
	}
	return ctrl.drain(paused)
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
