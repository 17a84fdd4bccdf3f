package master

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/accord-mdm/accord/store"
)

// History is a golden record's append-only versions, each with what changed since the one
// before.
type History struct {
	ID         string        `json:"id"`
	Entity     string        `json:"entity"`
	MergedInto string        `json:"merged_into,omitempty"`
	Versions   []VersionView `json:"versions"`
}

// VersionView is one version: why it was written, when, and the fields it changed.
type VersionView struct {
	Version int64         `json:"version"`
	Reason  string        `json:"reason"`
	At      time.Time     `json:"at"`
	Changes []FieldChange `json:"changes"`
}

// FieldChange is one field's value before and after a version, and where the new one came from.
type FieldChange struct {
	Field string     `json:"field"`
	Old   FieldState `json:"old"`
	New   FieldState `json:"new"`
	// System, ExternalID and Rule are the new value's lineage, when the version recorded one.
	System     string `json:"system,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	Rule       string `json:"rule,omitempty"`
}

// FieldState is a golden field's value at one version: State is "value", "cleared" or "none".
type FieldState struct {
	State string `json:"state"`
	Value string `json:"value,omitempty"`
}

// String is the value quoted, or (cleared) or (none).
func (s FieldState) String() string { return describeValue(s.State, s.Value) }

// LoadHistory returns the history of golden record id, oldest version first.
func LoadHistory(ctx context.Context, tx *store.Tx, id string) (*History, error) {
	g, err := tx.GetGolden(ctx, id)
	if err != nil {
		return nil, err
	}
	vs, err := tx.GoldenVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	ls, err := tx.LineageHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	type key struct {
		version int64
		field   string
	}
	lineage := make(map[key]store.LineageEntry, len(ls))
	for _, l := range ls {
		lineage[key{l.Version, l.Field}] = l
	}
	h := &History{ID: g.ID, Entity: g.Entity, MergedInto: g.MergedInto.String}
	prev := map[string]any{}
	for _, v := range vs {
		fields, err := v.Fields()
		if err != nil {
			return nil, fmt.Errorf("version %d: %w", v.Version, err)
		}
		vv := VersionView{Version: v.Version, Reason: v.Reason, At: v.ChangedAt.UTC(), Changes: []FieldChange{}}
		names := slices.Sorted(maps.Keys(fields))
		for f := range prev {
			if _, ok := fields[f]; !ok {
				names = append(names, f)
			}
		}
		slices.Sort(names)
		for _, f := range names {
			old, cur := stateOf(prev, f), stateOf(fields, f)
			if old == cur {
				continue
			}
			ch := FieldChange{Field: f, Old: old, New: cur}
			if l, ok := lineage[key{v.Version, f}]; ok {
				ch.System, ch.ExternalID, ch.Rule = l.System, l.ExternalID, l.Rule
			}
			vv.Changes = append(vv.Changes, ch)
		}
		h.Versions = append(h.Versions, vv)
		prev = fields
	}
	return h, nil
}

func stateOf(fields map[string]any, f string) FieldState {
	v, ok := fields[f]
	switch {
	case !ok:
		return FieldState{State: StateNone}
	case v == nil:
		return FieldState{State: StateCleared}
	}
	return FieldState{State: StateValue, Value: fmt.Sprint(v)}
}
