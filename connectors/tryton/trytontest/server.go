// Package trytontest runs a throwaway Tryton for tests (scripts/tryton.sh) and is the
// acceptance harness of the tryton connector: each system is a database of its own, copied
// from the seeded template, behind a proxy that can fail the way Tryton or the network in
// front of it fails.
package trytontest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Server is a running trytond started by scripts/tryton.sh.
type Server struct {
	// Base is http://127.0.0.1:port/; a database's JSON-RPC URL is Base + name + "/".
	Base     string
	dbDir    string
	template string
	dir      string
	env      []string
}

// server is the process's server, set by Main; startErr says why there is none.
var (
	server   *Server
	startErr error
)

// Main starts Tryton, runs the tests and stops Tryton, for a TestMain:
//
//	func TestMain(m *testing.M) { trytontest.Main(m) }
//
// When Tryton cannot start, the tests that need it fail if CI=true and are skipped, with the
// reason, otherwise.
func Main(m *testing.M) {
	server, startErr = start()
	code := m.Run()
	if server != nil {
		if err := server.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "trytontest:", err)
		}
	}
	os.Exit(code)
}

// Get returns the running server, or ends t: failed in CI, skipped elsewhere.
func Get(t testing.TB) *Server {
	t.Helper()
	if server != nil {
		return server
	}
	reason := "trytontest.Main did not run (TestMain)"
	if startErr != nil {
		reason = startErr.Error()
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("Tryton could not be started: %s", reason)
	}
	t.Skipf("Tryton could not be started (CI=true makes this a failure): %s", reason)
	return nil
}

// Script is the path of scripts/tryton.sh.
func Script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "scripts", "tryton.sh")
}

// start runs `tryton.sh up` on a free port in a directory of its own, so that test packages
// running at the same time do not share a server.
func start() (*Server, error) {
	dir, err := os.MkdirTemp("", "accord-tryton-test-")
	if err != nil {
		return nil, fmt.Errorf("make a directory for Tryton: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, env: append(os.Environ(), "TRYTON_DIR="+dir, fmt.Sprintf("TRYTON_PORT=%d", port))}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", Script(), "up")
	cmd.Env = s.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("tryton.sh up: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			vars[k] = v
		}
	}
	s.Base = fmt.Sprintf("http://127.0.0.1:%d/", port)
	s.dbDir, s.template = vars["TRYTON_DB_DIR"], vars["TRYTON_TEMPLATE"]
	if s.dbDir == "" || s.template == "" {
		_ = s.stop()
		return nil, fmt.Errorf("tryton.sh up printed no TRYTON_DB_DIR or TRYTON_TEMPLATE: %s", out)
	}
	return s, nil
}

// stop runs `tryton.sh down`, which stops trytond by its PID file.
func (s *Server) stop() error {
	cmd := exec.Command("bash", Script(), "down")
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	_ = os.RemoveAll(s.dir)
	if err != nil {
		return fmt.Errorf("tryton.sh down: %w: %s", err, out)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// NewDatabase copies the seeded template into a new database, removed at t's cleanup, and
// returns its name.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := "acc_" + randomHex(t)
	raw, err := os.ReadFile(s.template)
	if err == nil {
		err = os.WriteFile(filepath.Join(s.dbDir, name+".sqlite"), raw, 0o600)
	}
	if err != nil {
		t.Fatalf("new Tryton database: %v", err)
	}
	t.Cleanup(func() { _ = os.Remove(filepath.Join(s.dbDir, name+".sqlite")) })
	return name
}

// URL is the JSON-RPC URL of database name.
func (s *Server) URL(name string) string {
	return s.Base + name + "/"
}
