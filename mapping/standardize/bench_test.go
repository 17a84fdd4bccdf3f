package standardize

import "testing"

// BenchmarkStandardizers times each standardizer on a value of the kind
// accord-bench's customer mapping feeds it, to see where a record's time
// goes without the mapping around it.
func BenchmarkStandardizers(b *testing.B) {
	infallible := func(f func(string) string) func(string) (string, error) {
		return func(s string) (string, error) { return f(s), nil }
	}
	benches := []struct {
		name, in string
		f        func(string) (string, error)
	}{
		{"Text/clean", "深圳市示例12345科技有限公司", infallible(Text)},
		{"Text/padded", "　VIP 客户　", infallible(Text)},
		{"MatchKey", "深圳市示例12345科技有限公司", infallible(MatchKey)},
		{"CompanyNameKey", "深圳市示例12345科技有限公司", infallible(CompanyNameKey)},
		{"PersonName", "zhang SAN", infallible(PersonName)},
		{"Email", "Buyer.12345@Example.com", Email},
		{"Phone/mobile", "138 0001 2345", func(s string) (string, error) { return Phone(s, "CN") }},
		{"Phone/landline", "（0755）0001 2345", func(s string) (string, error) { return Phone(s, "CN") }},
		{"TaxID", "91440300708461136T", TaxID},
	}
	for _, bb := range benches {
		if _, err := bb.f(bb.in); err != nil {
			b.Fatalf("%s(%q): %v", bb.name, bb.in, err)
		}
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = bb.f(bb.in)
			}
		})
	}
}
