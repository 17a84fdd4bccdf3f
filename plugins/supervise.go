package plugins

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accord-mdm/accord/connectors"
	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// errCallDeadline is the cause of a call's context when the host's own deadline for the
// method ran out (not the caller's): the sign of a hung plugin.
var errCallDeadline = errors.New("plugin call deadline exceeded")

// invoke makes one call into the plugin process of c, starting (and re-configuring) a process
// first if none runs, under the deadline of m. It turns every failure into an error that
// connectors.KindOf classifies:
//   - the plugin's own failure (a status with a CallError): a *RemoteError, as classified there;
//   - a deadline ran out during the call, the host's for the method or the caller's (a hung or
//     too slow plugin), or the process died or its connection broke: the process is killed and
//     reaped, and the call fails Retryable; the next call starts a fresh process;
//   - the caller cancelled its context (or it had ended before the call): Retryable, wrapping
//     the context's error; the process stays.
func invoke[T any](ctx context.Context, c *conn, m method, needConfig bool, rpc func(context.Context, pb.ConnectorServiceClient) (T, error)) (T, error) {
	var zero T
	p, err := c.running(ctx, needConfig)
	if err != nil {
		return zero, fmt.Errorf("plugin %s: %s: %w", c.name, m, err)
	}
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("plugin %s: %s: %w", c.name, m, classify(connectors.Retryable, "call ended by the caller", context.Cause(ctx)))
	}
	cctx, cancel := context.WithTimeoutCause(ctx, c.host.timeout(m), errCallDeadline)
	defer cancel()
	resp, err := rpc(cctx, p.rpc)
	if err != nil {
		return zero, fmt.Errorf("plugin %s: %s: %w", c.name, m, c.failure(ctx, cctx, p, m, err))
	}
	return resp, nil
}

// failure classifies the failure err of a call of m on p, killing p where it cannot be
// trusted any more.
func (c *conn) failure(ctx, cctx context.Context, p *proc, m method, err error) error {
	if re, ok := errorFromStatus(err); ok {
		return re
	}
	switch {
	case errors.Is(context.Cause(cctx), errCallDeadline):
		c.discard(p, m, "no answer within the deadline")
		return classify(connectors.Retryable, fmt.Sprintf("no answer within %s; process killed, the next call starts a fresh one",
			c.host.timeout(m)), errCallDeadline)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		c.discard(p, m, "no answer within the caller's deadline")
		return classify(connectors.Retryable, "no answer within the caller's deadline; process killed, the next call starts a fresh one",
			context.Cause(ctx))
	case ctx.Err() != nil:
		return classify(connectors.Retryable, "call cancelled by the caller", context.Cause(ctx))
	case status.Code(err) == codes.Unimplemented && m == mWebhook:
		return classify(connectors.Permanent, "plugin takes no webhooks", errors.Join(connectors.ErrNoWebhooks, err))
	case status.Code(err) == codes.Unimplemented:
		return classify(connectors.Permanent, fmt.Sprintf("plugin does not implement %s", m), err)
	case status.Code(err) == codes.ResourceExhausted:
		return classify(connectors.Permanent, fmt.Sprintf(
			"message over the %d-byte limit (make pages or batches smaller)", c.host.opts.MaxMessageBytes), err)
	}
	c.discard(p, m, "process exited or connection broke")
	return classify(connectors.Retryable, "plugin process exited or its connection broke; the next call starts a fresh one", err)
}

// discard detaches p from c, if it is still c's process, and kills and reaps it.
func (c *conn) discard(p *proc, m method, reason string) {
	c.mu.Lock()
	if c.proc == p {
		c.proc = nil
	}
	c.mu.Unlock()
	c.log.Warn("killing plugin process", "call", string(m), "pid", p.pid(), "reason", reason)
	p.stop(0)
}

// running returns c's process, starting one if none runs (or the last one exited) and, if c
// was configured before, configuring it with the remembered settings. Calls other than Spec
// and Configure need a configured connector (needConfig).
func (c *conn) running(ctx context.Context, needConfig bool) (*proc, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.launchErr != nil:
		return nil, classify(connectors.Permanent, "", c.launchErr)
	case c.closed:
		return nil, classify(connectors.Permanent, "", errClosed)
	case c.proc != nil && !c.proc.exited():
		return c.proc, nil
	case needConfig && !c.configured:
		return nil, classify(connectors.Permanent, "", errNotConfigured)
	}
	if c.proc != nil {
		c.log.Warn("plugin process exited; starting a fresh one", "pid", c.proc.pid())
		c.proc.stop(0)
		c.proc = nil
	}
	p, err := c.host.start(c.name, c.launch)
	var ce *ChecksumError
	if errors.As(err, &ce) {
		return nil, classify(connectors.Permanent, "", err)
	} else if err != nil {
		return nil, classify(connectors.Retryable, "", err)
	}
	if c.configured {
		if err := c.reconfigure(ctx, p); err != nil {
			p.stop(0)
			return nil, err
		}
	}
	c.log.Debug("plugin process started", "pid", p.pid())
	c.proc = p
	return p, nil
}

// reconfigure configures a fresh process with the remembered settings.
func (c *conn) reconfigure(ctx context.Context, p *proc) error {
	cctx, cancel := context.WithTimeout(ctx, c.host.timeout(mConfigure))
	defer cancel()
	_, err := p.rpc.Configure(cctx, &pb.ConfigureRequest{Settings: c.settings})
	if re, ok := errorFromStatus(err); ok {
		return fmt.Errorf("configure fresh process: %w", re)
	} else if err != nil {
		return classify(connectors.Retryable, "configure fresh process", err)
	}
	return nil
}

// classifiedError is cause with a classification: its text is the classification's, and
// errors.Is and errors.As see both.
type classifiedError struct {
	op    *connectors.OpError
	cause error
}

func (e *classifiedError) Error() string   { return e.op.Error() }
func (e *classifiedError) Unwrap() []error { return []error{e.op, e.cause} }

// classify returns cause classified as kind, its message msg followed by cause's text.
func classify(kind connectors.ErrorKind, msg string, cause error) error {
	text := cause.Error()
	if msg != "" {
		text = msg + ": " + text
	}
	return &classifiedError{op: &connectors.OpError{Kind: kind, Message: text}, cause: cause}
}
