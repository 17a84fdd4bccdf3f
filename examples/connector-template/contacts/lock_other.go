//go:build !unix

package contacts

import (
	"context"
	"time"
)

// Lock does nothing where flock(2) is missing: there, only one process may use a store.
func Lock(ctx context.Context, _ string, _ time.Duration) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return func() {}, nil
}
