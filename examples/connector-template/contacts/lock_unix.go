//go:build unix

package contacts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Lock takes the store's lock, an exclusive flock(2) on path+".lock", waiting up to wait (or
// until ctx ends). The kernel drops the lock when its holder dies, so a crashed writer never
// leaves the store locked. The returned function releases it.
func Lock(ctx context.Context, path string, wait time.Duration) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = f.Close() }, nil // closing the file releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) || ctx.Err() != nil {
			_ = f.Close()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, errLocked
		}
		time.Sleep(20 * time.Millisecond)
	}
}
