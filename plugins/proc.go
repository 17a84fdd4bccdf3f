package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/accord-mdm/accord/plugins/proto/connector/v1"
)

// proc is one running plugin process and the stub to call it.
type proc struct {
	client *plugin.Client
	cmd    *exec.Cmd
	rpc    pb.ConnectorServiceClient
	once   sync.Once
}

// start starts a process for the connector name: checksum checked first (by go-plugin's
// SecureConfig, before exec), then the handshake, AutoMTLS and the gRPC connection.
func (h *Host) start(name string, l Launch) (*proc, error) {
	want, _ := hex.DecodeString(l.SHA256) // checked by Launch.resolve
	cmd := exec.Command(l.Path, l.Args...)
	cmd.Env = h.env(l)
	limit := h.opts.MaxMessageBytes
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  handshake(),
		VersionedPlugins: pluginSets(nil),
		Cmd:              cmd,
		SecureConfig:     &plugin.SecureConfig{Checksum: want, Hash: sha256.New()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     h.opts.StartTimeout,
		Logger:           h.opts.Logger.Named(name),
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(limit), grpc.MaxCallSendMsgSize(limit))},
	})
	p := &proc{client: client, cmd: cmd}
	rpc, err := client.Client()
	if err == nil {
		var raw any
		if raw, err = rpc.Dispense(pluginName); err == nil {
			var ok bool
			if p.rpc, ok = raw.(pb.ConnectorServiceClient); !ok {
				err = fmt.Errorf("plugin dispensed %T", raw)
			}
		}
	}
	if err != nil {
		p.stop(0)
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			got, _ := FileSHA256(l.Path)
			return nil, &ChecksumError{Path: l.Path, Want: l.SHA256, Got: got}
		}
		return nil, fmt.Errorf("start plugin %s (%s): %w", name, l.Path, err)
	}
	return p, nil
}

// env is the whole environment of a plugin process, before go-plugin adds its own variables:
// the host's settings for the plugin, TMPDIR, and the allow-listed variables the host has.
func (h *Host) env(l Launch) []string {
	env := []string{
		EnvMaxMessageBytes + "=" + strconv.Itoa(h.opts.MaxMessageBytes),
		EnvLogLevel + "=" + h.opts.Logger.GetLevel().String(),
	}
	for _, k := range append([]string{"TMPDIR"}, l.Env...) {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// pid is the process ID, for logs; 0 if the process never started.
func (p *proc) pid() int {
	if p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// exited reports whether the process has ended.
func (p *proc) exited() bool { return p.client.Exited() }

// stop ends the process and waits for it and for go-plugin's goroutines, so that neither a
// zombie nor a goroutine is left. With grace > 0 the plugin first gets that long to exit by
// itself (go-plugin's shutdown); then, or at once with grace 0, it is killed (SIGKILL). The
// kill goes through the process handle exec started, never a bare PID, so a reused PID is never
// signalled. Safe to call more than once and concurrently; later calls return at once.
func (p *proc) stop(grace time.Duration) {
	p.once.Do(func() {
		if grace <= 0 {
			p.kill()
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.client.Kill()
		}()
		if grace > 0 {
			t := time.NewTimer(grace)
			defer t.Stop()
			select {
			case <-done:
				return
			case <-t.C:
				p.kill()
			}
		}
		<-done
	})
}

func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill() // "process already finished" is fine
	}
}
