package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the test reads the CRM behind Accord's back

	"github.com/accord-mdm/accord/config/configtest"
	"github.com/accord-mdm/accord/examples/connector-template/contacts"
	"github.com/accord-mdm/accord/examples/connector-template/contacts/contactstest"
)

// TestInstalledConnectorSyncs is what an IT admin does with a third-party connector, with the
// real binaries: build the template connector, `accord connector install` it, list and check
// it, then `accord dev` syncs an address book kept by it with a CRM (sqltable, a built-in) in
// both directions, through the plugin boundary, until stopped with SIGTERM. The book is polled
// only hourly: its edit reaches the CRM because the book's signed change notification, posted
// to the webhook endpoint, makes its sync read at once.
func TestInstalledConnectorSyncs(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds accord and a plugin, runs an embedded Temporal server")
	}
	bin := t.TempDir()
	accord, plugin := filepath.Join(bin, "accord"), filepath.Join(bin, "contacts-plugin")
	goBuild(t, accord, "github.com/accord-mdm/accord/cmd/accord")
	goBuild(t, plugin, "github.com/accord-mdm/accord/examples/connector-template")

	dataDir, work := t.TempDir(), t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(accord, append([]string{"--data-dir", dataDir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("accord %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := run("connector", "install", plugin); !strings.Contains(out, "installed contacts 0.1.0") {
		t.Errorf("install said %q", out)
	}
	if out := run("connector", "list"); !regexpLine(out, "contacts", "installed", "0.1.0") || !regexpLine(out, "sqltable", "built-in") {
		t.Errorf("list lacks the installed contacts connector or the built-in sqltable:\n%s", out)
	}

	book, crm := filepath.Join(work, "book.json"), filepath.Join(work, "crm.db")
	cfg := writeConfig(t, work, book, crm)
	seedBook(t, book)
	seedCRM(t, crm)
	if out := run("connector", "check", "book", "-f", cfg); !strings.Contains(out, "book: contacts connector OK") {
		t.Errorf("check said %q", out)
	}

	apiAddr := "127.0.0.1:" + freePort(t)
	dev := exec.Command(accord, "--data-dir", dataDir, "dev", "-f", cfg, "--ephemeral",
		"--port", freePort(t), "--ui-port", freePort(t), "--api-addr", apiAddr)
	var out bytes.Buffer
	dev.Stdout, dev.Stderr = &out, &out
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = dev.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- dev.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("accord dev exited with %v\n%s", err, out.String())
			}
		case <-time.After(time.Minute):
			_ = dev.Process.Kill()
			t.Errorf("accord dev did not stop within a minute of SIGTERM\n%s", out.String())
		}
	}
	t.Cleanup(stop)

	// Both systems end up holding all four customers: the book gets the CRM's Dave, the CRM
	// gets the book's Alice and Carol, and Bob, in both already, is linked, not copied.
	eventually(t, "both systems hold the four customers", func() (bool, string) {
		names, emails := bookContacts(t, book), crmAccounts(t, crm)
		return len(names) == 4 && len(emails) == 4, fmt.Sprintf("book %v, CRM %v", names, emails)
	})
	pids := children(t, dev.Process.Pid)
	if len(pids) == 0 {
		t.Errorf("accord dev runs no plugin processes")
	}

	// An edit in the book reaches the CRM once the book notifies it: a forged notification is
	// refused, the signed one makes the book's sync read now.
	var carol string
	contactstest.EditFile(t, book, func(f *contacts.File) {
		for id, c := range f.Contacts {
			if c.Fields["email"] == "carol@example.com" {
				f.Seq++
				c.Fields["phone"], c.Seq, c.UpdatedAt = "+44 20 7946 0999", f.Seq, time.Now().UTC()
				carol = id
			}
		}
	})
	body := fmt.Appendf(nil, `{"changed":[%q]}`, carol)
	if code, resp := notify(t, apiAddr, body, contacts.Sign("not the secret", body)); code != 401 {
		t.Errorf("forged notification: %d %s, want 401", code, resp)
	}
	code, resp := notify(t, apiAddr, body, contacts.Sign(webhookSecret, body))
	var accepted struct{ Synced []string }
	if err := json.Unmarshal([]byte(resp), &accepted); code != 202 || err != nil || !slices.Equal(accepted.Synced, []string{"customer"}) {
		t.Errorf("signed notification: %d %s, want 202 and the customer sync nudged", code, resp)
	}
	eventually(t, "Carol's new phone reaches the CRM", func() (bool, string) {
		phone := crmAccounts(t, crm)["carol@example.com"]
		return phone == "+442079460999", "CRM phone " + phone
	})

	stop()
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("plugin process %d outlived accord dev", pid)
		}
	}
	if t.Failed() {
		t.Log(out.String())
	}
}

// webhookSecret is the secret the book signs its change notifications with.
const webhookSecret = "book-webhook-secret"

// notify posts a change notification of the book to the webhook endpoint.
func notify(t *testing.T, apiAddr string, body []byte, signature string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+apiAddr+"/v1/webhooks/book", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(contacts.SignatureHeader, signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post webhook: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// regexpLine reports whether out has a line whose first fields are words.
func regexpLine(out string, words ...string) bool {
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) >= len(words) && strings.Join(f[:len(words)], " ") == strings.Join(words, " ") {
			return true
		}
	}
	return false
}

// writeConfig writes a configuration directory for the book (the installed contacts
// connector) and the CRM (sqltable on SQLite) and returns it.
func writeConfig(t *testing.T, dir, book, crm string) string {
	t.Helper()
	cfg := filepath.Join(dir, "config")
	files := map[string]string{
		"golden/customer.yaml": `entity: customer
fields:
  name:         {type: string}
  contact_name: {type: string}
  email:        {type: string}
  phone:        {type: string}
match:
  keys:
    - {kind: email, field: email, standardize: email_key}
survivorship:
  default: [most_recent]
`,
		"systems/book.yaml": fmt.Sprintf(`connector: contacts
settings: {path: %q, webhook_secret: %q}
entities:
  customer:
    object: contacts
    direction: both
    poll_interval: 1h
    region: GB
    fields:
      - {golden: name,         from: company, standardize: text}
      - {golden: contact_name, from: name,    standardize: person_name}
      - {golden: email,        from: email,   standardize: email}
      - {golden: phone,        from: phone,   standardize: phone}
`, book, webhookSecret),
		"systems/crm.yaml": fmt.Sprintf(`connector: sqltable
settings:
  driver: sqlite
  dsn: %q
  tables:
    accounts: {key: id, updated_at: updated_at, deleted: is_deleted}
entities:
  customer:
    object: accounts
    direction: both
    poll_interval: 1s
    region: GB
    fields:
      - {golden: name,         from: account_name, standardize: text}
      - {golden: contact_name, from: contact_name, standardize: person_name}
      - {golden: email,        from: email,        standardize: email}
      - {golden: phone,        from: phone,        standardize: phone}
`, crm),
	}
	configtest.Write(t, cfg, files)
	return cfg
}

func seedBook(t *testing.T, path string) {
	contactstest.EditFile(t, path, func(f *contacts.File) {
		at := time.Now().Add(-time.Hour).UTC()
		for i, c := range [][3]string{
			{"Alice Archer", "alice@example.com", "Archer Ltd"},
			{"Bob Baker", "bob@example.com", "Baker & Sons"},
			{"Carol Cooper", "carol@example.com", "Cooper Co"},
		} {
			f.Seq++
			f.Contacts[fmt.Sprintf("c%d", i+1)] = &contacts.Contact{Seq: f.Seq, UpdatedAt: at,
				Fields: map[string]any{"name": c[0], "email": c[1], "company": c[2], "phone": "020 7946 000" + fmt.Sprint(i)}}
		}
	})
}

func openCRM(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func seedCRM(t *testing.T, path string) {
	db := openCRM(t, path)
	defer db.Close()
	at := time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z")
	for _, q := range []string{
		`CREATE TABLE accounts (id TEXT PRIMARY KEY, account_name TEXT, contact_name TEXT, email TEXT,
			phone TEXT, updated_at TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0)`,
		`INSERT INTO accounts VALUES ('A-1', 'Baker and Sons', 'Bob Baker', 'BOB@example.com', '', '` + at + `', 0),
			('A-2', 'Dawson Ltd', 'Dave Dawson', 'dave@example.com', '+44 20 7946 0555', '` + at + `', 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// bookContacts returns the e-mails of the live contacts in the book.
func bookContacts(t *testing.T, path string) []string {
	t.Helper()
	f, err := contacts.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range f.Contacts {
		if !c.Deleted {
			out = append(out, fmt.Sprint(c.Fields["email"]))
		}
	}
	return out
}

// crmAccounts returns the phone of every live account by lower-cased e-mail.
func crmAccounts(t *testing.T, path string) map[string]string {
	t.Helper()
	db := openCRM(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT lower(email), coalesce(phone, '') FROM accounts WHERE is_deleted = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var email, phone string
		if err := rows.Scan(&email, &phone); err != nil {
			t.Fatal(err)
		}
		out[email] = phone
	}
	return out
}

// children returns the PIDs of pid's child processes, started from any of its threads.
func children(t *testing.T, pid int) []int {
	t.Helper()
	files, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if err != nil || len(files) == 0 {
		t.Logf("cannot list child processes of %d: %v", pid, err)
		return nil
	}
	var out []int
	for _, file := range files {
		raw, _ := os.ReadFile(file) // a thread may have ended since the glob
		for _, f := range strings.Fields(string(raw)) {
			var p int
			if _, err := fmt.Sscan(f, &p); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// eventually polls cond every 200ms for up to two minutes.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not after 2m (%s)", what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
