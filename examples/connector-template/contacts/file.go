package contacts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// File is the store's content, as JSON in the file. Tools other than the connector (tests, a
// user) may edit it while holding the lock (Lock).
type File struct {
	// Seq is the sequence number of the last change.
	Seq int64 `json:"seq"`
	// Token, if set, must equal the connector's token setting.
	Token string `json:"token,omitempty"`
	// ReadOnly refuses every write.
	ReadOnly bool `json:"read_only,omitempty"`
	// ThrottledUntil, while in the future, refuses every call as a rate-limited API would:
	// the caller is told to come back then.
	ThrottledUntil time.Time `json:"throttled_until,omitzero"`
	// Contacts by ID.
	Contacts map[string]*Contact `json:"contacts"`
	// CreateKeys maps the CreateKey of every create to the ID it created.
	CreateKeys map[string]string `json:"create_keys,omitempty"`
}

// Contact is one stored contact.
type Contact struct {
	Fields    map[string]any `json:"fields"`
	Seq       int64          `json:"seq"`
	UpdatedAt time.Time      `json:"updated_at"`
	Deleted   bool           `json:"deleted,omitempty"`
}

// Load reads the store at path; a missing file is an empty store.
func Load(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Contacts: map[string]*Contact{}, CreateKeys: map[string]string{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read store: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep numbers exact
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read store %s: %w", path, err)
	}
	if f.Contacts == nil {
		f.Contacts = map[string]*Contact{}
	}
	if f.CreateKeys == nil {
		f.CreateKeys = map[string]string{}
	}
	return &f, nil
}

// Save replaces the store at path atomically: readers see the old file or the new one.
func (f *File) Save(path string) error {
	raw, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return fmt.Errorf("encode store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".contacts-*")
	if err != nil {
		return fmt.Errorf("write store: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(raw)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write store: %w", err)
	}
	return nil
}

// next takes the sequence number of a new change.
func (f *File) next() int64 {
	f.Seq++
	return f.Seq
}
