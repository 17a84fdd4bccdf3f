package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
)

func goldenLoadCmd(g *globals) *cobra.Command {
	var configDir, entity string
	c := &cobra.Command{
		Use:   "load -f DIR [--entity customer]",
		Short: "First load: deduplicate every record of the source systems in one go into an empty golden store",
		Long: `Reads every record of the entity from each system it is read from (through the connectors, as a
sync would), deduplicates them all at once with the match rules of DIR — deterministic keys, then
the fuzzy rules inside blocks — and writes the golden records, their lineage, the links to every
record, the review cases and a push to every target system, in one transaction.

For the first load of an entity only: it refuses an entity that has golden records. Lookup
tables are read through the connectors first. Records that do not map, or refer to another
entity's record (a cross-reference lookup), are left for the syncs, which quarantine or merge them
when they start; the records loaded are found unchanged when the syncs read them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(configDir)
			if err != nil {
				return err
			}
			engine, err := master.NewEngine(cfg, entity)
			if err != nil {
				return err
			}
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			w := cmd.OutOrStdout()
			recs, err := readSources(cmd.Context(), w, filepath.Join(g.dataDir, "plugins"), cfg, entity)
			if err != nil {
				return err
			}
			start := time.Now()
			c, err := engine.Cluster(cmd.Context(), recs, master.BulkOptions{})
			if err != nil {
				return err
			}
			st := c.Stats
			fmt.Fprintf(w, "deduplicated %d records into %d golden records in %s (%d by the fuzzy rules, %d for review)\n",
				len(recs), len(c.Clusters), time.Since(start).Round(time.Millisecond), st.FuzzyMerges, len(c.Reviews))
			ls, err := engine.Load(cmd.Context(), s, recs, c, "initial load")
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %d golden records, %d links, %d pushes and %d review cases in %s\n",
				ls.Golden, ls.Xrefs, ls.Outbox, ls.Reviews, ls.Elapsed.Round(time.Millisecond))
			return nil
		},
	}
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory")
	c.Flags().StringVar(&entity, "entity", "customer", "golden entity")
	_ = c.MarkFlagRequired("config")
	return c
}

// readSources reads and maps every record of entity from each system it is read from.
func readSources(ctx context.Context, w io.Writer, pluginsDir string, cfg *config.Config, entity string) ([]master.BulkRecord, error) {
	var recs []master.BulkRecord
	now := time.Now().UTC()
	for _, system := range cfg.Sources(entity) {
		sys, b, err := cfg.Binding(system, entity)
		if err != nil {
			return nil, err
		}
		m, err := mapping.Compile(system, entity, b)
		if err != nil {
			return nil, err
		}
		conn, done, err := openConnector(ctx, pluginsDir, sys)
		if err != nil {
			return nil, err
		}
		before := len(recs)
		var bad []*mapping.FieldError
		recs, bad, err = master.ReadBulk(ctx, conn, m, system, b.Object, recs, now)
		done()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "%s: read %d records (%d left for the sync: they do not map or refer to another entity's record)\n", system, len(recs)-before, countRecords(bad))
	}
	return recs, nil
}

// countRecords counts the records among field errors.
func countRecords(errs []*mapping.FieldError) int {
	seen := map[string]bool{}
	for _, e := range errs {
		seen[e.Record] = true
	}
	return len(seen)
}
