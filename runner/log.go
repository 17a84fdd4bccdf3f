package runner

import (
	"log/slog"

	"go.temporal.io/sdk/log"
)

// sdkLogger routes the Temporal SDK's log to slog at warning level and above: the SDK logs every
// poll at info.
func sdkLogger(l *slog.Logger) log.Logger {
	return warnOnly{log.NewStructuredLogger(l)}
}

type warnOnly struct{ log.Logger }

func (warnOnly) Debug(string, ...interface{}) {}
func (warnOnly) Info(string, ...interface{})  {}
