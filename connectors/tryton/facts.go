package tryton

import (
	"context"
	"fmt"
	"strconv"

	"github.com/accord-mdm/accord/connectors"
)

// Sales and invoices are transaction facts: read, never written. A sale counts from its
// confirmation (states confirmed, processing, done); an invoice is a customer invoice once
// posted (states posted, paid). One that leaves those states (cancelled) is reported deleted.

var factFields = []connectors.FieldInfo{
	{Name: "number", Type: "string", Nullable: true}, {Name: "reference", Type: "string", Nullable: true},
	{Name: "party", Type: "string"}, {Name: "date", Type: "date", Nullable: true},
	{Name: "total", Type: "decimal"}, {Name: "currency", Type: "string"}, {Name: "state", Type: "string"},
}

var saleEntity = &entity{
	name:    "sale",
	model:   "sale.sale",
	fields:  factFields,
	read:    []string{"id", "number", "reference", "party", "sale_date", "total_amount", "currency.code", "state", "create_date", "write_date"},
	context: map[string]any{},
	domain: func(context.Context, *connector) ([]any, error) {
		return []any{[]any{"state", "in", []string{"confirmed", "processing", "done"}}}, nil
	},
	convert: factConverter("sale_date", "total_amount"),
}

var invoiceEntity = &entity{
	name:    "invoice",
	model:   "account.invoice",
	fields:  factFields,
	read:    []string{"id", "number", "reference", "party", "invoice_date", "total_amount", "currency.code", "state", "create_date", "write_date"},
	context: map[string]any{},
	domain: func(context.Context, *connector) ([]any, error) {
		return []any{[]any{"type", "=", "out"}, []any{"state", "in", []string{"posted", "paid"}}}, nil
	},
	convert: factConverter("invoice_date", "total_amount"),
}

// factConverter converts a sale or invoice row, whose date and total are named dateField and
// totalField.
func factConverter(dateField, totalField string) func(context.Context, *connector, map[string]any) (connectors.Record, error) {
	return func(_ context.Context, _ *connector, row map[string]any) (connectors.Record, error) {
		id, ok := idOf(row["id"])
		if !ok {
			return connectors.Record{}, fmt.Errorf("row without an id")
		}
		at, err := updatedAt(row)
		if err != nil {
			return connectors.Record{}, err
		}
		date, err := dateText(row[dateField])
		if err != nil {
			return connectors.Record{}, fmt.Errorf("%s: %w", dateField, err)
		}
		total, err := decimalText(row[totalField])
		if err != nil {
			return connectors.Record{}, fmt.Errorf("%s: %w", totalField, err)
		}
		var partyRef any
		if pid, ok := idOf(row["party"]); ok {
			partyRef = strconv.FormatInt(pid, 10)
		}
		var currency any
		if cur, ok := row["currency."].(map[string]any); ok {
			currency = cur["code"]
		}
		f := map[string]any{"number": row["number"], "reference": row["reference"], "party": partyRef,
			"date": date, "total": total, "currency": currency, "state": row["state"]}
		return connectors.Record{ID: strconv.FormatInt(id, 10), Fields: f, UpdatedAt: at, Version: at.Format(versionLayout)}, nil
	}
}
