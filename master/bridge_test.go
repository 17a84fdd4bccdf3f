package master_test

import (
	"testing"
)

// newBridgeWorld is a CRM, an ERP and a finance system (no city) mapping name, tax ID, city and
// e-mail, with the demo's kind of rules: a merge at 0.9.
func newBridgeWorld(t *testing.T) *clearWorld {
	t.Helper()
	fields := "    direction: both\n    fields:\n      - {golden: name, from: name}\n      - {golden: tax_id, from: tax_id}\n      - {golden: email, from: email}\n"
	system := func(object, more string) string {
		return "connector: sqltable\nentities:\n  customer:\n    object: " + object + "\n" + fields + more
	}
	city := "      - {golden: city, from: city}\n"
	return newWorldWith(t, `entity: customer
fields: {name: {}, tax_id: {}, city: {}, email: {}}
match:
  keys:
    - {kind: tax_id, field: tax_id}
  blocking:
    - {kind: name2, of: [{field: name, use: company_name_key, length: 2}]}
  rules:
    - {field: name, compare: company_name, weight: 0.5}
    - {field: city, compare: place, weight: 0.2, or_from: tax_id}
    - {field: email, compare: email, weight: 0.15}
    - {field: tax_id, compare: tax_id, veto: true}
  merge_at: 0.9
  review_at: 0.8
survivorship:
  source_priority: [erp, finance, crm]
`, map[string]string{
		"systems/crm.yaml":     system("accounts", city),
		"systems/erp.yaml":     system("customers", city),
		"systems/finance.yaml": system("billing", ""),
	})
}

// TestFuzzyBridge: a finance record with a name alone stays apart from its company's ERP record;
// the CRM record, which scores above the merge threshold against both, joins them. Two finance
// records are never joined that way: the same-system rule.
func TestFuzzyBridge(t *testing.T) {
	w := newBridgeWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "润合供应链管理有限公司", "city": "昆明"})
	w.read("finance", "F-1", map[string]any{"name": "润合供应链管理公司", "email": "ap@runhe.cn"})
	if w.goldenOf("finance", "F-1") == w.goldenOf("erp", "E-1") {
		t.Fatal("a name alone merged")
	}
	w.read("crm", "C-1", map[string]any{"name": "润合供应链管理有限公司", "city": "Kunming", "email": "hzhou@runhe.cn"})
	if e, f, c := w.goldenOf("erp", "E-1"), w.goldenOf("finance", "F-1"), w.goldenOf("crm", "C-1"); e != f || f != c {
		t.Fatalf("golden records ERP %s, finance %s, CRM %s: want one", e, f, c)
	}

	w.read("finance", "F-2", map[string]any{"name": "Blue River Trading Co., Ltd.", "email": "ap@blueriver.cn"})
	w.read("finance", "F-3", map[string]any{"name": "Blue River Trading Ltd", "email": "billing@blueriver.cn"})
	w.read("crm", "C-2", map[string]any{"name": "BLUE RIVER TRADING", "city": "Shanghai", "email": "info@blueriver.cn"})
	if w.goldenOf("finance", "F-2") == w.goldenOf("finance", "F-3") {
		t.Fatal("a CRM record joined two finance records")
	}
}

// TestFuzzyTaxIDCity: the city a finance record's tax ID was issued in stands in for the city
// it does not hold, and an old 税务登记号 is the same company as its 统一社会信用代码; a tax ID
// issued elsewhere keeps a same-named company apart.
func TestFuzzyTaxIDCity(t *testing.T) {
	w := newBridgeWorld(t)
	w.read("erp", "E-1", map[string]any{"name": "Granite Nova Electronics Co., Ltd.", "city": "东莞市", "tax_id": "441900MAX219D52"})
	w.read("finance", "F-1", map[string]any{"name": "GRANITE NOVA ELECTRONICS COMPANY LIMITED", "tax_id": "91441900MAX219D52K"})
	if w.goldenOf("finance", "F-1") != w.goldenOf("erp", "E-1") {
		t.Fatal("the same name, a tax ID issued in the same city and the same organisation code did not merge")
	}
	w.read("crm", "C-1", map[string]any{"name": "Granite Nova Electronics Ltd", "city": "Beijing"})
	w.read("finance", "F-2", map[string]any{"name": "Granite Nova Electronics Inc.", "tax_id": "91110105MA8LHMQ334"})
	if w.goldenOf("finance", "F-2") == w.goldenOf("erp", "E-1") || w.goldenOf("finance", "F-2") != w.goldenOf("crm", "C-1") {
		t.Fatal("a tax ID issued in Beijing should join the Beijing company, not the Dongguan one")
	}
}
