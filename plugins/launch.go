package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Launch says how to start one connector's plugin process.
type Launch struct {
	// Path is the executable, an absolute path (a relative one is made absolute when the host
	// is made).
	Path string
	// Args are the arguments after the executable's name.
	Args []string
	// SHA256 is the hex SHA-256 of the executable. The host refuses to start a file with
	// another checksum (go-plugin SecureConfig), with a *ChecksumError.
	SHA256 string
	// Env names the host's environment variables the plugin may see. A plugin starts with an
	// empty environment plus these, TMPDIR (where go-plugin puts its socket) and the variables
	// go-plugin and the host set for it (its handshake, TLS certificate, EnvMaxMessageBytes,
	// EnvLogLevel); a variable not set in the host is left out.
	Env []string
}

// ServeArgs are the arguments that make the accord binary serve the built-in connector name:
// `accord connector serve <name>`, which must call ServeBuiltin.
func ServeArgs(name string) []string {
	return []string{"connector", "serve", name}
}

// Builtins returns how to start each named built-in connector out of process: by re-executing
// exe (the running binary, from os.Executable) with ServeArgs(name). The checksum is computed
// from exe once, now, so that a binary replaced on disk since (an upgrade under a running
// worker) is refused rather than mixed with this one. env is the allow-list every built-in
// gets.
func Builtins(exe string, names []string, env ...string) (map[string]Launch, error) {
	sum, err := FileSHA256(exe)
	if err != nil {
		return nil, fmt.Errorf("checksum own executable: %w", err)
	}
	out := make(map[string]Launch, len(names))
	for _, n := range names {
		out[n] = Launch{Path: exe, Args: ServeArgs(n), SHA256: sum, Env: env}
	}
	return out, nil
}

// FileSHA256 returns the hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ChecksumError is the refusal to start a plugin executable whose SHA-256 is not the expected
// one: the file was replaced or altered after it was installed (or, for a built-in, after
// accord started).
type ChecksumError struct {
	Path string
	// Want is the expected checksum, Got the file's (empty if it could not be read).
	Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("plugin executable %s has SHA-256 %s, want %s: refusing to start it", e.Path, e.Got, e.Want)
}

// resolve checks a launch and makes its path absolute.
func (l Launch) resolve() (Launch, error) {
	if l.Path == "" {
		return l, fmt.Errorf("no executable path")
	}
	if b, err := hex.DecodeString(l.SHA256); err != nil || len(b) != sha256.Size {
		return l, fmt.Errorf("executable %s: SHA256 %q is not a hex SHA-256", l.Path, l.SHA256)
	}
	abs, err := filepath.Abs(l.Path)
	if err != nil {
		return l, fmt.Errorf("resolve %s: %w", l.Path, err)
	}
	l.Path = abs
	l.Args = append([]string(nil), l.Args...)
	l.Env = append([]string(nil), l.Env...)
	return l, nil
}
