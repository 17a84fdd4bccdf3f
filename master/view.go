package master

import (
	"context"
	"time"

	"github.com/accord-mdm/accord/store"
)

// View is a golden record as a steward sees it: its values, where each came from, and the
// system records it links.
type View struct {
	ID         string         `json:"id"`
	Entity     string         `json:"entity"`
	Version    int64          `json:"version"`
	MergedInto string         `json:"merged_into,omitempty"`
	Fields     map[string]any `json:"fields"`
	Lineage    []LineageView  `json:"lineage"`
	Sources    []SourceView   `json:"sources"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// LineageView explains one field.
type LineageView struct {
	Field      string     `json:"field"`
	System     string     `json:"system"`
	ExternalID string     `json:"external_id"`
	SourceTime *time.Time `json:"source_time,omitempty"`
	Rule       string     `json:"rule"`
}

// SourceView is one linked system record.
type SourceView struct {
	System     string `json:"system"`
	ExternalID string `json:"external_id"`
	Origin     string `json:"origin"`
	Deleted    bool   `json:"deleted"`
}

// Describe loads the view of golden record id.
func Describe(ctx context.Context, tx *store.Tx, id string) (*View, error) {
	g, err := tx.GetGolden(ctx, id)
	if err != nil {
		return nil, err
	}
	fields, err := g.Fields()
	if err != nil {
		return nil, err
	}
	v := &View{ID: g.ID, Entity: g.Entity, Version: g.Version, MergedInto: g.MergedInto.String, Fields: fields, UpdatedAt: g.UpdatedAt}
	ls, err := tx.Lineage(ctx, g.ID, g.Version)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		lv := LineageView{Field: l.Field, System: l.System, ExternalID: l.ExternalID, Rule: l.Rule}
		if l.SourceUpdatedAt.Valid {
			t := l.SourceUpdatedAt.Time.UTC()
			lv.SourceTime = &t
		}
		v.Lineage = append(v.Lineage, lv)
	}
	xs, err := tx.XrefsOf(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		v.Sources = append(v.Sources, SourceView{System: x.System, ExternalID: x.ExternalID, Origin: x.Origin, Deleted: x.Deleted})
	}
	return v, nil
}
