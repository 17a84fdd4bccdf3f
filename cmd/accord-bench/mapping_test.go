package main

import (
	"fmt"
	"testing"

	"github.com/accord-mdm/accord/mapping"
)

// BenchmarkMapping maps the benchmark's customer records one at a time, as
// mappingSection does, so the mapping can be profiled with go test
// -cpuprofile without running the whole section.
func BenchmarkMapping(b *testing.B) {
	m, err := mapping.Compile("crm", "customer", customerBinding())
	if err != nil {
		b.Fatal(err)
	}
	const n = 4096
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = customerRecord(i * 37)
	}
	// Once untimed, as mappingSection does: first use builds lookup tables.
	if _, errs := m.Inbound("r", recs[0]); len(errs) > 0 {
		b.Fatal(fmt.Sprint(errs[0]))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, errs := m.Inbound("r", recs[i%n]); len(errs) > 0 {
			b.Fatal(fmt.Sprint(errs[0]))
		}
	}
}
