package mapping_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.json from what the mapping does now")

// fixture is testdata/<case>/mapping.yaml: a binding's fields and the value maps they name.
type fixture struct {
	Region    string                      `yaml:"region"`
	Timezone  string                      `yaml:"timezone"`
	Golden    map[string]config.FieldDef  `yaml:"golden"` // golden field types; others are text
	Fields    []config.FieldMap           `yaml:"fields"`
	ValueMaps map[string]*config.ValueMap `yaml:"value_maps"`
}

// outcome is what one input record maps to: golden values, or the errors (as the quarantine
// records them).
type outcome struct {
	Record string         `json:"record"`
	Fields mapping.Values `json:"fields,omitempty"`
	Errors []string       `json:"errors,omitempty"`
}

// TestFixtures runs every testdata/<case>: mapping.yaml applied to each record of input.json
// (an array; a record's "id" names it) must give want.json. The cases are the bad-input
// catalogue of docs/configuration.md; `go test ./mapping -run Fixtures -update` rewrites the
// wants, to be read and committed with the change that alters them.
func TestFixtures(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/mapping.yaml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range dirs {
		dir := filepath.Dir(path)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got := runFixture(t, dir)
			wantPath := filepath.Join(dir, "want.json")
			if *update {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(got); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(wantPath, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			raw, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			var want []outcome
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s: %v", wantPath, err)
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", "  ")
				t.Errorf("got\n%s\nwant (%s)\n%s", g, wantPath, raw)
			}
		})
	}
}

func runFixture(t *testing.T, dir string) []outcome {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&fx); err != nil {
		t.Fatalf("mapping.yaml: %v", err)
	}
	b := &config.Binding{Region: fx.Region, Timezone: fx.Timezone, Direction: config.Inbound, Fields: fx.Fields}
	for i := range b.Fields {
		b.Fields[i].Direction = config.Inbound
		if def, ok := fx.Golden[b.Fields[i].Golden]; ok {
			b.Fields[i].GoldenDef = &def
		}
		if name := b.Fields[i].ValueMap; name != "" {
			b.Fields[i].ValueMapDef = fx.ValueMaps[name]
			if b.Fields[i].ValueMapDef.Unknown == "" {
				b.Fields[i].ValueMapDef.Unknown = config.UnknownReject
			}
		}
	}
	m, err := mapping.Compile("crm", "customer", b)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	jd := json.NewDecoder(bytes.NewReader(in))
	jd.UseNumber()
	var recs []map[string]any
	if err := jd.Decode(&recs); err != nil {
		t.Fatalf("input.json: %v", err)
	}
	out := make([]outcome, len(recs))
	for i, r := range recs {
		id, _ := r["id"].(string)
		fields, errs := m.Inbound(id, r)
		out[i] = outcome{Record: id}
		if len(fields) > 0 {
			out[i].Fields = fields
		}
		for _, e := range errs {
			out[i].Errors = append(out[i].Errors, e.Error())
		}
	}
	return out
}
