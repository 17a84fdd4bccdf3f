package mapping

import (
	"errors"
	"fmt"
	"slices"

	"github.com/accord-mdm/accord/config"
)

// CompileError is a field of a binding that does not compile: a bad expression or
// standardizer.
type CompileError struct {
	System, Entity string
	Index          int // position in the binding's fields
	Golden         string
	Err            error
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("system %s entity %s fields[%d] (%s): %v", e.System, e.Entity, e.Index, e.Golden, e.Err)
}

func (e *CompileError) Unwrap() error { return e.Err }

// with returns a copy of e failing with err.
func (e *CompileError) with(err error) *CompileError {
	c := *e
	c.Err = err
	return &c
}

// Check compiles the mapping of every binding of cfg, as the syncs will, and returns every
// failure at its file and line: what config.Load cannot see because it does not compile
// expressions.
func Check(cfg *config.Config) []error {
	var errs []error
	for _, name := range cfg.SystemNames() {
		sys := cfg.Systems[name]
		entities := make([]string, 0, len(sys.Entities))
		for e := range sys.Entities {
			entities = append(entities, e)
		}
		slices.Sort(entities)
		for _, entity := range entities {
			_, err := Compile(name, entity, sys.Entities[entity])
			if err == nil {
				continue
			}
			each := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				each = j.Unwrap()
			}
			for _, err := range each {
				var ce *CompileError
				if errors.As(err, &ce) {
					err = fmt.Errorf("%s: entities.%s: fields[%d] (%s): %w",
						sys.Position("entities", entity, "fields", ce.Index), entity, ce.Index, ce.Golden, ce.Err)
				}
				errs = append(errs, err)
			}
		}
	}
	return errs
}
