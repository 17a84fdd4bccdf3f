package plugins

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/accord-mdm/accord/connectors"
)

// Options tune a Host. The zero value of every field means its default.
type Options struct {
	// Logger receives the host's own messages (starts, kills, restarts: never record data) and
	// the plugins' stderr, each under a sub-logger named after its connector. Default: none.
	Logger hclog.Logger
	// MaxMessageBytes limits a gRPC message both ways, on both sides. Default 64 MiB.
	MaxMessageBytes int
	// Timeouts bound each call by method; see Timeouts.
	Timeouts Timeouts
	// StartTimeout bounds starting a process up to its handshake. Default 30s.
	StartTimeout time.Duration
	// StopGrace is how long Close lets a plugin exit by itself before killing it. Default 5s.
	StopGrace time.Duration
}

// Timeouts are the deadlines of calls into a plugin, per method, on top of the caller's context.
// A call that runs into a deadline, this one or the caller's, is taken as a hung plugin: the
// host kills the process, the call fails Retryable, and the next call starts a fresh one. A
// caller's cancellation fails the call Retryable but leaves the process alone.
type Timeouts struct {
	// Spec, Configure, Check, Discover, ParseWebhook and Close default to 30s.
	Spec, Configure, Check, Discover, ParseWebhook, Close time.Duration
	// Read and Write default to 5 minutes.
	Read, Write time.Duration
}

// withDefaults fills in the default of every unset deadline.
func (t Timeouts) withDefaults() Timeouts {
	for _, d := range []*time.Duration{&t.Spec, &t.Configure, &t.Check, &t.Discover, &t.ParseWebhook, &t.Close} {
		if *d <= 0 {
			*d = 30 * time.Second
		}
	}
	for _, d := range []*time.Duration{&t.Read, &t.Write} {
		if *d <= 0 {
			*d = 5 * time.Minute
		}
	}
	return t
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 30 * time.Second
	}
	if o.StopGrace <= 0 {
		o.StopGrace = 5 * time.Second
	}
	o.Timeouts = o.Timeouts.withDefaults()
	return o
}

// Host starts connector plugins and hands them out as connectors.Connector. Each connector it
// makes runs in a process of its own, started on first use and restarted after a crash or a
// hang. A Host is safe for concurrent use.
type Host struct {
	opts     Options
	launches map[string]Launch

	mu    sync.Mutex
	specs map[string]connectors.Spec // by connector name, fetched once
	live  map[*conn]struct{}         // connectors not yet closed
}

// NewHost returns a host for the connectors in launches, by name: built-ins (Builtins) and
// installed plugins (List, Entry.Launch).
func NewHost(launches map[string]Launch, opts Options) (*Host, error) {
	h := &Host{
		opts: opts.withDefaults(), launches: make(map[string]Launch, len(launches)),
		specs: map[string]connectors.Spec{}, live: map[*conn]struct{}{},
	}
	for name, l := range launches {
		r, err := l.resolve()
		if err != nil {
			return nil, fmt.Errorf("connector %s: %w", name, err)
		}
		h.launches[name] = r
	}
	return h, nil
}

// Names lists the host's connectors, sorted.
func (h *Host) Names() []string {
	names := make([]string, 0, len(h.launches))
	for n := range h.launches {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Factory returns a factory of the connector name. Each connector it makes starts its plugin
// process lazily (on Configure, or on Spec if that comes first) and must be closed, which ends
// the process. For a name the host does not know, every call of the connector fails.
func (h *Host) Factory(name string) connectors.Factory {
	return func() connectors.Connector { return h.newConn(name) }
}

// Registry returns a registry of every connector of the host.
func (h *Host) Registry() connectors.Registry {
	r := make(connectors.Registry, len(h.launches))
	for name := range h.launches {
		r[name] = h.Factory(name)
	}
	return r
}

// Spec returns the Spec of the connector name, starting a process to ask it unless the host
// already has. Unlike Connector.Spec it reports failures.
func (h *Host) Spec(ctx context.Context, name string) (connectors.Spec, error) {
	if s, ok := h.cachedSpec(name); ok {
		return s, nil
	}
	c := h.newConn(name)
	s, err := c.fetchSpec(ctx)
	return s, errors.Join(err, c.Close())
}

// Close closes every connector of the host that is still open, ending its process. Call it
// when the binary shuts down, so that no plugin process outlives it.
func (h *Host) Close() error {
	h.mu.Lock()
	open := make([]*conn, 0, len(h.live))
	for c := range h.live {
		open = append(open, c)
	}
	h.mu.Unlock()
	var errs []error
	for _, c := range open {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

func (h *Host) newConn(name string) *conn {
	c := &conn{host: h, name: name, log: h.opts.Logger.Named(name)}
	l, ok := h.launches[name]
	if !ok {
		c.launchErr = fmt.Errorf("unknown connector plugin %q (known: %v)", name, h.Names())
	}
	c.launch = l
	h.mu.Lock()
	h.live[c] = struct{}{}
	h.mu.Unlock()
	return c
}

func (h *Host) forget(c *conn) {
	h.mu.Lock()
	delete(h.live, c)
	h.mu.Unlock()
}

func (h *Host) cachedSpec(name string) (connectors.Spec, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.specs[name]
	return s, ok
}

func (h *Host) cacheSpec(name string, s connectors.Spec) {
	h.mu.Lock()
	h.specs[name] = s
	h.mu.Unlock()
}

// timeout is the deadline of a call of method.
func (h *Host) timeout(m method) time.Duration {
	t := h.opts.Timeouts
	return map[method]time.Duration{
		mSpec: t.Spec, mConfigure: t.Configure, mCheck: t.Check, mDiscover: t.Discover,
		mRead: t.Read, mWrite: t.Write, mClose: t.Close, mWebhook: t.ParseWebhook,
	}[m]
}
