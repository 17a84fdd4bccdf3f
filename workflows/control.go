package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// control holds the operator signals a long-running workflow obeys.
type control struct {
	pause, resume, now workflow.ReceiveChannel
}

func newControl(ctx workflow.Context) *control {
	return &control{
		pause:  workflow.GetSignalChannel(ctx, SignalPause),
		resume: workflow.GetSignalChannel(ctx, SignalResume),
		now:    workflow.GetSignalChannel(ctx, SignalSyncNow),
	}
}

// drain consumes pending signals without blocking and returns the resulting paused state.
func (c *control) drain(paused bool) bool {
	for {
		switch {
		case c.pause.ReceiveAsync(nil):
			paused = true
		case c.resume.ReceiveAsync(nil):
			paused = false
		case c.now.ReceiveAsync(nil):
		default:
			return paused
		}
	}
}

// waitResume blocks until a resume signal.
func (c *control) waitResume(ctx workflow.Context) bool {
	paused := true
	for paused {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(c.resume, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil); paused = false })
		sel.AddReceive(c.pause, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		sel.AddReceive(c.now, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		sel.Select(ctx)
	}
	return false
}

// wait sleeps for d, or until sync-now or pause arrives, and returns the paused state.
func (c *control) wait(ctx workflow.Context, d time.Duration, paused bool) bool {
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimer(tctx, d)
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.AddReceive(c.now, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
	sel.AddReceive(c.pause, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil); paused = true })
	sel.AddReceive(c.resume, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil); paused = false })
	sel.Select(ctx)
	return paused
}
