package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
)

func mappingCmd() *cobra.Command {
	c := &cobra.Command{Use: "mapping", Short: "Try a system's field mapping on sample records"}
	var configDir, system, entity, input string
	var asJSON bool
	test := &cobra.Command{
		Use:   "test -f DIR --system S --entity E --input sample.json",
		Short: "Map and standardize sample records as a sync would, print the result, match keys and errors; write nothing",
		Long: `Reads one record (a JSON object of the system's fields, as its connector reads them) or
several (a JSON array of them) and prints, for each, the golden field values the inbound mapping
produces ("(null)" clears a field, "(empty)" is an empty value, "(absent)" changes nothing),
the match keys they give, and every error, naming the record and the field. Nothing is
read from or written to any system or store, so lookups show the reference unresolved. Exit status 1 if any record has errors.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(configDir)
			if err != nil {
				return err
			}
			_, m, engine, err := compiled(cfg, system, entity)
			if err != nil {
				return err
			}
			recs, err := readSamples(input)
			if err != nil {
				return err
			}
			results := make([]sampleResult, len(recs))
			failed := false
			for i, raw := range recs {
				id := sampleID(raw, i)
				fields, ferrs := m.Inbound(id, raw)
				r := sampleResult{Record: id, Fields: fields, MatchKeys: []matchKey{}}
				for _, f := range m.InboundFields() {
					if _, ok := fields[f]; !ok && !slices.Contains(r.Absent, f) {
						r.Absent = append(r.Absent, f)
					}
				}
				for _, k := range engine.MatchKeys(fields.Texts()) {
					r.MatchKeys = append(r.MatchKeys, matchKey{k.Kind, k.Value})
				}
				for _, fe := range ferrs {
					r.Errors = append(r.Errors, fe.Error())
				}
				failed = failed || len(ferrs) > 0
				results[i] = r
			}
			w := cmd.OutOrStdout()
			if asJSON {
				if err := printJSON(cmd, results); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					printSample(w, r)
				}
			}
			if failed {
				cmd.SilenceUsage = true
				return errors.New("some records do not map: see the errors above")
			}
			return nil
		},
	}
	test.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory")
	test.Flags().StringVar(&system, "system", "", "system (systems/<system>.yaml)")
	test.Flags().StringVar(&entity, "entity", "customer", "golden entity")
	test.Flags().StringVar(&input, "input", "-", "sample record(s) as JSON; - for standard input")
	test.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	for _, f := range []string{"config", "system"} {
		_ = test.MarkFlagRequired(f)
	}
	c.AddCommand(test)
	return c
}

// compiled returns the binding of system×entity in cfg, its compiled mapping and the entity's
// engine: what a sync of it runs with.
func compiled(cfg *config.Config, system, entity string) (*config.Binding, *mapping.Mapping, *master.Engine, error) {
	_, b, err := cfg.Binding(system, entity)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := mapping.Compile(system, entity, b)
	if err != nil {
		return nil, nil, nil, err
	}
	engine, err := master.NewEngine(cfg, entity)
	if err != nil {
		return nil, nil, nil, err
	}
	return b, m, engine, nil
}

// sampleResult is what mapping test says of one record.
type sampleResult struct {
	Record    string         `json:"record"`
	Fields    mapping.Values `json:"fields"`           // "" is an empty value, null an explicit clear
	Absent    []string       `json:"absent,omitempty"` // mapped fields the record does not hold: no change
	MatchKeys []matchKey     `json:"match_keys"`
	Errors    []string       `json:"errors,omitempty"`
}

type matchKey struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// readSamples reads one JSON object or an array of them, numbers kept as written.
func readSamples(path string) ([]map[string]any, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %w", path, err)
	}
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}, nil
	case []any:
		out := make([]map[string]any, len(v))
		for i, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: element %d is not a JSON object", path, i)
			}
			out[i] = m
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: want a JSON object or an array of objects", path)
}

// sampleID is the record's id field, or its position.
func sampleID(raw map[string]any, i int) string {
	for _, k := range []string{"id", "ID", "Id"} {
		if v, ok := raw[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
	}
	return fmt.Sprintf("#%d", i+1)
}

func printSample(w io.Writer, r sampleResult) {
	fmt.Fprintf(w, "record %s\n", r.Record)
	for _, k := range r.Fields.Fields() {
		v := r.Fields[k]
		switch {
		case v.Null:
			fmt.Fprintf(w, "  %-14s (null: clears the field where this system decides it)\n", k)
		case v.S == "":
			fmt.Fprintf(w, "  %-14s (empty)\n", k)
		default:
			fmt.Fprintf(w, "  %-14s %s\n", k, v.S)
		}
	}
	for _, k := range r.Absent {
		fmt.Fprintf(w, "  %-14s (absent: no change)\n", k)
	}
	for _, k := range r.MatchKeys {
		fmt.Fprintf(w, "  match key      %s = %s\n", k.Kind, k.Value)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  error          %s\n", e)
	}
	fmt.Fprintln(w)
}
