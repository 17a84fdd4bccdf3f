package generate

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// checkMessiness checks that every kind of noise the demo is meant to show does occur.
func checkMessiness(t *testing.T, dir string) {
	var values []sql.NullString
	for s := range numSystems {
		tb := tableOf(s)
		db := openTestDB(t, filepath.Join(dir, tb.file))
		res, err := db.QueryContext(t.Context(), "SELECT "+strings.Join(tb.columns[:len(tb.columns)-2], ", ")+" FROM "+tb.name)
		if err != nil {
			t.Fatalf("query %s: %v", tb.name, err)
		}
		for res.Next() {
			row := make([]sql.NullString, len(tb.columns)-2)
			ptrs := make([]any, len(row))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := res.Scan(ptrs...); err != nil {
				t.Fatalf("scan %s: %v", tb.name, err)
			}
			values = append(values, row...)
		}
		_ = res.Close()
	}
	fullWidthLetter := func(s string) bool {
		return strings.ContainsFunc(s, func(c rune) bool { return c >= 'Ａ' && c <= 'ｚ' })
	}
	features := map[string]func(string) bool{
		"ideographic space":       func(s string) bool { return strings.Contains(s, "\u3000") },
		"double space":            func(s string) bool { return strings.Contains(s, "  ") },
		"full-width bracket":      func(s string) bool { return strings.Contains(s, "（") },
		"full-width letter":       fullWidthLetter,
		"full-width digit":        func(s string) bool { return strings.Contains(s, "１") },
		"full-width at":           func(s string) bool { return strings.Contains(s, "＠") },
		"有限责任公司":                  func(s string) bool { return strings.HasSuffix(s, "有限责任公司") },
		"股份有限公司":                  func(s string) bool { return strings.HasSuffix(s, "股份有限公司") },
		"Co., Ltd.":               func(s string) bool { return strings.HasSuffix(s, "Co., Ltd.") },
		"GmbH":                    func(s string) bool { return strings.HasSuffix(s, "GmbH") },
		"phone +86 138-0013":      func(s string) bool { return strings.HasPrefix(s, "+86 1") && strings.Count(s, "-") == 2 },
		"phone 0086":              func(s string) bool { return strings.HasPrefix(s, "00861") },
		"phone 138 0013 8000":     func(s string) bool { return len(s) == 13 && s[3] == ' ' && s[8] == ' ' },
		"lower-case tax ID":       func(s string) bool { return len(s) == 18 && s[:2] == "91" && strings.ToUpper(s) != s },
		"padded tax ID":           func(s string) bool { return strings.TrimSpace(s) != s && strings.HasPrefix(strings.TrimSpace(s), "91") },
		"upper-case email":        func(s string) bool { return strings.Contains(s, "@") && strings.ToLower(s) != s },
		"empty string":            func(s string) bool { return s == "" },
		"city with 市":             func(s string) bool { return strings.HasSuffix(s, "市") },
		"upper-case English name": func(s string) bool { return strings.HasSuffix(s, " LTD.") || strings.HasSuffix(s, " INC.") },
	}
	nulls := 0
	found := make(map[string]bool)
	for _, v := range values {
		if !v.Valid {
			nulls++
			continue
		}
		for name, has := range features {
			if has(v.String) {
				found[name] = true
			}
		}
	}
	for name := range features {
		if !found[name] {
			t.Errorf("no value shows %s", name)
		}
	}
	if nulls == 0 {
		t.Error("no NULL values")
	}
}
