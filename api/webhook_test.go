package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accord-mdm/accord/api"
	"github.com/accord-mdm/accord/connectors"
)

// receiver answers each system with a fixed outcome and remembers what it was given.
type receiver struct{ got connectors.WebhookRequest }

func (r *receiver) Receive(_ context.Context, system string, req connectors.WebhookRequest) ([]string, error) {
	r.got = req
	switch system {
	case "book":
		return []string{"customer"}, nil
	case "crm":
		return nil, fmt.Errorf("crm: %w", connectors.ErrNoWebhooks)
	case "forged":
		return nil, &connectors.OpError{Kind: connectors.Auth, Message: "signature wrong"}
	case "garbled":
		return nil, &connectors.OpError{Kind: connectors.Permanent, Message: "body not JSON"}
	case "down":
		return nil, errors.New("plugin process exited")
	}
	return nil, fmt.Errorf("%w %q", api.ErrUnknownSystem, system)
}

// TestWebhookStatuses checks what a notifying system is told: 2xx when accepted, 4xx when it
// must not retry, 5xx when it should; no bearer token is needed, and headers and body reach
// the receiver unchanged.
func TestWebhookStatuses(t *testing.T) {
	rcv := &receiver{}
	srv := httptest.NewServer(api.New(nil, "customer", "tok", slog.New(slog.DiscardHandler), rcv))
	defer srv.Close()
	for system, want := range map[string]int{
		"book": 202, "crm": 404, "nope": 404, "forged": 401, "garbled": 400, "down": 503,
	} {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/webhooks/"+system, strings.NewReader(`{"changed":["1"]}`))
		req.Header.Set("X-Signature", "sha256=00")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", system, resp.StatusCode, want)
		}
	}
	if string(rcv.got.Body) != `{"changed":["1"]}` || rcv.got.Headers["X-Signature"][0] != "sha256=00" {
		t.Errorf("receiver got %+v", rcv.got)
	}
	resp, err := http.Post(srv.URL+"/v1/webhooks/book", "application/json", bytes.NewReader(make([]byte, 2<<20)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: status %d, want 413", resp.StatusCode)
	}
}
