package tryton

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/accord-mdm/accord/connectors"
)

// defaultRetryAfter is the wait a 429 without Retry-After asks for. Tryton's own 429 (too many
// failed logins) has none and lasts up to its [session] timeout, so a minute is a modest guess.
const defaultRetryAfter = time.Minute

// rpcClient speaks Tryton's JSON-RPC to one database: it logs in with the password, keeps the
// session key, logs in again once when a call is refused with 401 (the session expired or was
// revoked), and passes the user's preferences (company, employee, language) as context on
// every call. It is safe for concurrent use.
type rpcClient struct {
	http     *resty.Client
	url      string
	username string
	password string
	nextID   atomic.Int64

	mu      sync.Mutex
	session *session
}

// session is a login: the header to send and the user's context.
type session struct {
	auth    string
	context map[string]any
}

func newRPCClient(url, username, password string, timeout time.Duration) *rpcClient {
	c := resty.New().SetTimeout(timeout).SetHeader("Content-Type", "application/json")
	c.SetRedirectPolicy(resty.NoRedirectPolicy())
	return &rpcClient{http: c, url: url, username: username, password: password}
}

// close releases the client's idle connections.
func (c *rpcClient) close() {
	c.http.GetClient().CloseIdleConnections()
}

// rpcRequest and rpcResponse are the JSON-RPC envelope.
type rpcRequest struct {
	ID     int64  `json:"id"`
	Method string `json:"method"`
	Params []any  `json:"params"`
}

type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// call runs method with params, the session's context (with extra merged in) appended as the
// last parameter of model methods, and decodes the result into out (nil to ignore it).
func (c *rpcClient) call(ctx context.Context, method string, params []any, extra map[string]any, out any) error {
	s, err := c.login(ctx, nil)
	if err != nil {
		return err
	}
	res, status, err := c.post(ctx, s, method, params, extra)
	if status == http.StatusUnauthorized {
		if s, err = c.login(ctx, s); err != nil {
			return err
		}
		res, _, err = c.post(ctx, s, method, params, extra)
	}
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := decodeJSON(res, out); err != nil {
		return &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("decode result of %s: %v", method, err)}
	}
	return nil
}

// post sends one request with the session's credentials and context and returns the result, or
// the classified failure and the HTTP status.
func (c *rpcClient) post(ctx context.Context, s *session, method string, params []any, extra map[string]any) (json.RawMessage, int, error) {
	full := params
	if s != nil && strings.HasPrefix(method, "model.") { // common.* methods take no context
		callCtx := make(map[string]any, len(s.context)+len(extra))
		for k, v := range s.context {
			callCtx[k] = v
		}
		for k, v := range extra {
			callCtx[k] = v
		}
		full = append(append([]any{}, params...), callCtx)
	}
	req := c.http.R().SetContext(ctx).SetBody(rpcRequest{ID: c.nextID.Add(1), Method: method, Params: full})
	if s != nil {
		req.SetHeader("Authorization", s.auth)
	}
	resp, err := req.Post(c.url)
	if err != nil {
		return nil, 0, transportError(ctx, method, err)
	}
	if err := statusError(resp, method); err != nil {
		return nil, resp.StatusCode(), err
	}
	var env rpcResponse
	if err := decodeJSON(resp.Body(), &env); err != nil {
		return nil, resp.StatusCode(), &connectors.OpError{Kind: connectors.Retryable,
			Message: fmt.Sprintf("%s: response is not JSON-RPC (HTTP %d): %v", method, resp.StatusCode(), err)}
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		return nil, resp.StatusCode(), rpcError(method, env.Error)
	}
	return env.Result, resp.StatusCode(), nil
}

// login returns the current session, logging in when there is none or when the current one is
// stale (the session a call was just refused with).
func (c *rpcClient) login(ctx context.Context, stale *session) (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != nil && c.session != stale {
		return c.session, nil
	}
	c.session = nil
	params := []any{c.username, map[string]any{"password": c.password}, "en"}
	raw, status, err := c.post(ctx, nil, "common.db.login", params, nil)
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return nil, &connectors.OpError{Kind: connectors.Auth,
			Message: fmt.Sprintf("login of user %q refused (HTTP %d): check username and password", c.username, status)}
	}
	if err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return nil, &connectors.OpError{Kind: connectors.Auth, Message: fmt.Sprintf("login of user %q refused: %s", c.username, raw)}
	}
	var uid int64
	var key string
	if json.Unmarshal(pair[0], &uid) != nil || json.Unmarshal(pair[1], &key) != nil {
		return nil, &connectors.OpError{Kind: connectors.Auth, Message: "login: unexpected answer " + string(raw)}
	}
	token := base64.StdEncoding.EncodeToString([]byte(c.username + ":" + strconv.FormatInt(uid, 10) + ":" + key))
	s := &session{auth: "Session " + token}
	// The preferences say which company the user works in; company-bound records (sales,
	// invoices) are visible and writable only with it in the context.
	raw, _, err = c.post(ctx, s, "model.res.user.get_preferences", []any{true}, nil)
	if err != nil {
		return nil, fmt.Errorf("read user preferences: %w", err)
	}
	if err := decodeJSON(raw, &s.context); err != nil {
		return nil, &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("decode user preferences: %v", err)}
	}
	c.session = s
	return s, nil
}

// logout ends the session, if any, on a best-effort basis.
func (c *rpcClient) logout(ctx context.Context) {
	c.mu.Lock()
	s := c.session
	c.session = nil
	c.mu.Unlock()
	if s != nil {
		_, _, _ = c.post(ctx, s, "common.db.logout", nil, nil)
	}
}

// decodeJSON decodes keeping numbers exact.
func decodeJSON(raw []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(out)
}

// transportError classifies a request that got no response: cancelled by the caller, timed
// out, or a network failure. All are retryable: the call failed, not the data.
func transportError(ctx context.Context, method string, err error) error {
	if ctx.Err() != nil {
		return &connectors.OpError{Kind: connectors.Retryable, Message: fmt.Sprintf("%s: %v", method, ctx.Err())}
	}
	return &connectors.OpError{Kind: connectors.Retryable, Message: fmt.Sprintf("%s: %v", method, err)}
}

// statusError classifies an HTTP status other than 200. Tryton answers JSON-RPC errors with
// 200; other statuses come from its HTTP layer (401 no or bad session, 403 unknown method,
// 429 too many failed logins) or from a proxy in front of it.
func statusError(resp *resty.Response, method string) error {
	code := resp.StatusCode()
	switch {
	case code == http.StatusOK:
		return nil
	case code == http.StatusUnauthorized:
		return &connectors.OpError{Kind: connectors.Auth, Message: fmt.Sprintf("%s: session refused (HTTP 401)", method)}
	case code == http.StatusTooManyRequests:
		return &connectors.OpError{Kind: connectors.RateLimited, RetryAfter: retryAfter(resp, defaultRetryAfter),
			Message: fmt.Sprintf("%s: too many requests (HTTP 429)", method)}
	case code == http.StatusForbidden:
		return &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("%s: forbidden (HTTP 403): unknown method or no access", method)}
	case code == http.StatusNotFound:
		return &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("%s: not found (HTTP 404): check the database name in url", method)}
	case code >= 500 || code == http.StatusRequestTimeout:
		return &connectors.OpError{Kind: connectors.Retryable, RetryAfter: retryAfter(resp, 0),
			Message: fmt.Sprintf("%s: server unavailable (HTTP %d)", method, code)}
	default:
		return &connectors.OpError{Kind: connectors.Permanent, Message: fmt.Sprintf("%s: unexpected HTTP %d", method, code)}
	}
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date, else returns def.
func retryAfter(resp *resty.Response, def time.Duration) time.Duration {
	h := resp.Header().Get("Retry-After")
	if h == "" {
		return def
	}
	if secs, err := strconv.Atoi(h); err == nil && secs >= 0 {
		return max(time.Duration(secs)*time.Second, time.Second)
	}
	if at, err := http.ParseTime(h); err == nil {
		return max(time.Until(at), time.Second)
	}
	return def
}
