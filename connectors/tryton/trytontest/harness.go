package trytontest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
)

// Entity is the entity the suite reads and writes.
const Entity = "customer"

// System is one fresh Tryton database and the proxy the connector reaches it through.
type System struct {
	DB    string
	URL   string // direct JSON-RPC URL, for the test's own calls
	Proxy *Proxy
}

// Systems makes fresh systems on s and finds them again by their settings.
type Systems struct {
	s  *Server
	mu sync.Mutex
	by map[string]*System // by the url of their settings
}

// NewSystems returns a maker of systems on the process's Tryton (see Get).
func NewSystems(t testing.TB) *Systems {
	return &Systems{s: Get(t), by: map[string]*System{}}
}

// Settings makes a fresh system, removed at t's cleanup, and returns connector settings for
// it; extra settings are merged in.
func (ss *Systems) Settings(t testing.TB, extra map[string]any) json.RawMessage {
	t.Helper()
	db := ss.s.NewDatabase(t)
	sys := &System{DB: db, URL: ss.s.URL(db), Proxy: NewProxy(t, ss.s.Base)}
	url := sys.Proxy.URL() + db + "/"
	ss.mu.Lock()
	ss.by[url] = sys
	ss.mu.Unlock()
	t.Cleanup(func() {
		ss.mu.Lock()
		delete(ss.by, url)
		ss.mu.Unlock()
	})
	m := map[string]any{"url": url, "username": "admin", "password": "admin", "overlap": "1s"}
	for k, v := range extra {
		m[k] = v
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Lookup returns the system that settings reach.
func (ss *Systems) Lookup(t testing.TB, settings json.RawMessage) *System {
	t.Helper()
	var s struct{ URL string }
	if err := json.Unmarshal(settings, &s); err != nil {
		t.Fatalf("settings: %v", err)
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sys, ok := ss.by[s.URL]
	if !ok {
		t.Fatalf("no system for settings %s", settings)
	}
	return sys
}

// Harness is the acceptance harness for the customer entity, with connectors from newConn
// (tryton.New in process, or a plugin host's factory).
func (ss *Systems) Harness(t testing.TB, newConn func(testing.TB) connectors.Connector) acceptance.Harness {
	return acceptance.Harness{
		New:             newConn,
		Settings:        func(t testing.TB) json.RawMessage { return ss.Settings(t, nil) },
		InvalidSettings: invalidSettings(),
		Entity:          Entity,
		Seed:            ss.seed,
		Touch:           ss.touch,
		Fields:          Fields,
		UnknownField:    "favourite_colour",
		Fail:            ss.fail,
		FailKinds:       nil, // all five: Tryton itself and the proxy in front of it produce each
	}
}

func invalidSettings() []json.RawMessage {
	ok := map[string]any{"url": "http://127.0.0.1:8000/tryton/", "username": "admin", "password": "x"}
	with := func(k string, v any) json.RawMessage {
		m := map[string]any{}
		for key, val := range ok {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		raw, _ := json.Marshal(m) // plain values always marshal
		return raw
	}
	return []json.RawMessage{
		json.RawMessage(`not json`),
		with("url", nil), with("url", "ftp://127.0.0.1/tryton/"), with("url", "http://127.0.0.1:8000/"),
		with("username", nil), with("password", nil), with("overlap", "-1s"), with("overlap", "soon"),
		with("timeout", "0s"), with("delete_mode", "shred"), with("extra", true),
	}
}

// Fields is a valid customer for record i.
func Fields(i int) map[string]any {
	countries := []string{"CN", "DE", "US"}
	return map[string]any{
		"name": fmt.Sprintf("Customer %d", i), "street": fmt.Sprintf("%d Main Street", i), "city": fmt.Sprintf("City %d", i),
		"postal_code": fmt.Sprintf("%06d", 100000+i), "country": countries[i%len(countries)],
		"email": fmt.Sprintf("customer-%d@example.com", i), "phone": fmt.Sprintf("+86 10 5555 %04d", i),
	}
}

// seed creates n parties with an address, an email and a phone, in calls of up to 500.
func (ss *Systems) seed(t testing.TB, settings json.RawMessage, n int) []string {
	t.Helper()
	c := Admin(t, ss.Lookup(t, settings).URL)
	prefix := randomHex(t)
	var ids []string
	for lo := 0; lo < n; lo += 500 {
		var vlist []any
		for i := lo; i < min(lo+500, n); i++ {
			vlist = append(vlist, map[string]any{
				"name":      fmt.Sprintf("Seeded %s %d", prefix, i),
				"addresses": []any{[]any{"create", []any{map[string]any{"street": fmt.Sprintf("%d Seed Road", i), "city": "Seedville"}}}},
				"contact_mechanisms": []any{[]any{"create", []any{
					map[string]any{"type": "email", "value": fmt.Sprintf("seeded-%d@example.com", i)}}}},
			})
		}
		var created []json.Number
		c.Model(t, "party.party", "create", &created, vlist)
		for _, id := range created {
			ids = append(ids, id.String())
		}
	}
	return ids
}

// touch edits a party's name as a user would.
func (ss *Systems) touch(t testing.TB, settings json.RawMessage, id string) {
	t.Helper()
	c := Admin(t, ss.Lookup(t, settings).URL)
	var rows []map[string]any
	c.Model(t, "party.party", "read", &rows, []any{json.Number(id)}, []string{"name"})
	if len(rows) != 1 {
		t.Fatalf("touch %s: read %d rows", id, len(rows))
	}
	name, _ := rows[0]["name"].(string)
	c.Model(t, "party.party", "write", nil, []any{json.Number(id)}, map[string]any{"name": strings.TrimSpace(name + " (edited)")})
}

// fail makes the next update fail with kind: through Tryton itself where it can (a deleted
// party, an access rule, a changed password), through the proxy where only a network or a
// lockout can (a dropped connection, 429).
func (ss *Systems) fail(t testing.TB, settings json.RawMessage, kind connectors.ErrorKind) {
	t.Helper()
	sys := ss.Lookup(t, settings)
	c := Admin(t, sys.URL)
	switch kind {
	case connectors.Conflict: // another user deleted every customer
		var ids []json.Number
		c.Model(t, "party.party", "search", &ids, []any{[]any{"id", ">", 0}, []any{"id", "not in", internalParties(t, c)}}, 0, nil, nil)
		c.Model(t, "party.party", "delete", nil, ids)
	case connectors.Permanent: // a record rule no write to a party passes
		var models []json.Number
		c.Model(t, "ir.model", "search", &models, []any{[]any{"model", "=", "party.party"}}, 0, nil, nil)
		c.Model(t, "ir.rule.group", "create", nil, []any{map[string]any{
			"name": "accord test: no writes", "model": models[0], "global_p": true,
			"perm_read": false, "perm_write": true, "perm_create": false, "perm_delete": false,
			"rules": []any{[]any{"create", []any{map[string]any{"domain": `[["id", "=", -1]]`}}}},
		}})
	case connectors.Auth: // the password changed (Tryton ends the sessions); a strong one passes its entropy rule
		var uid []json.Number
		c.Model(t, "res.user", "search", &uid, []any{[]any{"login", "=", "admin"}}, 0, nil, nil)
		c.Model(t, "res.user", "write", nil, uid, map[string]any{"password": "Xq7-Lm2#Vb9!Tz4"})
	case connectors.RateLimited:
		sys.Proxy.Fail(TooMany)
	case connectors.Retryable:
		sys.Proxy.Fail(Drop)
	default:
		t.Fatalf("no way to make Tryton fail with %s", kind)
	}
}

// internalParties are the parties of the company and its employee.
func internalParties(t testing.TB, c *Client) []any {
	var out []any
	for _, model := range []string{"company.company", "company.employee"} {
		var rows []map[string]any
		c.Model(t, model, "search_read", &rows, []any{}, 0, nil, nil, []string{"party"})
		for _, r := range rows {
			out = append(out, r["party"])
		}
	}
	return out
}
