package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// TestSyncPausesItselfWhenTooManyRecordsFail: a page whose activity says to pause stops the
// reading, with status paused-failures and the reason in the progress query, until resume.
func TestSyncPausesItselfWhenTooManyRecordsFail(t *testing.T) {
	env := newEnv(t)
	calls := 0
	const reason = "150 of the last 200 records failed mapping or validation"
	env.OnActivity(SyncPageActivity, anyCtx, SyncPageInput{System: "crm", Entity: "customer"}).
		Return(func(context.Context, SyncPageInput) (SyncPageResult, error) {
			calls++
			if calls == 3 {
				return SyncPageResult{PageResult: master.PageResult{Read: 200, Quarantined: 150}, Paused: reason}, nil
			}
			return SyncPageResult{CaughtUp: true}, nil
		})
	var paused SyncProgress
	var during int
	env.RegisterDelayedCallback(func() {
		during = calls
		v, err := env.QueryWorkflow(QueryProgress)
		if err == nil {
			_ = v.Get(&paused)
		}
	}, 30*time.Second)
	env.RegisterDelayedCallback(func() {
		if calls != during {
			t.Errorf("read pages while paused: %d then %d", during, calls)
		}
		env.SignalWorkflow(SignalResume, nil)
	}, time.Minute)
	var resumed SyncProgress
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryProgress)
		if err == nil {
			_ = v.Get(&resumed)
		}
		env.CancelWorkflow()
	}, 2*time.Minute)
	env.ExecuteWorkflow(SyncWorkflowName, SyncInput{System: "crm", Entity: "customer", PollInterval: time.Second})
	if during != 3 || paused.Status != statusTripped || paused.Paused != reason {
		t.Errorf("after the tripping page: %d pages, progress %+v; want 3 pages, %s and the reason", during, paused, statusTripped)
	}
	if calls < 30 || resumed.Paused != "" || resumed.Status == statusTripped {
		t.Errorf("after resume: %d pages, progress %+v; want reading again, no reason", calls, resumed)
	}
}

// TestBreaker: the window fills, trips at the ratio, records why, and a page after the pause
// (the sync was resumed) clears the reason and starts a new window.
func TestBreaker(t *testing.T) {
	ratio := 0.5
	b := &config.Binding{FailureRatio: &ratio, FailureWindow: 100}
	var cur store.Cursor
	page := func(read, failed int) string {
		return breaker(b, &cur, master.PageResult{Read: read, Quarantined: failed})
	}
	if r := page(60, 50); r != "" { // window not full yet
		t.Fatalf("tripped on a partial window: %q", r)
	}
	if r := page(60, 20); !strings.HasPrefix(r, "70 of the last 120 records failed") || cur.PausedReason != r || cur.WindowRead != 0 {
		t.Fatalf("70 of 120 failed: reason %q, cursor %+v; want a trip and a new window", r, cur)
	}
	if r := page(100, 10); r != "" || cur.PausedReason != "" {
		t.Fatalf("after resume: %q, cursor %+v; want running", r, cur)
	}
	if cur.WindowRead != 0 { // the resumed window (100 read) was full and healthy: a new one starts
		t.Fatalf("window %+v", cur)
	}
	off := 0.0
	b.FailureRatio = &off
	if r := page(100, 100); r != "" {
		t.Fatalf("ratio 0 tripped: %q", r)
	}
}
