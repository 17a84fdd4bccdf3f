package trytontest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// Client calls a Tryton database as the admin user, behind the connector's back.
type Client struct {
	url     string
	auth    string
	context map[string]any
}

// Admin logs in to the database at url as admin.
func Admin(t testing.TB, url string) *Client {
	t.Helper()
	c := &Client{url: url}
	var pair []any
	c.Call(t, "common.db.login", []any{"admin", map[string]any{"password": "admin"}, "en"}, &pair)
	if len(pair) != 2 {
		t.Fatalf("login: %v", pair)
	}
	token := fmt.Sprintf("admin:%v:%v", pair[0], pair[1])
	c.auth = "Session " + base64.StdEncoding.EncodeToString([]byte(token))
	c.Call(t, "model.res.user.get_preferences", []any{true, map[string]any{}}, &c.context)
	return c
}

// Model calls model.<model>.<method> with params and the user's context.
func (c *Client) Model(t testing.TB, model, method string, out any, params ...any) {
	t.Helper()
	c.Call(t, "model."+model+"."+method, append(params, c.context), out)
}

// Call calls method with params as given and decodes the result into out (nil to drop it).
func (c *Client) Call(t testing.TB, method string, params []any, out any) {
	t.Helper()
	if err := c.call(method, params, out); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
}

func (c *Client) call(method string, params []any, out any) error {
	body, err := json.Marshal(map[string]any{"id": 1, "method": method, "params": params})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	var env struct {
		Result json.RawMessage
		Error  json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil {
		return err
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		return fmt.Errorf("tryton error %s", env.Error)
	}
	if out == nil {
		return nil
	}
	dec = json.NewDecoder(bytes.NewReader(env.Result))
	dec.UseNumber()
	return dec.Decode(out)
}

func randomHex(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random name: %v", err)
	}
	return hex.EncodeToString(b[:])
}

// ConfirmedSale makes a sale of quantity units of the seeded service (100 CNY plus 13% tax)
// to party, confirms it and posts the customer invoice it creates; it returns both ids.
func ConfirmedSale(t testing.TB, c *Client, party, quantity string) (sale, invoice string) {
	t.Helper()
	var products []map[string]any
	c.Model(t, "product.product", "search_read", &products, []any{[]any{"code", "=", "SRV-CONSULT"}}, 0, 1, nil, []string{"id", "default_uom"})
	var terms, addrs, taxes []json.Number
	c.Model(t, "account.invoice.payment_term", "search", &terms, []any{}, 0, 1, nil)
	c.Model(t, "party.address", "search", &addrs, []any{[]any{"party", "=", json.Number(party)}}, 0, 1, nil)
	c.Model(t, "account.tax", "search", &taxes, []any{}, 0, 1, nil)
	if len(products) != 1 || len(terms) != 1 || len(addrs) != 1 || len(taxes) != 1 {
		t.Fatalf("the seeded database lacks a product, payment term, address or tax")
	}
	line := map[string]any{"type": "line", "product": products[0]["id"], "quantity": json.Number(quantity),
		"unit": products[0]["default_uom"], "unit_price": map[string]any{"__class__": "Decimal", "decimal": "100.00"},
		"description": "Consulting", "taxes": []any{[]any{"add", []any{taxes[0]}}}}
	var ids []json.Number
	c.Model(t, "sale.sale", "create", &ids, []any{map[string]any{"party": json.Number(party), "invoice_address": addrs[0],
		"shipment_address": addrs[0], "payment_term": terms[0], "invoice_method": "order",
		"lines": []any{[]any{"create", []any{line}}}}})
	c.Model(t, "sale.sale", "quote", nil, []any{ids[0]})
	c.Model(t, "sale.sale", "confirm", nil, []any{ids[0]})
	var rows []map[string]any
	c.Model(t, "sale.sale", "read", &rows, []any{ids[0]}, []string{"invoices"})
	invoices, _ := rows[0]["invoices"].([]any)
	if len(invoices) != 1 {
		t.Fatalf("confirmed sale %s has invoices %v, want one", ids[0], rows[0]["invoices"])
	}
	c.Model(t, "account.invoice", "post", nil, invoices)
	return ids[0].String(), invoices[0].(json.Number).String()
}
