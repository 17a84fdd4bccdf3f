package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/hashicorp/go-hclog"
)

// InstallOptions tune Install.
type InstallOptions struct {
	// Env is the allow-list of host environment variables the plugin will see (its
	// credentials, a proxy); recorded in the manifest.
	Env []string
	// Reserved are names a plugin may not take: the built-in connectors.
	Reserved []string
	// Logger receives the plugin's log while Install asks it for its Spec. Default: none.
	Logger hclog.Logger
}

// validName is what a connector name must look like to be installed: it names a file and a
// connector in configuration.
var validName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// validVersion is what a version must look like: it is part of the file name.
var validVersion = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// Install copies the plugin executable at binaryPath into dir (created if missing) and records
// it in dir's manifest. It computes the copy's SHA-256, starts the copy as a plugin (with the
// hardened client, so a binary that is no Accord plugin or speaks another protocol version is
// refused) and asks it for its Spec to learn its name, version and capabilities. The copy is
// named <name>-<version>; an entry of the same name is replaced, and the file of the entry it
// replaces is left in place for processes that still run it. Installs into one dir must not
// run concurrently.
func Install(ctx context.Context, dir, binaryPath string, opts InstallOptions) (Entry, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Entry{}, fmt.Errorf("install plugin: %w", err)
	}
	tmp, sum, err := copyExecutable(dir, binaryPath)
	if err != nil {
		return Entry{}, fmt.Errorf("install plugin: %w", err)
	}
	defer os.Remove(tmp) // fails harmlessly once renamed
	h, err := NewHost(map[string]Launch{"install": {Path: tmp, SHA256: sum, Env: opts.Env}}, Options{Logger: opts.Logger})
	if err != nil {
		return Entry{}, fmt.Errorf("install plugin %s: %w", binaryPath, err)
	}
	spec, err := h.Spec(ctx, "install")
	if err = errors.Join(err, h.Close()); err != nil {
		return Entry{}, fmt.Errorf("install plugin %s: ask for its spec: %w", binaryPath, err)
	}
	switch {
	case !validName.MatchString(spec.Name):
		return Entry{}, fmt.Errorf("install plugin %s: name %q is not a connector name (%s)", binaryPath, spec.Name, validName)
	case slices.Contains(opts.Reserved, spec.Name):
		return Entry{}, fmt.Errorf("install plugin %s: name %q is taken by a built-in connector", binaryPath, spec.Name)
	case !validVersion.MatchString(spec.Version):
		return Entry{}, fmt.Errorf("install plugin %s: version %q is not a version (%s)", binaryPath, spec.Version, validVersion)
	}
	e := Entry{
		Name: spec.Name, Version: spec.Version, Path: spec.Name + "-" + spec.Version, SHA256: sum,
		Env: append([]string(nil), opts.Env...), Capabilities: spec.Capabilities,
	}
	m, err := readManifest(dir)
	if err != nil {
		return Entry{}, fmt.Errorf("install plugin %s: %w", e.Name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, e.Path)); err != nil {
		return Entry{}, fmt.Errorf("install plugin %s: %w", e.Name, err)
	}
	m.Plugins = slices.DeleteFunc(m.Plugins, func(old Entry) bool { return old.Name == e.Name })
	m.Plugins = append(m.Plugins, e)
	if err := writeManifest(dir, m); err != nil {
		return Entry{}, fmt.Errorf("install plugin %s: %w", e.Name, err)
	}
	return e, nil
}

// copyExecutable copies src to a new executable file in dir and returns its path and the
// SHA-256 of what was written.
func copyExecutable(dir, src string) (path, sum string, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", "", fmt.Errorf("open %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, ".install-*")
	if err != nil {
		return "", "", fmt.Errorf("copy %s: %w", src, err)
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Chmod(0o755)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(out.Name())
		return "", "", fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Name(), hex.EncodeToString(h.Sum(nil)), nil
}
