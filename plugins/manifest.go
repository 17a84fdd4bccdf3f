package plugins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/accord-mdm/accord/connectors"
)

// ManifestFile is the name of the manifest in a plugins directory.
const ManifestFile = "manifest.json"

// manifestVersion is the format version of the manifest.
const manifestVersion = 1

// Entry is one installed third-party connector, as the manifest records it.
type Entry struct {
	// Name is the connector's name (its Spec's), unique in the directory.
	Name string `json:"name"`
	// Version is the connector's version, from its Spec.
	Version string `json:"version"`
	// Path is the executable, relative to the plugins directory (or absolute).
	Path string `json:"path"`
	// SHA256 is the hex SHA-256 the executable must have to be started.
	SHA256 string `json:"sha256"`
	// Env is the allow-list of the host's environment variables the plugin sees.
	Env []string `json:"env,omitempty"`
	// Capabilities are the connector's, from its Spec, so that they can be listed without
	// starting it.
	Capabilities connectors.Capabilities `json:"capabilities"`
}

// Launch returns how to start the entry's executable, installed in dir.
func (e Entry) Launch(dir string) Launch {
	return Launch{Path: e.path(dir), SHA256: e.SHA256, Env: append([]string(nil), e.Env...)}
}

// Verify checks that the executable in dir still has the recorded checksum; a mismatch is a
// *ChecksumError.
func (e Entry) Verify(dir string) error {
	got, err := FileSHA256(e.path(dir))
	if err != nil {
		return fmt.Errorf("verify %s: %w", e.Name, err)
	}
	if got != e.SHA256 {
		return &ChecksumError{Path: e.path(dir), Want: e.SHA256, Got: got}
	}
	return nil
}

func (e Entry) path(dir string) string {
	if filepath.IsAbs(e.Path) {
		return e.Path
	}
	return filepath.Join(dir, e.Path)
}

// manifest is the file's content.
type manifest struct {
	Version int     `json:"version"`
	Plugins []Entry `json:"plugins"`
}

// List returns the connectors installed in dir, sorted by name; none if dir has no manifest.
func List(dir string) ([]Entry, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	return m.Plugins, nil
}

// Installed returns how to start every connector installed in dir, by name, for NewHost.
func Installed(dir string) (map[string]Launch, error) {
	entries, err := List(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Launch, len(entries))
	for _, e := range entries {
		out[e.Name] = e.Launch(dir)
	}
	return out, nil
}

func readManifest(dir string) (manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{Version: manifestVersion}, nil
	}
	if err != nil {
		return manifest{}, fmt.Errorf("read plugin manifest: %w", err)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return manifest{}, fmt.Errorf("read plugin manifest %s: %w", path, err)
	}
	if m.Version != manifestVersion {
		return manifest{}, fmt.Errorf("read plugin manifest %s: format version %d, want %d", path, m.Version, manifestVersion)
	}
	seen := map[string]bool{}
	for _, e := range m.Plugins {
		if e.Name == "" || seen[e.Name] {
			return manifest{}, fmt.Errorf("read plugin manifest %s: empty or repeated name %q", path, e.Name)
		}
		seen[e.Name] = true
	}
	sort.Slice(m.Plugins, func(i, j int) bool { return m.Plugins[i].Name < m.Plugins[j].Name })
	return m, nil
}

// writeManifest replaces the manifest atomically (a temporary file renamed over it).
func writeManifest(dir string, m manifest) error {
	sort.Slice(m.Plugins, func(i, j int) bool { return m.Plugins[i].Name < m.Plugins[j].Name })
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plugin manifest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".manifest-*")
	if err != nil {
		return fmt.Errorf("write plugin manifest: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(append(raw, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, ManifestFile))
	}
	if err != nil {
		return fmt.Errorf("write plugin manifest: %w", err)
	}
	return nil
}
