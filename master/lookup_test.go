package master

import (
	"testing"
	"time"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
)

// TestLookupTable: keys resolve exactly, values back through their match key (case and width
// folded); a value two rows share is ambiguous, never guessed; deleted and empty rows are out.
func TestLookupTable(t *testing.T) {
	l := &config.Lookup{Object: "users", Value: "email"}
	tab := NewLookupTable(l, []connectors.Record{
		{ID: "U1", Fields: map[string]any{"email": "Li.Lei@Example.com"}},
		{ID: "U2", Fields: map[string]any{"email": "han@example.com"}},
		{ID: "U3", Fields: map[string]any{"email": "ＨＡＮ@example.com"}},
		{ID: "U4", Fields: map[string]any{"email": nil}},
		{ID: "U5", Deleted: true, Fields: map[string]any{"email": "gone@example.com"}},
	}, time.Now())
	r := &resolver{tables: Tables{TableKey(l): tab}}
	for _, tc := range []struct {
		value    string
		outbound bool
		want     string
		found    bool
		err      bool
	}{
		{value: "U1", want: "Li.Lei@Example.com", found: true},
		{value: "U4"},
		{value: "U5"},
		{value: "li.lei@example.com", outbound: true, want: "U1", found: true},
		{value: "han@example.com", outbound: true, err: true},
		{value: "gone@example.com", outbound: true},
	} {
		got, found, err := r.Resolve(l, tc.value, tc.outbound)
		if got != tc.want || found != tc.found || (err != nil) != tc.err {
			t.Errorf("Resolve(%q, outbound %v) = %q, %v, %v; want %q, %v, error %v", tc.value, tc.outbound, got, found, err, tc.want, tc.found, tc.err)
		}
	}
}
