package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

// mappingRecords is how many distinct records the mapping benchmark maps per run.
const mappingRecords = 200_000

// customerBinding is a 20-field customer mapping as a CRM would have it: text, a person name, an
// e-mail, two phones, a 统一社会信用代码, a company-name key, an expression and plain fields.
func customerBinding() *config.Binding {
	f := func(golden, from, std string) config.FieldMap {
		return config.FieldMap{Golden: golden, From: from, Standardize: std, Direction: config.Inbound}
	}
	return &config.Binding{Region: "CN", Direction: config.Inbound, Fields: []config.FieldMap{
		f("name", "account_name", "text"), f("name_key", "account_name", "company_name_key"),
		f("contact_name", "contact.name", "person_name"), f("email", "contact.email", "email"),
		f("phone", "phone", "phone"), f("mobile", "contact.mobile", "phone"), f("tax_id", "tax_id", "tax_id"),
		f("city", "address.city", "text"), f("province", "address.province", "text"), f("street", "address.street", "text"),
		f("postcode", "address.postcode", "text"), f("country", "address.country", "text"), f("industry", "industry", "text"),
		f("owner", "owner", "text"), f("source", "lead_source", "text"), f("website", "website", "text"),
		f("bank", "bank_name", "text"), f("account_no", "bank_account", "text"), f("remark", "remark", "text"),
		{Golden: "status", Expr: `is_active ? "active" : "inactive"`, Direction: config.Inbound},
	}}
}

// customerRecord is record i as its connector delivers it: decoded JSON, numbers as text.
func customerRecord(i int) map[string]any {
	return map[string]any{
		"account_name": fmt.Sprintf("深圳市示例%d科技有限公司", i),
		"contact": map[string]any{"name": "zhang SAN", "email": fmt.Sprintf("Buyer.%d@Example.com", i),
			"mobile": fmt.Sprintf("138 %04d %04d", i/10000%10000, i%10000)},
		"phone":    fmt.Sprintf("（0755）%04d %04d", i/10000%10000, i%10000),
		"tax_id":   "91440300708461136T",
		"address":  map[string]any{"city": "深圳", "province": "广东省", "street": fmt.Sprintf("科技园南路 %d 号", i%999), "postcode": "518057", "country": "CN"},
		"industry": "制造业", "owner": "owner@example.com", "lead_source": "展会", "website": "https://example.com",
		"bank_name": "招商银行", "bank_account": json.Number(fmt.Sprint(6225880000000000 + i)), "remark": "　VIP 客户　", "is_active": i%3 != 0,
	}
}

// mappingSection maps mappingRecords records on one goroutine, best of three runs.
func mappingSection() (string, error) {
	m, err := mapping.Compile("crm", "customer", customerBinding())
	if err != nil {
		return "", err
	}
	recs := make([]map[string]any, mappingRecords)
	for i := range recs {
		recs[i] = customerRecord(i)
	}
	if _, errs := m.Inbound("check", recs[1]); len(errs) > 0 {
		return "", fmt.Errorf("the benchmark record does not map: %v", errs[0])
	}
	var best time.Duration
	for run := range 3 {
		start := time.Now()
		for i, r := range recs {
			if _, errs := m.Inbound(fmt.Sprint(i), r); len(errs) > 0 {
				return "", fmt.Errorf("record %d: %v", i, errs[0])
			}
		}
		if d := time.Since(start); run == 0 || d < best {
			best = d
		}
	}
	rate := float64(mappingRecords) / best.Seconds()
	var b strings.Builder
	fmt.Fprintf(&b, "## Mapping and standardizing, per core\n\n")
	fmt.Fprintf(&b, "A 20-field customer mapping (text, company-name key, person name, e-mail, two phones in Chinese\n")
	fmt.Fprintf(&b, "formats, 统一社会信用代码 with its checksum, nested source paths, one expression) applied to %d\n", mappingRecords)
	fmt.Fprintf(&b, "distinct records on one goroutine, best of 3 runs: **%.0f records/s per core** (%.1f µs a record).\n", rate, best.Seconds()/mappingRecords*1e6)
	fmt.Fprintf(&b, "The goal is at least 50,000 records/s per core. Profiled (`go test -bench Mapping -cpuprofile` in\n")
	fmt.Fprintf(&b, "cmd/accord-bench), the two phones take about a fifth of the time: libphonenumber's parse and\n")
	fmt.Fprintf(&b, "validity check redone on its metadata, with automata over digits instead of its regular\n")
	fmt.Fprintf(&b, "expressions for numbers in digits and common separators. The company-name key, the e-mail (half\n")
	fmt.Fprintf(&b, "of it IDNA), reading the nested source paths and building the result map take about a seventh\n")
	fmt.Fprintf(&b, "each; text cleaning, which now returns clean values unchanged, a tenth.\n\n")
	return b.String(), nil
}
