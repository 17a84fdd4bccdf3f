package mapping_test

import (
	"strings"
	"testing"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

// statusBinding maps a CRM's status codes to the golden lifecycle: two legacy codes for
// "active", the outbound writing "A" for it.
func statusBinding(unknown, def, outDef string) *config.Binding {
	vm := &config.ValueMap{
		Values:   map[string]string{"A": "active", "ACT": "active", "I": "inactive", "P": "prospect"},
		Outbound: map[string]string{"active": "A"},
		Unknown:  unknown, Default: def, OutboundDefault: outDef,
	}
	return &config.Binding{Fields: []config.FieldMap{
		{Golden: "status", From: "status", ValueMap: "status", ValueMapDef: vm, Direction: config.Both},
	}}
}

func TestValueMapInbound(t *testing.T) {
	for _, tc := range []struct {
		unknown, def, in, want, err string
	}{
		{config.UnknownReject, "", "ACT", "active", ""},
		{config.UnknownReject, "", " i\u3000", "inactive", ""}, // trimmed, then matched ignoring case
		{config.UnknownReject, "", "X", "", `crm record r1: field status: value "X" is not in value map status (known: A, ACT, I, P)`},
		{config.UnknownKeep, "", "X", "X", ""},
		{config.UnknownDefault, "prospect", "X", "prospect", ""},
	} {
		m, err := mapping.Compile("crm", "customer", statusBinding(tc.unknown, tc.def, ""))
		if err != nil {
			t.Fatal(err)
		}
		got, errs := m.Inbound("r1", map[string]any{"status": tc.in})
		switch {
		case tc.err != "":
			if len(errs) != 1 || errs[0].Error() != tc.err || errs[0].Value != "X" {
				t.Errorf("%s %q: errors %v, want %q", tc.unknown, tc.in, errs, tc.err)
			}
		case len(errs) > 0 || got["status"].S != tc.want:
			t.Errorf("%s %q = %v, %v; want %q", tc.unknown, tc.in, got, errs, tc.want)
		}
	}
}

func TestValueMapOutbound(t *testing.T) {
	for _, tc := range []struct {
		unknown, outDef, golden string
		want                    any // nil: not written
		err                     string
	}{
		{config.UnknownReject, "", "active", "A", ""}, // the outbound choice among A and ACT
		{config.UnknownReject, "", "inactive", "I", ""},
		{config.UnknownReject, "", "churned", nil, `golden value "churned" has no value in value map status`},
		{config.UnknownKeep, "", "churned", "churned", ""},
		{config.UnknownDefault, "P", "churned", "P", ""},
		{config.UnknownDefault, "", "churned", nil, ""},
	} {
		m, err := mapping.Compile("crm", "customer", statusBinding(tc.unknown, "prospect", tc.outDef))
		if err != nil {
			t.Fatal(err)
		}
		out, err := m.Outbound(map[string]any{"status": tc.golden}, nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "field status") {
				t.Errorf("%s %q: error %v, want %q naming the field", tc.unknown, tc.golden, err, tc.err)
			}
			continue
		}
		if err != nil || out["status"] != tc.want {
			t.Errorf("%s %q = %v, %v; want %v", tc.unknown, tc.golden, out, err, tc.want)
		}
	}
}

// TestValueMapChanges: a system holding ACT holds "active"; nothing to write. Holding I, it
// gets A.
func TestValueMapChanges(t *testing.T) {
	m, err := mapping.Compile("crm", "customer", statusBinding(config.UnknownReject, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	golden := map[string]any{"status": "active"}
	if ch, err := m.Changes(golden, map[string]string{"status": "active"}, map[string]any{"status": "ACT"}, nil); err != nil || len(ch) != 0 {
		t.Errorf("system holds ACT: changes %v, %v; want none", ch, err)
	}
	if ch, err := m.Changes(golden, map[string]string{"status": "inactive"}, map[string]any{"status": "I"}, nil); err != nil || ch["status"] != "A" {
		t.Errorf("system holds I: changes %v, %v; want status A", ch, err)
	}
}
