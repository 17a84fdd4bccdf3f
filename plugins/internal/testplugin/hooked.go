package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync/atomic"

	"github.com/accord-mdm/accord/connectors"
)

// hooks are the test's instructions, from the "test" settings object.
type hooks struct {
	Block  string `json:"block"`
	Once   string `json:"once"`
	Signal string `json:"signal"`
}

// hooked is sqltable with hooks.
type hooked struct {
	connectors.Connector
	hooks atomic.Pointer[hooks]
}

func (h *hooked) Spec() connectors.Spec {
	s := h.Connector.Spec()
	s.Name, s.Version = "testplugin", "0.0.1"
	return s
}

func (h *hooked) Configure(ctx context.Context, raw json.RawMessage) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return fmt.Errorf("%w: decode settings: %w", connectors.ErrInvalidConfig, err)
	}
	hk := &hooks{}
	if t, ok := all["test"]; ok {
		if err := json.Unmarshal(t, hk); err != nil {
			return fmt.Errorf("%w: test: %w", connectors.ErrInvalidConfig, err)
		}
		delete(all, "test")
		raw, _ = json.Marshal(all) // raw messages always marshal
	}
	h.hooks.Store(hk)
	return h.Connector.Configure(ctx, raw)
}

func (h *hooked) Check(ctx context.Context) error {
	h.maybeBlock("Check")
	return h.Connector.Check(ctx)
}

func (h *hooked) Discover(ctx context.Context) (connectors.Catalog, error) {
	cat, err := h.Connector.Discover(ctx)
	if err != nil {
		return cat, err
	}
	proc := connectors.EntityInfo{Name: "_process", Fields: []connectors.FieldInfo{{Name: "pid=" + strconv.Itoa(os.Getpid()), Type: "string"}}}
	env := os.Environ()
	sort.Strings(env)
	for _, kv := range env {
		proc.Fields = append(proc.Fields, connectors.FieldInfo{Name: "env:" + kv, Type: "string"})
	}
	cat.Entities = append(cat.Entities, proc)
	return cat, nil
}

func (h *hooked) Read(ctx context.Context, req connectors.ReadRequest) (connectors.ReadResponse, error) {
	h.maybeBlock("Read")
	return h.Connector.Read(ctx, req)
}

func (h *hooked) Write(ctx context.Context, req connectors.WriteRequest) (connectors.WriteResponse, error) {
	resp, err := h.Connector.Write(ctx, req)
	h.maybeBlock("Write")
	return resp, err
}

// maybeBlock blocks forever if the hooks say so for method and no process has blocked yet.
func (h *hooked) maybeBlock(method string) {
	hk := h.hooks.Load()
	if hk == nil || hk.Block != method {
		return
	}
	f, err := os.OpenFile(hk.Once, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return
	}
	if err == nil {
		_ = f.Close()
		err = os.WriteFile(hk.Signal+".tmp", []byte(strconv.Itoa(os.Getpid())), 0o600)
	}
	if err == nil {
		err = os.Rename(hk.Signal+".tmp", hk.Signal)
	}
	if err != nil {
		panic(err) // a broken test setup; the call fails Permanent (the server recovers)
	}
	select {} // hung: no answer, ever
}
