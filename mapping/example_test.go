package mapping_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

// A CRM record, as its connector reads it, mapped into golden values: full-width characters
// folded where the type or standardizer asks, the phone in E.164, the amount in the field's
// scale, the status through a value map. The bad e-mail is refused by name.
func ExampleMapping_Inbound() {
	scale := 2
	b := &config.Binding{Region: "CN", Timezone: "Asia/Shanghai", Fields: []config.FieldMap{
		{Golden: "name", From: "account_name", Standardize: "text", Direction: config.Inbound},
		{Golden: "phone", From: "phone", Standardize: "phone", Direction: config.Inbound},
		{Golden: "email", From: "email", Standardize: "email", Direction: config.Inbound},
		{Golden: "credit_limit", From: "credit", Direction: config.Inbound,
			GoldenDef: &config.FieldDef{Type: config.TypeDecimal, Scale: &scale}},
		{Golden: "status", From: "status", Direction: config.Inbound, ValueMap: "status",
			ValueMapDef: &config.ValueMap{Values: map[string]string{"A": "active", "I": "inactive"}, Unknown: config.UnknownReject}},
	}}
	m, err := mapping.Compile("crm", "customer", b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fields, errs := m.Inbound("C-1", map[string]any{
		"account_name": "  深圳市示例科技有限公司\u3000", "phone": "（0755）8888 0000", "email": "a@@b.com",
		"credit": "５０００.５", "status": "a",
	})
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		fmt.Printf("%s = %s\n", k, fields[k])
	}
	for _, e := range errs {
		fmt.Println(e)
	}
	// Output:
	// credit_limit = 5000.50
	// name = 深圳市示例科技有限公司
	// phone = +8675588880000
	// status = active
	// crm record C-1: field email: invalid email "a@@b.com": more than one "@"
}
