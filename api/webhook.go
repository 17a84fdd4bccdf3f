package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/accord-mdm/accord/connectors"
)

// WebhookReceiver verifies a system's change notification (through its connector) and
// nudges the syncs it concerns to read now.
type WebhookReceiver interface {
	// Receive returns the entities whose syncs it nudged. An unknown system wraps
	// ErrUnknownSystem; a system whose connector takes no webhooks, connectors.ErrNoWebhooks.
	Receive(ctx context.Context, system string, req connectors.WebhookRequest) ([]string, error)
}

// ErrUnknownSystem is a webhook for a system the configuration does not have.
var ErrUnknownSystem = errors.New("unknown system")

// maxWebhookBody bounds a notification's body: they name changes, they do not carry data sets.
const maxWebhookBody = 1 << 20

// webhook serves POST /v1/webhooks/{system}. It takes no bearer token (the system cannot hold
// Accord's): the connector verifies the system's own signature. The body is never logged.
func (h *handler) webhook(rcv WebhookReceiver) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		system := r.PathValue("system")
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "notification body over 1 MiB or unreadable"})
			return
		}
		req := connectors.WebhookRequest{Headers: map[string][]string(r.Header.Clone()), Body: body}
		synced, err := rcv.Receive(r.Context(), system, req)
		if err != nil {
			code := webhookStatus(err)
			if code >= 500 {
				h.log.Error("webhook", "system", system, "err", err)
			} else {
				h.log.Warn("webhook refused", "system", system, "status", code, "err", err)
			}
			writeJSON(w, code, map[string]string{"error": err.Error()})
			return
		}
		if synced == nil {
			synced = []string{}
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"system": system, "synced": synced})
	}
}

// webhookStatus is the HTTP status of a failed notification: the system retries on 5xx only.
func webhookStatus(err error) int {
	switch {
	case errors.Is(err, ErrUnknownSystem), errors.Is(err, connectors.ErrNoWebhooks):
		return http.StatusNotFound
	}
	var oe *connectors.OpError
	if !errors.As(err, &oe) {
		return http.StatusServiceUnavailable
	}
	switch connectors.KindOf(err) {
	case connectors.Auth:
		return http.StatusUnauthorized
	case connectors.Permanent:
		return http.StatusBadRequest
	default:
		return http.StatusServiceUnavailable
	}
}
