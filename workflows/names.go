// Package workflows holds Accord's Temporal workflows and activities: one inbound sync per
// system×entity and one outbound push per target system×entity. Workflows carry IDs, cursors and
// counts only; records travel through the store.
package workflows

import (
	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the task queue every Accord worker polls.
const TaskQueue = "accord"

// Workflow names.
const (
	SyncWorkflowName   = "accord.sync"
	PushWorkflowName   = "accord.push"
	ReviewWorkflowName = "accord.review"
	// ClassifyWorkflowName classifies an entity's records again as time passes.
	ClassifyWorkflowName = "accord.classify"
)

// Activity names.
const (
	SyncPageActivity       = "accord.sync-page"
	PushBatchActivity      = "accord.push-batch"
	DecideReviewActivity   = "accord.decide-review"
	EscalateReviewActivity = "accord.escalate-review"
	ClassifyPageActivity   = "accord.classify-page"
)

// Signal and query names.
const (
	SignalPause     = "pause"
	SignalResume    = "resume"
	SignalSyncNow   = "sync-now"
	SignalDecide    = "decide" // a steward's decision on a review case (ReviewDecision)
	QueryProgress   = "progress"
	statusRunning   = "running"
	statusIdle      = "idle"
	statusPaused    = "paused"
	statusTripped   = "paused-failures" // paused itself: too many records failed (SyncPageResult.Paused)
	statusFailing   = "failing"
	statusOpen      = "open"      // a review case waiting for a steward
	statusEscalated = "escalated" // … for longer than its escalate_after
	continueEvery   = 200
	pushBatchLimit  = 500
)

// Search attributes: what a workflow is about, never customer data.
var (
	SASystem = temporal.NewSearchAttributeKeyKeyword("AccordSystem")
	SAEntity = temporal.NewSearchAttributeKeyKeyword("AccordEntity")
	SAStatus = temporal.NewSearchAttributeKeyKeyword("AccordStatus")
)

// SyncWorkflowID is the ID of the inbound sync of system×entity.
func SyncWorkflowID(system, entity string) string { return "sync/" + system + "/" + entity }

// PushWorkflowID is the ID of the outbound push to system×entity.
func PushWorkflowID(system, entity string) string { return "push/" + system + "/" + entity }

// ClassifyWorkflowID is the ID of the classification passes of entity.
func ClassifyWorkflowID(entity string) string { return "classify/" + entity }
