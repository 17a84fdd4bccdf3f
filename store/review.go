package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Review case states.
const (
	ReviewOpen     = "open"
	ReviewMerged   = "merged"
	ReviewRejected = "rejected" // not a match
	ReviewObsolete = "obsolete" // one side was merged or unlinked before anyone decided
)

// ReviewCase is a record held as golden record GoldenID because it scored between the review
// and merge thresholds against Candidate. Details holds the per-rule scores (JSON), no values.
type ReviewCase struct {
	ID              int64        `db:"id"`
	Entity          string       `db:"entity"`
	GoldenID        string       `db:"golden_id"`
	CandidateID     string       `db:"candidate_id"`
	Score           float64      `db:"score"`
	Details         string       `db:"details"`
	Status          string       `db:"status"`
	WorkflowStarted bool         `db:"workflow_started"` // its workflow runs (false again once a closed case's workflow was told)
	Escalated       bool         `db:"escalated"`
	DecidedBy       string       `db:"decided_by"`
	CreatedAt       time.Time    `db:"created_at"`
	DecidedAt       sql.NullTime `db:"decided_at"`
}

const reviewColumns = `id, entity, golden_id, candidate_id, score, details, status, workflow_started, escalated, decided_by, created_at, decided_at`

// OpenReview opens a case for the pair, unless one exists; it returns the case's ID.
func (t *Tx) OpenReview(ctx context.Context, c ReviewCase) (int64, error) {
	if _, err := t.exec(ctx, `INSERT INTO review_cases (entity, golden_id, candidate_id, score, details, status, created_at)
		VALUES (?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (entity, golden_id, candidate_id) DO NOTHING`,
		c.Entity, c.GoldenID, c.CandidateID, c.Score, c.Details, c.CreatedAt); err != nil {
		return 0, fmt.Errorf("open review of %s: %w", c.GoldenID, err)
	}
	var id int64
	if err := t.get(ctx, &id, `SELECT id FROM review_cases WHERE entity = ? AND golden_id = ? AND candidate_id = ?`,
		c.Entity, c.GoldenID, c.CandidateID); err != nil {
		return 0, fmt.Errorf("open review of %s: %w", c.GoldenID, err)
	}
	return id, nil
}

// GetReview returns case id, or ErrNotFound.
func (t *Tx) GetReview(ctx context.Context, id int64) (*ReviewCase, error) {
	var c ReviewCase
	err := t.get(ctx, &c, `SELECT `+reviewColumns+` FROM review_cases WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("review case %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("review case %d: %w", id, err)
	}
	return &c, nil
}

// ListReviews lists the cases in status (all when ""), oldest first.
func (t *Tx) ListReviews(ctx context.Context, status string, limit int) ([]ReviewCase, error) {
	var cs []ReviewCase
	err := t.selectAll(ctx, &cs, `SELECT `+reviewColumns+` FROM review_cases WHERE (? = '' OR status = ?) ORDER BY id LIMIT ?`,
		status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list review cases: %w", err)
	}
	return cs, nil
}

// Held reports whether golden record id waits for a steward: it is the held side of an open case.
func (t *Tx) Held(ctx context.Context, id string) (bool, error) {
	var n int
	if err := t.get(ctx, &n, `SELECT COUNT(*) FROM review_cases WHERE golden_id = ? AND status = 'open'`, id); err != nil {
		return false, fmt.Errorf("review state of %s: %w", id, err)
	}
	return n > 0, nil
}

// DecideReview closes an open case; deciding a closed one is ErrReviewClosed.
func (t *Tx) DecideReview(ctx context.Context, id int64, status, by string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE review_cases SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'open'`,
		status, by, at, id)
	if err != nil {
		return fmt.Errorf("decide review case %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("review case %d: %w", id, ErrReviewClosed)
	}
	return nil
}

// ErrReviewClosed is returned when a case was decided already.
var ErrReviewClosed = errors.New("review case is not open")

// ObsoleteReviews closes the open cases of golden record id (merged or gone before a decision).
func (t *Tx) ObsoleteReviews(ctx context.Context, id string, at time.Time) error {
	if _, err := t.exec(ctx, `UPDATE review_cases SET status = 'obsolete', decided_by = 'accord', decided_at = ?
		WHERE status = 'open' AND (golden_id = ? OR candidate_id = ?)`, at, id, id); err != nil {
		return fmt.Errorf("close review cases of %s: %w", id, err)
	}
	return nil
}

// UnstartedReviews lists open cases whose workflow was not started yet.
func (t *Tx) UnstartedReviews(ctx context.Context, limit int) ([]ReviewCase, error) {
	var cs []ReviewCase
	if err := t.selectAll(ctx, &cs, `SELECT `+reviewColumns+` FROM review_cases WHERE status = 'open' AND NOT workflow_started ORDER BY id LIMIT ?`, limit); err != nil {
		return nil, fmt.Errorf("unstarted review cases: %w", err)
	}
	return cs, nil
}

// MarkReviewStarted records that case id's workflow runs.
func (t *Tx) MarkReviewStarted(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, `UPDATE review_cases SET workflow_started = TRUE WHERE id = ?`, id); err != nil {
		return fmt.Errorf("mark review case %d started: %w", id, err)
	}
	return nil
}

// EscalateReview marks case id as waiting too long for a decision.
func (t *Tx) EscalateReview(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, `UPDATE review_cases SET escalated = TRUE WHERE id = ? AND status = 'open'`, id); err != nil {
		return fmt.Errorf("escalate review case %d: %w", id, err)
	}
	return nil
}

// RememberNotAMatch records that golden records a and b are different customers.
func (t *Tx) RememberNotAMatch(ctx context.Context, entity, a, b, by string, at time.Time) error {
	if a > b {
		a, b = b, a
	}
	if _, err := t.exec(ctx, `INSERT INTO not_a_match (entity, a, b, decided_by, decided_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		entity, a, b, by, at); err != nil {
		return fmt.Errorf("remember not a match: %w", err)
	}
	return nil
}

// NotAMatch reports whether a steward said golden records a and b are different customers.
func (t *Tx) NotAMatch(ctx context.Context, entity, a, b string) (bool, error) {
	if a > b {
		a, b = b, a
	}
	var n int
	if err := t.get(ctx, &n, `SELECT COUNT(*) FROM not_a_match WHERE entity = ? AND a = ? AND b = ?`, entity, a, b); err != nil {
		return false, fmt.Errorf("not-a-match of %s and %s: %w", a, b, err)
	}
	return n > 0, nil
}

// ClosedRunningReviews lists cases decided or made obsolete whose workflow still waits (started
// and not told yet): a key merge can close a case no steward decided.
func (t *Tx) ClosedRunningReviews(ctx context.Context, limit int) ([]ReviewCase, error) {
	var cs []ReviewCase
	if err := t.selectAll(ctx, &cs, `SELECT `+reviewColumns+` FROM review_cases WHERE status <> 'open' AND workflow_started ORDER BY id LIMIT ?`, limit); err != nil {
		return nil, fmt.Errorf("closed review cases: %w", err)
	}
	return cs, nil
}

// MarkReviewStopped records that case id's workflow was told its case is closed.
func (t *Tx) MarkReviewStopped(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, `UPDATE review_cases SET workflow_started = FALSE WHERE id = ?`, id); err != nil {
		return fmt.Errorf("mark review case %d stopped: %w", id, err)
	}
	return nil
}
