// Command histgen records the histories the replay test checks: it runs one sync, one push and
// one classify workflow to their first continue-as-new, and review case workflows through an
// escalation to their decision (review.json as signalled before decisions carried picks,
// review-picks.json with picks), on an embedded Temporal server with stand-in activities, and writes each
// history as JSON to workflows/testdata. Re-run it (go run ./workflows/internal/histgen
// [-only review-picks]) when a workflow change is deliberately incompatible, behind
// workflow.GetVersion for running workflows.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/accord-mdm/accord/devserver"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/workflows"
)

func main() {
	only := flag.String("only", "sync,push,review,review-picks,classify", "histories to record")
	flag.Parse()
	if err := run(context.Background(), "workflows/testdata", strings.Split(*only, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "histgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string, only []string) error {
	srv, err := devserver.Start(ctx, devserver.Options{Ephemeral: true, FrontendPort: 17299, UIPort: -1,
		SearchAttributes: workflows.SearchAttributes, LogFile: os.DevNull})
	if err != nil {
		return err
	}
	defer srv.Stop()
	c, err := client.DialContext(ctx, client.Options{HostPort: srv.FrontendAddress(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return err
	}
	defer c.Close()
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.SyncWorkflow, workflow.RegisterOptions{Name: workflows.SyncWorkflowName})
	w.RegisterWorkflowWithOptions(workflows.PushWorkflow, workflow.RegisterOptions{Name: workflows.PushWorkflowName})
	page := 0
	w.RegisterActivityWithOptions(func(context.Context, workflows.SyncPageInput) (workflows.SyncPageResult, error) {
		page++
		return workflows.SyncPageResult{PageResult: master.PageResult{Read: 3, Changed: 1}, CaughtUp: page%3 == 0}, nil
	}, activity.RegisterOptions{Name: workflows.SyncPageActivity})
	batch := 0
	w.RegisterActivityWithOptions(func(context.Context, workflows.PushBatchInput) (workflows.PushBatchResult, error) {
		batch++
		return workflows.PushBatchResult{PushResult: master.PushResult{Claimed: 2, Updated: 2}, More: batch%2 == 0}, nil
	}, activity.RegisterOptions{Name: workflows.PushBatchActivity})
	w.RegisterWorkflowWithOptions(workflows.ReviewWorkflow, workflow.RegisterOptions{Name: workflows.ReviewWorkflowName})
	w.RegisterWorkflowWithOptions(workflows.ClassifyWorkflow, workflow.RegisterOptions{Name: workflows.ClassifyWorkflowName})
	pass := 0
	w.RegisterActivityWithOptions(func(_ context.Context, in workflows.ClassifyPageInput) (workflows.ClassifyPageResult, error) {
		pass++
		if pass%3 == 0 {
			return workflows.ClassifyPageResult{}, nil // the pass is done
		}
		return workflows.ClassifyPageResult{Last: fmt.Sprintf("g-%03d", pass), Changed: 1}, nil
	}, activity.RegisterOptions{Name: workflows.ClassifyPageActivity})
	w.RegisterActivityWithOptions(func(context.Context, workflows.DecideReviewInput) error { return nil },
		activity.RegisterOptions{Name: workflows.DecideReviewActivity})
	w.RegisterActivityWithOptions(func(context.Context, int64) error { return nil }, activity.RegisterOptions{Name: workflows.EscalateReviewActivity})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	for i, d := range []struct {
		name     string
		decision workflows.ReviewDecision
	}{
		{"review", workflows.ReviewDecision{Action: master.DecideMerge, By: "histgen"}},
		{"review-picks", workflows.ReviewDecision{Action: master.DecideMerge, By: "histgen",
			Picks: []master.Pick{{Field: "name", System: "crm"}, {Field: "phone", System: "erp", ExternalID: "E-1"}}}},
	} {
		if !slices.Contains(only, d.name) {
			continue
		}
		if err := recordReview(ctx, c, int64(i+1), d.decision, filepath.Join(out, d.name+".json")); err != nil {
			return err
		}
	}
	runs := []struct {
		id, name string
		in       any
	}{
		{"sync/replay/customer", workflows.SyncWorkflowName, workflows.SyncInput{System: "replay", Entity: "customer", PollInterval: time.Millisecond}},
		{"push/replay/customer", workflows.PushWorkflowName, workflows.PushInput{System: "replay", Entity: "customer", PollInterval: time.Millisecond}},
		{"classify/customer", workflows.ClassifyWorkflowName, workflows.ClassifyInput{Entity: "customer", Every: time.Millisecond}},
	}
	for _, r := range runs {
		if !slices.Contains(only, strings.SplitN(r.id, "/", 2)[0]) {
			continue
		}
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: r.id, TaskQueue: workflows.TaskQueue}, r.name, r.in)
		if err != nil {
			return err
		}
		// A pause and a resume, so the signal paths are in the history too.
		_ = c.SignalWorkflow(ctx, r.id, run.GetRunID(), workflows.SignalPause, nil)
		time.Sleep(200 * time.Millisecond)
		_ = c.SignalWorkflow(ctx, r.id, run.GetRunID(), workflows.SignalResume, nil)
		if err := waitContinued(ctx, c, r.id, run.GetRunID()); err != nil {
			return err
		}
		if err := export(ctx, c, r.id, run.GetRunID(), filepath.Join(out, strings.SplitN(r.id, "/", 2)[0]+".json")); err != nil {
			return err
		}
		_ = c.TerminateWorkflow(ctx, r.id, "", "recorded")
	}
	return nil
}

// recordReview runs the workflow of review case n that escalates, then takes decision d.
func recordReview(ctx context.Context, c client.Client, n int64, d workflows.ReviewDecision, path string) error {
	id := workflows.ReviewWorkflowID("customer", n)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.ReviewWorkflowName,
		workflows.ReviewInput{CaseID: n, Entity: "customer", EscalateAfter: 300 * time.Millisecond})
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	if err := c.SignalWorkflow(ctx, id, run.GetRunID(), workflows.SignalDecide, d); err != nil {
		return err
	}
	var result string
	if err := run.Get(ctx, &result); err != nil {
		return err
	}
	return export(ctx, c, id, run.GetRunID(), path)
}

func waitContinued(ctx context.Context, c client.Client, id, runID string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		d, err := c.DescribeWorkflowExecution(ctx, id, runID)
		if err != nil {
			return err
		}
		if d.WorkflowExecutionInfo.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s did not continue as new", id)
}

func export(ctx context.Context, c client.Client, id, runID, path string) error {
	it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return err
		}
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d events\n", path, len(h.Events))
	return os.WriteFile(path, b, 0o644)
}
