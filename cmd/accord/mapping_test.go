package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runAccord runs the accord command line in process and returns its output and error.
func runAccord(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// TestMappingTest maps a clean CRM record and a broken one with the demo's configuration: the
// clean one shows standardized values and its match keys, the broken one every error naming
// record and field, and the command fails.
func TestMappingTest(t *testing.T) {
	sample := filepath.Join(t.TempDir(), "sample.json")
	err := os.WriteFile(sample, []byte(`[
		{"id": "C-1", "account_name": " 深圳市示例科技有限公司　", "email": "ＪＯＨＮ＠ｅｘａｍｐｌｅ．ｃｏｍ",
		 "phone": "138 0013 8000", "tax_id": "91440300708461136T"},
		{"id": 9007199254740993, "account_name": "Acme", "email": "a@@b.com", "tax_id": "91440300708461136X"}]`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runAccord(t, "mapping", "test", "-f", "../../examples/demo", "--system", "crm", "--input", sample)
	if err == nil {
		t.Errorf("mapping test succeeded with a broken record")
	}
	for _, want := range []string{
		"record C-1", "name           深圳市示例科技有限公司\n", "email          JOHN@example.com",
		"match key      email = john@example.com", "match key      phone = +8613800138000",
		"match key      tax_id = 91440300708461136T",
		`crm record 9007199254740993: field email: invalid email "a@@b.com"`,
		"crm record 9007199254740993: field tax_id: invalid tax ID",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out, err = runAccord(t, "mapping", "test", "-f", "../../examples/demo", "--system", "crm", "--input", sample, "--json")
	if err == nil {
		t.Error("--json: succeeded with a broken record")
	}
	var res []sampleResult
	if jerr := json.Unmarshal([]byte(out[:strings.LastIndex(out, "]")+1]), &res); jerr != nil || len(res) != 2 {
		t.Fatalf("--json output %q: %v", out, jerr)
	}
	if res[0].Fields["phone"].S != "+8613800138000" || len(res[0].Errors) != 0 || len(res[1].Errors) != 2 {
		t.Errorf("--json results %+v", res)
	}

	if _, err := runAccord(t, "mapping", "test", "-f", "../../examples/demo", "--system", "nope", "--input", sample); err == nil {
		t.Error("unknown system accepted")
	}
}
