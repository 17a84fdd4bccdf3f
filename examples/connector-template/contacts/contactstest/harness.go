// Package contactstest is the acceptance harness of the contacts connector: it makes fresh
// stores and edits them behind the connector's back, as a user or another writer would. The
// connector's own tests use it in process, and the plugin's test through the plugin boundary.
package contactstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
	"github.com/accord-mdm/accord/examples/connector-template/contacts"
)

// Harness returns the acceptance harness for contacts connectors that newConn makes.
func Harness(newConn func(testing.TB) connectors.Connector) acceptance.Harness {
	return acceptance.Harness{
		New:      newConn,
		Settings: settings,
		InvalidSettings: []json.RawMessage{
			json.RawMessage(`not json`), json.RawMessage(`{}`), json.RawMessage(`{"path": "/no/such/dir/contacts.json"}`),
			json.RawMessage(`{"path": "contacts.json", "colour": "red"}`),
		},
		Entity:       contacts.Entity,
		Seed:         seed,
		Touch:        touch,
		Fields:       fields,
		UnknownField: "favourite_colour",
		Fail:         fail,
		Webhook:      webhook,
	}
}

// webhookSecret is the secret of every store the harness makes.
const webhookSecret = "harness-webhook-secret"

// webhook is the store's signed notification that ids changed.
func webhook(t testing.TB, _ json.RawMessage, ids []string) connectors.WebhookRequest {
	body, err := json.Marshal(contacts.Notification{Changed: ids})
	if err != nil {
		t.Fatal(err)
	}
	return connectors.WebhookRequest{Headers: map[string][]string{contacts.SignatureHeader: {contacts.Sign(webhookSecret, body)}}, Body: body}
}

// settings returns settings for a new, empty store in a temporary directory.
func settings(t testing.TB) json.RawMessage {
	raw, err := json.Marshal(contacts.Config{Path: filepath.Join(t.TempDir(), "contacts.json"), WebhookSecret: webhookSecret})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// fields is a valid contact for record number i.
func fields(i int) map[string]any {
	return map[string]any{
		"name": fmt.Sprintf("Contact %d", i), "email": fmt.Sprintf("contact-%d@example.com", i),
		"phone": fmt.Sprintf("+4930%07d", i), "company": "Example GmbH", "score": json.Number(fmt.Sprintf("%d.25", i)),
	}
}

// edit runs fn on the store behind settings under its lock and saves it.
func edit(t testing.TB, settings json.RawMessage, fn func(f *contacts.File)) {
	t.Helper()
	EditFile(t, pathOf(t, settings), fn)
}

// EditFile runs fn on the store at path under its lock and saves it, as a user or another
// tool editing the store behind the connector's back would.
func EditFile(t testing.TB, path string, fn func(f *contacts.File)) {
	t.Helper()
	unlock, err := contacts.Lock(context.Background(), path, time.Minute)
	if err != nil {
		t.Fatalf("lock store: %v", err)
	}
	defer unlock()
	f, err := contacts.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	fn(f)
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
}

func pathOf(t testing.TB, settings json.RawMessage) string {
	var cfg contacts.Config
	if err := json.Unmarshal(settings, &cfg); err != nil {
		t.Fatalf("settings: %v", err)
	}
	return cfg.Path
}

// seed adds n contacts, 1ms apart an hour ago.
func seed(t testing.TB, settings json.RawMessage, n int) []string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix, start := hex.EncodeToString(b[:]), time.Now().Add(-time.Hour).UTC()
	ids := make([]string, n)
	edit(t, settings, func(f *contacts.File) {
		for i := range ids {
			ids[i] = fmt.Sprintf("seed-%s-%05d", prefix, i)
			f.Seq++
			f.Contacts[ids[i]] = &contacts.Contact{Fields: map[string]any{"name": fmt.Sprintf("Seeded %d", i)},
				Seq: f.Seq, UpdatedAt: start.Add(time.Duration(i) * time.Millisecond)}
		}
	})
	return ids
}

// touch edits a contact's name as a user would.
func touch(t testing.TB, settings json.RawMessage, id string) {
	edit(t, settings, func(f *contacts.File) {
		ct := f.Contacts[id]
		if ct == nil {
			t.Fatalf("touch: no contact %s", id)
		}
		f.Seq++
		ct.Fields["name"] = fmt.Sprint(ct.Fields["name"], " (edited)")
		ct.Seq, ct.UpdatedAt = f.Seq, time.Now().UTC()
	})
}

// fail makes the next update fail with kind, as the store itself would.
func fail(t testing.TB, settings json.RawMessage, kind connectors.ErrorKind) {
	switch kind {
	case connectors.Conflict: // another user deleted every contact
		edit(t, settings, func(f *contacts.File) { clear(f.Contacts) })
	case connectors.Permanent:
		edit(t, settings, func(f *contacts.File) { f.ReadOnly = true })
	case connectors.Auth: // the store's token was rotated
		edit(t, settings, func(f *contacts.File) { f.Token = "rotated" })
	case connectors.RateLimited: // the store throttles callers for a while
		edit(t, settings, func(f *contacts.File) { f.ThrottledUntil = time.Now().Add(time.Hour) })
	case connectors.Retryable: // another writer holds the lock
		unlock, err := contacts.Lock(context.Background(), pathOf(t, settings), time.Minute)
		if err != nil {
			t.Fatalf("lock store: %v", err)
		}
		t.Cleanup(unlock)
	default:
		t.Skipf("a file store has no %s failure: the connector never returns it", kind)
	}
}
