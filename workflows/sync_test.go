package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/master"
)

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(SyncWorkflow, workflow.RegisterOptions{Name: SyncWorkflowName})
	env.RegisterWorkflowWithOptions(PushWorkflow, workflow.RegisterOptions{Name: PushWorkflowName})
	env.RegisterActivityWithOptions(func(context.Context, SyncPageInput) (SyncPageResult, error) { return SyncPageResult{}, nil },
		activity.RegisterOptions{Name: SyncPageActivity})
	env.RegisterActivityWithOptions(func(context.Context, PushBatchInput) (PushBatchResult, error) { return PushBatchResult{}, nil },
		activity.RegisterOptions{Name: PushBatchActivity})
	return env
}

func TestSyncContinuesAsNewCarryingTotals(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(SyncPageActivity, anyCtx, SyncPageInput{System: "crm", Entity: "customer"}).
		Return(SyncPageResult{PageResult: master.PageResult{Read: 10, Changed: 2}, CaughtUp: true}, nil)
	env.ExecuteWorkflow(SyncWorkflowName, SyncInput{System: "crm", Entity: "customer", PollInterval: time.Second})
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next SyncInput
	if err := decodeInput(can, &next); err != nil {
		t.Fatal(err)
	}
	if next.Pages != continueEvery || next.Totals.Read != 10*continueEvery || next.Totals.Changed != 2*continueEvery {
		t.Fatalf("carried %+v", next)
	}
}

func TestSyncPauseStopsReadingUntilResume(t *testing.T) {
	env := newEnv(t)
	calls := 0
	env.OnActivity(SyncPageActivity, anyCtx, SyncPageInput{System: "crm", Entity: "customer"}).
		Return(func(context.Context, SyncPageInput) (SyncPageResult, error) {
			calls++
			return SyncPageResult{CaughtUp: true}, nil
		})
	var during, status string
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalPause, nil) }, 1500*time.Millisecond)
	env.RegisterDelayedCallback(func() {
		during = itoa(calls)
		v, err := env.QueryWorkflow(QueryProgress)
		if err == nil {
			var p SyncProgress
			_ = v.Get(&p)
			status = p.Status
		}
	}, 30*time.Second)
	env.RegisterDelayedCallback(func() {
		if itoa(calls) != during {
			t.Errorf("read pages while paused: %s then %d", during, calls)
		}
		env.SignalWorkflow(SignalResume, nil)
	}, time.Minute)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, 2*time.Minute)
	env.ExecuteWorkflow(SyncWorkflowName, SyncInput{System: "crm", Entity: "customer", PollInterval: time.Second})
	if status != statusPaused {
		t.Errorf("progress while paused = %q", status)
	}
	if calls < 60 {
		t.Errorf("only %d pages: did it resume?", calls)
	}
}

func TestPushDrainsThenIdles(t *testing.T) {
	env := newEnv(t)
	n := 0
	env.OnActivity(PushBatchActivity, anyCtx, PushBatchInput{System: "erp", Entity: "customer"}).
		Return(func(context.Context, PushBatchInput) (PushBatchResult, error) {
			n++
			return PushBatchResult{PushResult: master.PushResult{Claimed: 500, Updated: 500}, More: n < 3}, nil
		})
	var prog PushProgress
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryProgress)
		if err != nil {
			t.Error(err)
			return
		}
		_ = v.Get(&prog)
		env.CancelWorkflow()
	}, 500*time.Millisecond)
	env.ExecuteWorkflow(PushWorkflowName, PushInput{System: "erp", Entity: "customer", PollInterval: time.Second})
	if prog.Totals.Updated != 1500 || prog.Status != statusIdle {
		t.Fatalf("progress %+v, want 1500 updated and idle", prog)
	}
}
