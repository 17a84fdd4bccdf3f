package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/master"
)

func newReviewEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ReviewWorkflow, workflow.RegisterOptions{Name: ReviewWorkflowName})
	env.RegisterActivityWithOptions(func(context.Context, DecideReviewInput) error { return nil }, activity.RegisterOptions{Name: DecideReviewActivity})
	env.RegisterActivityWithOptions(func(context.Context, int64) error { return nil }, activity.RegisterOptions{Name: EscalateReviewActivity})
	return env
}

// TestReviewEscalatesThenApplies: with nobody deciding, the case is escalated once; the decision
// that comes later is applied and returned.
func TestReviewEscalatesThenApplies(t *testing.T) {
	env := newReviewEnv(t)
	env.OnActivity(EscalateReviewActivity, anyCtx, int64(7)).Return(nil).Once()
	decision := DecideReviewInput{CaseID: 7, Entity: "customer", ReviewDecision: ReviewDecision{Action: master.DecideMerge, By: "li.lei"}}
	env.OnActivity(DecideReviewActivity, anyCtx, decision).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		var status string
		v, err := env.QueryWorkflow(QueryProgress)
		if err != nil || v.Get(&status) != nil || status != statusEscalated {
			t.Errorf("status before the decision = %q, %v; want escalated", status, err)
		}
		env.SignalWorkflow(SignalDecide, decision.ReviewDecision)
	}, 72*time.Hour)
	env.ExecuteWorkflow(ReviewWorkflowName, ReviewInput{CaseID: 7, Entity: "customer", EscalateAfter: 48 * time.Hour})
	var got string
	if err := env.GetWorkflowResult(&got); err != nil || got != master.DecideMerge {
		t.Fatalf("result %q, %v; want merge", got, err)
	}
	env.AssertExpectations(t)
}

// TestReviewDecidedInTime: a decision before the escalation time is applied at once.
func TestReviewDecidedInTime(t *testing.T) {
	env := newReviewEnv(t)
	decision := ReviewDecision{Action: master.DecideReject, By: "han"}
	env.OnActivity(DecideReviewActivity, anyCtx, DecideReviewInput{CaseID: 3, Entity: "customer", ReviewDecision: decision}).Return(nil).Once()
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDecide, decision) }, time.Hour)
	env.ExecuteWorkflow(ReviewWorkflowName, ReviewInput{CaseID: 3, Entity: "customer", EscalateAfter: 48 * time.Hour})
	var got string
	if err := env.GetWorkflowResult(&got); err != nil || got != master.DecideReject {
		t.Fatalf("result %q, %v", got, err)
	}
	env.AssertExpectations(t)
}

// TestReviewClosedWithoutSteward: a case closed in the store (its records merged by a key) ends
// its workflow without applying anything.
func TestReviewClosedWithoutSteward(t *testing.T) {
	env := newReviewEnv(t)
	env.OnActivity(DecideReviewActivity, anyCtx, mock.Anything).Return(errors.New("a closed case must not be decided")).Maybe()
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDecide, ReviewDecision{Action: actionClosed, By: "accord"}) }, time.Minute)
	env.ExecuteWorkflow(ReviewWorkflowName, ReviewInput{CaseID: 5, Entity: "customer", EscalateAfter: 48 * time.Hour})
	var got string
	if err := env.GetWorkflowResult(&got); err != nil || got != actionClosed {
		t.Fatalf("result %q, %v; want closed", got, err)
	}
}
