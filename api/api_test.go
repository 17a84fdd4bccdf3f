package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-mdm/accord/api"
	"github.com/accord-mdm/accord/store"
)

func TestAPIAuthenticatesAndServesGolden(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	err = s.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveGolden(ctx, &store.Golden{ID: "g1", Entity: "customer", Version: 1, FieldsJSON: []byte(`{"name":"Acme"}`), CreatedAt: now, UpdatedAt: now}, 0, "test", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(s, "customer", "tok", slog.New(slog.DiscardHandler), nil))
	defer srv.Close()
	get := func(path, token string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, tok := range []string{"", "wrong"} {
		if r := get("/v1/golden/g1", tok); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, r.StatusCode)
		}
	}
	r := get("/v1/golden/g1", "tok")
	var v struct {
		ID     string         `json:"id"`
		Fields map[string]any `json:"fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil || v.ID != "g1" || v.Fields["name"] != "Acme" {
		t.Fatalf("golden: %+v %v", v, err)
	}
	if r := get("/v1/golden/nope", "tok"); r.StatusCode != http.StatusNotFound {
		t.Errorf("missing record: %d", r.StatusCode)
	}
	if r := get("/healthz", ""); r.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", r.StatusCode)
	}
}
