package workflows

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/accord-mdm/accord/config"
)

// SearchAttributes are the custom search attributes Accord's workflows set.
var SearchAttributes = map[string]enumspb.IndexedValueType{
	SASystem.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SAEntity.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SAStatus.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}

// NewWorker returns a worker on TaskQueue with Accord's workflows and acts registered; acts
// start review case workflows through c.
func NewWorker(c client.Client, acts *Activities) worker.Worker {
	w := worker.New(c, TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(SyncWorkflow, workflow.RegisterOptions{Name: SyncWorkflowName})
	w.RegisterWorkflowWithOptions(PushWorkflow, workflow.RegisterOptions{Name: PushWorkflowName})
	w.RegisterActivityWithOptions(acts.SyncPage, activity.RegisterOptions{Name: SyncPageActivity})
	w.RegisterActivityWithOptions(acts.PushBatch, activity.RegisterOptions{Name: PushBatchActivity})
	w.RegisterWorkflowWithOptions(ReviewWorkflow, workflow.RegisterOptions{Name: ReviewWorkflowName})
	w.RegisterActivityWithOptions(acts.DecideReview, activity.RegisterOptions{Name: DecideReviewActivity})
	w.RegisterActivityWithOptions(acts.EscalateReview, activity.RegisterOptions{Name: EscalateReviewActivity})
	w.RegisterWorkflowWithOptions(ClassifyWorkflow, workflow.RegisterOptions{Name: ClassifyWorkflowName})
	w.RegisterActivityWithOptions(acts.ClassifyPage, activity.RegisterOptions{Name: ClassifyPageActivity})
	acts.client = c // review case workflows are started by the sync that opens the cases
	return w
}

// StartSyncs starts the inbound sync of every source system×entity; one already running is left
// alone.
func StartSyncs(ctx context.Context, c client.Client, cfg *config.Config) error {
	for entity := range cfg.Golden {
		for _, system := range cfg.Sources(entity) {
			_, b, _ := cfg.Binding(system, entity)
			in := SyncInput{System: system, Entity: entity, PollInterval: time.Duration(b.PollInterval)}
			if err := start(ctx, c, SyncWorkflowID(system, entity), SyncWorkflowName, system, entity, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// StartPushes starts the outbound push to every target system×entity.
func StartPushes(ctx context.Context, c client.Client, cfg *config.Config) error {
	for entity := range cfg.Golden {
		for _, system := range cfg.Targets(entity) {
			_, b, _ := cfg.Binding(system, entity)
			in := PushInput{System: system, Entity: entity, PollInterval: time.Duration(b.PushInterval)}
			if err := start(ctx, c, PushWorkflowID(system, entity), PushWorkflowName, system, entity, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// StartClassifiers starts the classification passes of every entity with a classification.
func StartClassifiers(ctx context.Context, c client.Client, cfg *config.Config) error {
	for entity, g := range cfg.Golden {
		if g.Classification == nil {
			continue
		}
		in := ClassifyInput{Entity: entity, Every: g.Classification.Interval()}
		if err := start(ctx, c, ClassifyWorkflowID(entity), ClassifyWorkflowName, "accord", entity, in); err != nil {
			return err
		}
	}
	return nil
}

func start(ctx context.Context, c client.Client, id, name, system, entity string, in any) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SASystem.ValueSet(system), SAEntity.ValueSet(entity), SAStatus.ValueSet(statusRunning)),
	}, name, in)
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	return nil
}
