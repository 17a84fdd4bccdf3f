package trytontest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// Faults a Proxy can inject, each what a client of Tryton meets in practice.
const (
	Pass         = ""
	Drop         = "drop"         // the connection closes without a response (a restart, a reset)
	Unavailable  = "unavailable"  // 503 with Retry-After, as a reverse proxy says while trytond restarts
	TooMany      = "too_many"     // 429 without Retry-After, as Tryton answers after too many failed logins
	Unauthorized = "unauthorized" // 401 with an empty body, as Tryton answers an expired session
)

// Proxy forwards to a Tryton server on 127.0.0.1 and fails requests on demand.
type Proxy struct {
	srv   *httptest.Server
	mu    sync.Mutex
	fault string
}

// NewProxy starts a proxy in front of target, closed at t's cleanup.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{}
	forward := httputil.NewSingleHostReverseProxy(u)
	transport := &http.Transport{}
	forward.Transport = transport
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		fault := p.fault
		p.mu.Unlock()
		switch fault {
		case Drop:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case Unavailable:
			w.Header().Set("Retry-After", "3")
			http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
		case TooMany:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte("<!doctype html>\n<title>429 Too Many Requests</title>\n<h1>Too Many Requests</h1>\n"))
		case Unauthorized:
			w.Header().Set("WWW-Authenticate", `Basic realm="Tryton"`)
			w.WriteHeader(http.StatusUnauthorized)
		default:
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(func() {
		p.srv.CloseClientConnections()
		p.srv.Close()
		transport.CloseIdleConnections()
	})
	return p
}

// URL is the proxy's base URL, standing for the target's.
func (p *Proxy) URL() string { return p.srv.URL + "/" }

// Fail makes every later request meet fault (Pass to forward again).
func (p *Proxy) Fail(fault string) {
	p.mu.Lock()
	p.fault = fault
	p.mu.Unlock()
}
