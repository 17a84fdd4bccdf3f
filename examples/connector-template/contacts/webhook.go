package contacts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/accord-mdm/accord/connectors"
)

// SignatureHeader carries the store's signature of a change notification: "sha256=" and the
// hex HMAC-SHA256 of the body under the webhook secret.
const SignatureHeader = "X-Contacts-Signature"

// Notification is the body of a change notification: the IDs of the contacts that changed.
type Notification struct {
	Changed []string `json:"changed"`
}

// Sign returns the SignatureHeader value of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// ParseWebhook verifies a change notification's signature and returns the contacts it names.
// A missing or wrong signature, or no webhook_secret to check it with, is Auth; a well-signed
// body that is not a Notification is Permanent.
func (c *Connector) ParseWebhook(_ context.Context, req connectors.WebhookRequest) ([]connectors.WebhookEvent, error) {
	cfg := c.cfg.Load()
	if cfg == nil {
		return nil, &connectors.OpError{Kind: connectors.Permanent, Message: "not configured"}
	}
	if cfg.WebhookSecret == "" {
		return nil, &connectors.OpError{Kind: connectors.Auth, Field: "webhook_secret", Message: "no webhook_secret: notifications cannot be verified"}
	}
	var sig string
	if v := req.Headers[SignatureHeader]; len(v) == 1 {
		sig = v[0]
	}
	if !strings.HasPrefix(sig, "sha256=") || !hmac.Equal([]byte(sig), []byte(Sign(cfg.WebhookSecret, req.Body))) {
		return nil, &connectors.OpError{Kind: connectors.Auth, Message: "notification signature missing or wrong"}
	}
	var n Notification
	if err := json.Unmarshal(req.Body, &n); err != nil {
		return nil, &connectors.OpError{Kind: connectors.Permanent, Message: "notification body: " + err.Error()}
	}
	return []connectors.WebhookEvent{{Entity: Entity, IDs: n.Changed}}, nil
}
