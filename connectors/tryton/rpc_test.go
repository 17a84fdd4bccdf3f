package tryton

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-mdm/accord/connectors"
)

// fakeTryton answers JSON-RPC as Tryton 6.0 does (login, preferences, 401 for an unknown
// session), and lets a test script the answer to other methods.
type fakeTryton struct {
	mu       sync.Mutex
	logins   int
	sessions map[string]bool
	calls    []fakeCall
	answer   func(w http.ResponseWriter, method string, params []any) bool // true: answered
}

type fakeCall struct {
	method string
	params []any
	auth   string
}

func newFake(t *testing.T) (*fakeTryton, *httptest.Server) {
	f := &fakeTryton{sessions: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeTryton) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID     int64
		Method string
		Params []any
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{req.Method, req.Params, r.Header.Get("Authorization")})
	f.mu.Unlock()
	if req.Method == "common.db.login" {
		if pw, _ := req.Params[1].(map[string]any)["password"].(string); pw != "secret" {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte("<h1>Unauthorized</h1>"))
			return
		}
		f.mu.Lock()
		f.logins++
		key := strings.Repeat("ab", 31) + string(rune('a'+f.logins))
		f.sessions["Session "+base64.StdEncoding.EncodeToString([]byte("admin:1:"+key))] = true
		f.mu.Unlock()
		writeJSON(w, map[string]any{"id": req.ID, "result": []any{1, key}})
		return
	}
	f.mu.Lock()
	ok := f.sessions[r.Header.Get("Authorization")]
	f.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="Tryton"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if req.Method == "model.res.user.get_preferences" {
		writeJSON(w, map[string]any{"id": req.ID, "result": map[string]any{"company": 1, "employee": 1, "language": "en"}})
		return
	}
	if f.answer != nil && f.answer(w, req.Method, req.Params) {
		return
	}
	if strings.HasSuffix(req.Method, ".search_count") {
		writeJSON(w, map[string]any{"id": req.ID, "result": 0})
		return
	}
	writeJSON(w, map[string]any{"id": req.ID, "result": []any{}})
}

// expire forgets every session, as Tryton does after its session timeout.
func (f *fakeTryton) expire() {
	f.mu.Lock()
	f.sessions = map[string]bool{}
	f.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fakeConnector(t *testing.T, srv *httptest.Server, password string) *connector {
	c := New().(*connector)
	raw, _ := json.Marshal(map[string]any{"url": srv.URL + "/tryton/", "username": "admin", "password": password, "timeout": "2s"})
	if err := c.Configure(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestSessionHeaderAndCompanyContext(t *testing.T) {
	f, srv := newFake(t)
	c := fakeConnector(t, srv, "secret")
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	last := f.calls[len(f.calls)-1]
	if last.method != "model.party.party.search_count" {
		t.Fatalf("last call %s", last.method)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(last.auth, "Session "))
	if err != nil || strings.HasSuffix(string(raw), "\n") || !strings.HasPrefix(string(raw), "admin:1:") {
		t.Errorf("Authorization %q decodes to %q (%v): want admin:1:<key>, no newline", last.auth, raw, err)
	}
	ctx, _ := last.params[len(last.params)-1].(map[string]any)
	if ctx["company"] != float64(1) || ctx["employee"] != float64(1) {
		t.Errorf("context %v: want the user's company and employee", ctx)
	}
}

func TestReloginOnceOn401(t *testing.T) {
	f, srv := newFake(t)
	c := fakeConnector(t, srv, "secret")
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.expire()
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("Check after the session expired: %v", err)
	}
	if f.logins != 2 {
		t.Errorf("%d logins, want 2 (one again after the 401)", f.logins)
	}
}

func TestBadPasswordIsAuth(t *testing.T) {
	_, srv := newFake(t)
	c := fakeConnector(t, srv, "wrong")
	err := c.Check(context.Background())
	if connectors.KindOf(err) != connectors.Auth {
		t.Errorf("Check with a wrong password = %v, want Auth", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q shows the password", err)
	}
}

func TestHTTPFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		serve func(w http.ResponseWriter)
		kind  connectors.ErrorKind
		after time.Duration
	}{
		{"429 without Retry-After (Tryton's login lockout)", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusTooManyRequests)
		}, connectors.RateLimited, defaultRetryAfter},
		{"429 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		}, connectors.RateLimited, 7 * time.Second},
		{"503 from a proxy", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, connectors.Retryable, 3 * time.Second},
		{"dropped connection", func(w http.ResponseWriter) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
		}, connectors.Retryable, 0},
		{"403 unknown method", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusForbidden)
		}, connectors.Permanent, 0},
		{"not JSON", func(w http.ResponseWriter) {
			_, _ = w.Write([]byte("<html>"))
		}, connectors.Retryable, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFake(t)
			f.answer = func(w http.ResponseWriter, method string, _ []any) bool {
				tc.serve(w)
				return true
			}
			c := fakeConnector(t, srv, "secret")
			err := c.Check(context.Background())
			var oe *connectors.OpError
			if !errors.As(err, &oe) || oe.Kind != tc.kind || oe.RetryAfter != tc.after {
				t.Errorf("Check = %v (%+v), want kind %s, RetryAfter %v", err, oe, tc.kind, tc.after)
			}
		})
	}
}

func TestRPCErrors(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		kind  connectors.ErrorKind
		field string
		text  string
	}{
		{`["ConcurrencyException", "Records were modified in the meanwhile"]`, connectors.Conflict, "", "modified in the meanwhile"},
		{`["UserError", ["The value \"ZZ\" for field \"Country\" in \"Address\" does not exist.", "", null]]`, connectors.Permanent, "country", "does not exist"},
		{`["UserError", ["You are not allowed to write to records \"3\" of \"Party\".", "", null]]`, connectors.Permanent, "", "not allowed"},
		{`["UserWarning", ["w1", "Check this", ""]]`, connectors.Permanent, "", "Check this"},
		{`["'no_such_field'", ""]`, connectors.Permanent, "", "no_such_field"},
		{`["database is locked", "Traceback …"]`, connectors.Retryable, "", "locked"},
		{`"garbage"`, connectors.Permanent, "", "garbage"},
	} {
		err := rpcError("model.party.party.write", json.RawMessage(tc.raw))
		oe := named(asOpError(err), "party 3")
		if oe.Kind != tc.kind || oe.Field != tc.field || !strings.Contains(oe.Message, tc.text) || !strings.Contains(oe.Message, "party 3") {
			t.Errorf("%s → %+v, want kind %s, field %q, message with %q and the record", tc.raw, oe, tc.kind, tc.field, tc.text)
		}
	}
}

func TestCancelledContextIsRetryable(t *testing.T) {
	_, srv := newFake(t)
	c := fakeConnector(t, srv, "secret")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Read(ctx, connectors.ReadRequest{Entity: "customer"})
	if connectors.KindOf(err) != connectors.Retryable || !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "canceled") {
		t.Errorf("Read with a cancelled context = %v, want Retryable", err)
	}
}

func TestCursorRejectsDamage(t *testing.T) {
	for _, text := range []string{"%%%", "bm90IGpzb24", cursor{Known: idRanges{{1, 1 << 40}}}.encode(), cursor{Known: idRanges{{5, 1}}}.encode()} {
		cur, err := decodeCursor(text)
		if err == nil {
			_, err = cur.Known.set()
		}
		if connectors.KindOf(err) != connectors.Permanent {
			t.Errorf("cursor %q: %v, want a Permanent error", text, err)
		}
	}
	set := map[int64]bool{1: true, 2: true, 3: true, 7: true, 9: true, 10: true}
	r := rangesOf(set)
	if len(r) != 3 {
		t.Errorf("ranges %v, want 3", r)
	}
	back, err := r.set()
	if err != nil || len(back) != len(set) {
		t.Errorf("ranges round trip: %v, %v", back, err)
	}
}
