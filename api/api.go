// Package api serves the admin HTTP API: read-only views of the golden store, and the webhook
// endpoint systems notify changes to. Every admin call is authenticated with a bearer token;
// webhooks are verified by the system's connector. It never logs request bodies or record
// values.
package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

// New returns the API handler. An empty token refuses every call except /healthz and the
// webhooks, which the connectors verify; a nil hooks serves no webhooks.
func New(s *store.Store, entity, token string, log *slog.Logger, hooks WebhookReceiver) http.Handler {
	h := &handler{s: s, entity: entity, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("GET /v1/status", h.auth(token, h.status))
	mux.Handle("GET /v1/golden", h.auth(token, h.list))
	mux.Handle("GET /v1/golden/{id}", h.auth(token, h.show))
	if hooks != nil {
		mux.HandleFunc("POST /v1/webhooks/{system}", h.webhook(hooks))
	}
	return mux
}

type handler struct {
	s      *store.Store
	entity string
	log    *slog.Logger
}

func (h *handler) auth(token string, next http.HandlerFunc) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if token == "" || subtle.ConstantTimeCompare(got, want) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token"})
			return
		}
		next(w, r)
	})
}

func (h *handler) status(w http.ResponseWriter, r *http.Request) {
	st, err := h.s.Read().Stats(r.Context(), h.entity)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	gs, err := h.s.Read().ListGolden(r.Context(), h.entity, limit, max(offset, 0))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(gs))
	for _, g := range gs {
		f, err := g.Fields()
		if err != nil {
			h.fail(w, r, err)
			return
		}
		out = append(out, map[string]any{"id": g.ID, "version": g.Version, "fields": f})
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) show(w http.ResponseWriter, r *http.Request) {
	v, err := master.Describe(r.Context(), h.s.Read(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no golden record " + r.PathValue("id")})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("admin API call failed", "path", r.URL.Path, "error", err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
