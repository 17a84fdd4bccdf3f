package acceptance

import (
	"errors"
	"slices"
	"testing"

	"github.com/accord-mdm/accord/connectors"
)

// testWebhook checks ParseWebhook. A connector declaring Capabilities.Webhooks must accept the
// system's genuine notification (Harness.Webhook) and name the changed records of Entity, and
// must refuse the same notification with its body altered, or with no headers, as Auth. A
// connector without webhooks that still has the method (a plugin host's connectors always do)
// must fail it with ErrNoWebhooks.
func testWebhook(t *testing.T, h *Harness, caps connectors.Capabilities) {
	s := h.open(t)
	wp, ok := s.conn.(connectors.WebhookParser)
	if !caps.Webhooks {
		if ok {
			_, err := wp.ParseWebhook(callCtx(t), connectors.WebhookRequest{Body: []byte(`{}`)})
			if !errors.Is(err, connectors.ErrNoWebhooks) {
				t.Errorf("ParseWebhook of a connector without Capabilities.Webhooks = %v, want ErrNoWebhooks", err)
			}
		}
		return
	}
	if !ok {
		t.Fatal("connector declares Capabilities.Webhooks but has no ParseWebhook method")
	}
	if h.Webhook == nil {
		t.Fatal("connector declares Capabilities.Webhooks: the harness needs a Webhook hook")
	}
	ids := []string{"acc-webhook-1", "acc-webhook-2"}
	req := h.Webhook(t, s.settings, ids)
	events, err := wp.ParseWebhook(callCtx(t), req)
	if err != nil {
		t.Fatalf("ParseWebhook(genuine notification) = %v", err)
	}
	var got []string
	for _, e := range events {
		if e.Entity != h.Entity {
			t.Errorf("event for entity %q, want %q", e.Entity, h.Entity)
		}
		got = append(got, e.IDs...)
	}
	for _, id := range ids {
		if !slices.Contains(got, id) {
			t.Errorf("events %+v lack changed record %s", events, id)
		}
	}

	tampered := connectors.WebhookRequest{Headers: req.Headers, Body: slices.Clone(req.Body)}
	tampered.Body[len(tampered.Body)/2] ^= 0x01
	for name, bad := range map[string]connectors.WebhookRequest{
		"altered body": tampered,
		"no headers":   {Body: req.Body},
	} {
		_, err := wp.ParseWebhook(callCtx(t), bad)
		if err == nil {
			t.Errorf("ParseWebhook(%s) succeeded, want an Auth failure", name)
		} else if k := connectors.KindOf(err); k != connectors.Auth {
			t.Errorf("ParseWebhook(%s) = %v, classified %s, want %s", name, err, k, connectors.Auth)
		}
	}
}
