package workflows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// ReviewInput starts the workflow of one review case. It carries the case's ID only: the
// records are in the store.
type ReviewInput struct {
	CaseID        int64
	Entity        string
	EscalateAfter time.Duration
}

// ReviewDecision is a steward's decision, sent as the decide signal. It names fields, systems
// and records only, never a value.
type ReviewDecision struct {
	Action string // master.DecideMerge or master.DecideReject
	By     string // who decided, for the audit trail
	// Picks choose, with a merge, the record whose value a field takes. Signals sent before picks
	// existed decode with none: the workflow passes them to the activity unchanged, so its
	// history replays as it was.
	Picks []master.Pick `json:",omitempty"`
}

// DecideReviewInput asks the activity to apply a decision.
type DecideReviewInput struct {
	CaseID int64
	Entity string
	ReviewDecision
}

// errTypeReviewClosed marks a decision on a case decided already.
const errTypeReviewClosed = "AccordReviewClosed"

// errTypeBadDecision marks a decision that cannot apply as sent (a pick that names no record
// holding a value for its field): the workflow fails with it, the case stays open, and the next
// decision starts the case's workflow anew.
const errTypeBadDecision = "AccordBadDecision"

// actionClosed, sent by Accord as a decision, ends the workflow of a case closed in the store
// without a steward (its records were merged by a key, or split).
const actionClosed = "closed"

// ReviewWorkflow waits for a steward's decision on one review case and applies it. When none
// comes within EscalateAfter, the case is escalated (AccordStatus escalated, accord review list
// shows it) and the wait goes on. It returns the decision applied.
func ReviewWorkflow(ctx workflow.Context, in ReviewInput) (string, error) {
	status := statusOpen
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (string, error) { return status, nil }); err != nil {
		return "", err
	}
	ctx = withActivityOptions(ctx)
	decisions := workflow.GetSignalChannel(ctx, SignalDecide)
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	var timer workflow.Future
	if in.EscalateAfter > 0 {
		timer = workflow.NewTimer(tctx, in.EscalateAfter)
	}
	for {
		var d ReviewDecision
		decided := false
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(decisions, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &d); decided = true })
		if timer != nil {
			sel.AddFuture(timer, func(workflow.Future) { timer = nil })
		}
		sel.Select(ctx)
		if !decided {
			status = statusEscalated
			if err := workflow.ExecuteActivity(ctx, EscalateReviewActivity, in.CaseID).Get(ctx, nil); err != nil {
				return "", err
			}
			_ = workflow.UpsertTypedSearchAttributes(ctx, SAStatus.ValueSet(statusEscalated))
			continue
		}
		if d.Action == actionClosed { // the case was closed without a steward (a key merged its records)
			_ = workflow.UpsertTypedSearchAttributes(ctx, SAStatus.ValueSet(actionClosed))
			return actionClosed, nil
		}
		err := workflow.ExecuteActivity(ctx, DecideReviewActivity, DecideReviewInput{CaseID: in.CaseID, Entity: in.Entity, ReviewDecision: d}).Get(ctx, nil)
		var ae *temporal.ApplicationError
		if errors.As(err, &ae) && ae.Type() == errTypeReviewClosed {
			return "closed already", nil
		}
		if err != nil {
			return "", err
		}
		_ = workflow.UpsertTypedSearchAttributes(ctx, SAStatus.ValueSet(d.Action))
		return d.Action, nil
	}
}

// ReviewWorkflowID is the ID of the workflow of review case id.
func ReviewWorkflowID(entity string, id int64) string {
	return "review/" + entity + "/" + strconv.FormatInt(id, 10)
}

// DecideReview applies a steward's decision to the store.
func (a *Activities) DecideReview(ctx context.Context, in DecideReviewInput) error {
	eng, err := a.engine(in.Entity)
	if err != nil {
		return err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error { return eng.Decide(ctx, tx, in.CaseID, in.Action, in.By, in.Picks...) })
	switch {
	case errors.Is(err, store.ErrReviewClosed) || errors.Is(err, store.ErrNotFound):
		return temporal.NewNonRetryableApplicationError(err.Error(), errTypeReviewClosed, err)
	case errors.Is(err, master.ErrBadPick):
		return temporal.NewNonRetryableApplicationError(err.Error(), errTypeBadDecision, err)
	case err != nil && (in.Action != master.DecideMerge && in.Action != master.DecideReject):
		return temporal.NewNonRetryableApplicationError(err.Error(), errTypeConfig, err)
	}
	return err
}

// EscalateReview marks a case as waiting too long.
func (a *Activities) EscalateReview(ctx context.Context, caseID int64) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.EscalateReview(ctx, caseID) })
}

// startReviews starts the workflow of every open case that has none yet: the cases a page opened
// (after its commit) and any whose start failed before. A start that fails now is tried again
// after the next page.
func (a *Activities) startReviews(ctx context.Context) {
	if a.client == nil {
		return
	}
	cases, err := a.Store.Read().UnstartedReviews(ctx, 100)
	if err != nil {
		return
	}
	a.stopClosedReviews(ctx)
	for _, c := range cases {
		escalate := 48 * time.Hour
		if g, ok := a.Config.Golden[c.Entity]; ok && g.Match.EscalateAfter > 0 {
			escalate = time.Duration(g.Match.EscalateAfter)
		}
		if err := StartReview(ctx, a.client, c.Entity, c.ID, escalate); err != nil {
			return
		}
		if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.MarkReviewStarted(ctx, c.ID) }); err != nil {
			return
		}
	}
}

// stopClosedReviews ends the workflows of cases closed in the store without a decision sent to
// them, so no workflow waits for a case nobody can decide any more.
func (a *Activities) stopClosedReviews(ctx context.Context) {
	cases, err := a.Store.Read().ClosedRunningReviews(ctx, 100)
	if err != nil {
		return
	}
	for _, c := range cases {
		err := a.client.SignalWorkflow(ctx, ReviewWorkflowID(c.Entity, c.ID), "", SignalDecide, ReviewDecision{Action: actionClosed, By: "accord"})
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			return
		}
		if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.MarkReviewStopped(ctx, c.ID) }); err != nil {
			return
		}
	}
}

// StartReview starts the workflow of review case id; one already running is left alone.
func StartReview(ctx context.Context, c client.Client, entity string, id int64, escalateAfter time.Duration) error {
	_, err := c.ExecuteWorkflow(ctx, reviewStartOptions(entity, id), ReviewWorkflowName,
		ReviewInput{CaseID: id, Entity: entity, EscalateAfter: escalateAfter})
	if err != nil {
		return fmt.Errorf("start %s: %w", ReviewWorkflowID(entity, id), err)
	}
	return nil
}

func reviewStartOptions(entity string, id int64) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       ReviewWorkflowID(entity, id),
		TaskQueue:                TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		// A workflow that failed (a decision that could not apply) leaves its case open: the
		// next decision starts it anew. One that completed is never started again.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		TypedSearchAttributes: temporal.NewSearchAttributes(SAEntity.ValueSet(entity), SAStatus.ValueSet(statusOpen)),
	}
}

// SendDecision delivers a steward's decision to the case's workflow (starting it if it has not
// started yet) and waits until it is applied.
func SendDecision(ctx context.Context, c client.Client, entity string, id int64, d ReviewDecision) (string, error) {
	run, err := c.SignalWithStartWorkflow(ctx, ReviewWorkflowID(entity, id), SignalDecide, d,
		reviewStartOptions(entity, id), ReviewWorkflowName, ReviewInput{CaseID: id, Entity: entity, EscalateAfter: 48 * time.Hour})
	if err != nil {
		return "", fmt.Errorf("signal %s: %w", ReviewWorkflowID(entity, id), err)
	}
	var result string
	if err := run.Get(ctx, &result); err != nil {
		return "", fmt.Errorf("%s: %w", ReviewWorkflowID(entity, id), err)
	}
	return result, nil
}
