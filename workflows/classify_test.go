package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// TestClassifyPasses: a pass walks the records page by page with the cursor the activity
// returns, then waits a day for the next; the workflow continues as new carrying the cursor and
// the counts.
func TestClassifyPasses(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ClassifyWorkflow, workflow.RegisterOptions{Name: ClassifyWorkflowName})
	var afters []string
	var starts []time.Time
	env.RegisterActivityWithOptions(func(_ context.Context, in ClassifyPageInput) (ClassifyPageResult, error) {
		afters = append(afters, in.After)
		switch in.After {
		case "":
			starts = append(starts, env.Now())
			return ClassifyPageResult{Last: "g1", Changed: 2}, nil
		case "g1":
			return ClassifyPageResult{Last: "g2"}, nil
		}
		return ClassifyPageResult{}, nil // after g2: the pass is done
	}, activity.RegisterOptions{Name: ClassifyPageActivity})
	env.ExecuteWorkflow(ClassifyWorkflowName, ClassifyInput{Entity: "customer", Every: 24 * time.Hour})

	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	if len(afters) != continueEvery || afters[0] != "" || afters[1] != "g1" || afters[2] != "g2" || afters[3] != "" {
		t.Fatalf("cursors %v…, want \"\", g1, g2, \"\" …", afters[:min(len(afters), 6)])
	}
	if gap := starts[1].Sub(starts[0]); gap < 24*time.Hour {
		t.Fatalf("the second pass started %v after the first, want a day", gap)
	}
	var next ClassifyInput
	passes := int64(continueEvery / 3)
	if err := decodeInput(can, &next); err != nil || next.Passes != passes || next.Changed != 2*(passes+1) || next.After != afterOf(continueEvery) {
		t.Fatalf("continued with %+v (%v), want %d passes", next, err, passes)
	}
}

// afterOf is the cursor after n pages of three-page passes.
func afterOf(n int) string {
	return []string{"", "g1", "g2"}[n%3]
}
