package master

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/store"
)

// replayTime is the source time of a replayed record: a placeholder, which never wins.
var replayTime = time.Unix(1, 0).UTC()

// newCreatePrefix marks the external ID of a quarantined create, which has none yet; what
// follows it is the create key, the golden ID (see pushFailed).
const newCreatePrefix = "(new) "

// Replay tries an open quarantine entry again with the current configuration, in tx, and says
// whether it went through:
//
//   - inbound: the raw record is ingested as if read again. It carries no source time (the
//     entry keeps fields only), so its values never win "most recent" against dated ones; the
//     next read of the record from its system dates them. Failing again, it stays quarantined
//     with one more attempt and the new error.
//   - outbound: the golden record is queued for the system again and the entry closed; the
//     push that follows succeeds or quarantines it anew.
func (e *Engine) Replay(ctx context.Context, tx *store.Tx, m *mapping.Mapping, b *config.Binding, q *store.QuarantineEntry, tables Tables) (bool, error) {
	if q.Status != "open" {
		return false, fmt.Errorf("quarantine entry %d is %s, not open", q.ID, q.Status)
	}
	now := e.Now()
	switch q.Stage {
	case "inbound":
		dec := json.NewDecoder(bytes.NewReader(q.RawJSON))
		dec.UseNumber()
		var fields map[string]any
		if err := dec.Decode(&fields); err != nil {
			return false, fmt.Errorf("quarantine entry %d: raw input: %w", q.ID, err)
		}
		// The entry keeps no source time: a placeholder one (before 1971) makes its values lose
		// every "most recent" contest, as a zero time would be taken for "now".
		res, err := e.Ingest(ctx, tx, m, q.System, b, []connectors.Record{{ID: q.ExternalID, Fields: fields, UpdatedAt: replayTime}}, tables)
		if err != nil {
			return false, err
		}
		return res.Quarantined == 0, nil
	case "outbound":
		goldenID, isCreate := strings.CutPrefix(q.ExternalID, newCreatePrefix)
		if !isCreate {
			x, err := tx.GetXref(ctx, q.System, e.entity, q.ExternalID)
			if err != nil {
				return false, fmt.Errorf("quarantine entry %d: %w", q.ID, err)
			}
			goldenID = x.GoldenID
		}
		g, err := tx.GetGolden(ctx, goldenID)
		if err != nil {
			return false, fmt.Errorf("quarantine entry %d: %w", q.ID, err)
		}
		if err := tx.Enqueue(ctx, q.System, e.entity, g.ID, g.Version, now); err != nil {
			return false, err
		}
		return true, tx.ResolveQuarantine(ctx, q.System, e.entity, q.ExternalID, q.Stage, now)
	}
	return false, fmt.Errorf("quarantine entry %d: unknown stage %q", q.ID, q.Stage)
}
