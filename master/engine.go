package master

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping/standardize"
)

// Engine applies one golden entity's rules. It holds no state between calls but its compiled
// rules; every change goes through a store transaction the caller owns.
type Engine struct {
	cfg    *config.Config
	entity string
	model  *config.Golden
	keys   []keyRule
	feeds  []feed // classified entities this entity's records are facts of
	// Now is the clock (tests replace it).
	Now func() time.Time
}

// NewEngine compiles the rules of entity.
func NewEngine(cfg *config.Config, entity string) (*Engine, error) {
	model, ok := cfg.Golden[entity]
	if !ok {
		return nil, fmt.Errorf("no golden model for entity %q", entity)
	}
	e := &Engine{cfg: cfg, entity: entity, model: model, Now: func() time.Time { return time.Now().UTC() }}
	for _, k := range model.Match.Keys {
		r := keyRule{kind: k.Kind, field: k.Field}
		if k.Standardize != "" {
			std, err := standardize.ByName(k.Standardize, nil)
			if err != nil {
				return nil, fmt.Errorf("match key %s: %w", k.Kind, err)
			}
			r.std = std
		}
		e.keys = append(e.keys, r)
	}
	feeds, err := newFeeds(cfg, entity)
	if err != nil {
		return nil, err
	}
	for _, f := range feeds {
		f.into.Now = func() time.Time { return e.Now() } // one clock: a fact reclassifies as of its engine's now
	}
	e.feeds = feeds
	return e, nil
}

// Entity is the golden entity the engine serves.
func (e *Engine) Entity() string { return e.entity }

func newGoldenID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new golden ID: %w", err)
	}
	return id.String(), nil
}
