package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
)

func planCmd() *cobra.Command {
	var configDir string
	c := &cobra.Command{
		Use:   "plan -f DIR",
		Short: "Validate a configuration directory and show what it will sync; connect to nothing",
		Long: `Loads every file of the configuration directory, checks it as a worker would before it
starts (unknown keys, unknown golden fields and standardizers, expressions that do not compile,
match and survivorship rules naming fields the model lacks) and prints every problem as
file:line, then, if there is none, what will be synced. It connects to no system, store or server.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SilenceUsage = true
			cfg, errs := checkConfig(configDir)
			if len(errs) > 0 {
				w := cmd.ErrOrStderr()
				for _, err := range errs {
					for line := range strings.Lines(err.Error()) {
						fmt.Fprint(w, strings.TrimRight(line, "\n")+"\n")
					}
				}
				return fmt.Errorf("%s: %d problem(s)", configDir, len(errs))
			}
			printPlan(cmd, cfg)
			return nil
		},
	}
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory (systems/, golden/)")
	_ = c.MarkFlagRequired("config")
	return c
}

// checkConfig loads dir and compiles what the syncs will compile.
func checkConfig(dir string) (*config.Config, []error) {
	cfg, err := config.Load(dir)
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return nil, j.Unwrap()
	} else if err != nil {
		return nil, []error{err}
	}
	errs := mapping.Check(cfg)
	for _, entity := range slices.Sorted(maps.Keys(cfg.Golden)) {
		if _, err := master.NewEngine(cfg, entity); err != nil {
			errs = append(errs, fmt.Errorf("golden/%s.yaml: %w", entity, err))
		}
	}
	return cfg, errs
}

func printPlan(cmd *cobra.Command, cfg *config.Config) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "configuration %s OK (version %s)\n\n", cfg.Dir, cfg.Hash)
	for _, entity := range slices.Sorted(maps.Keys(cfg.Golden)) {
		g := cfg.Golden[entity]
		var keys []string
		for _, k := range g.Match.Keys {
			keys = append(keys, k.Kind)
		}
		fmt.Fprintf(w, "golden %s: %d fields, match keys %s\n", entity, len(g.Fields), listOr(keys))
		if len(g.Match.Rules) > 0 {
			var blocks, rules []string
			for _, b := range g.Match.Blocking {
				blocks = append(blocks, b.Kind)
			}
			for _, r := range g.Match.Rules {
				rule := r.Field + " (" + r.Compare + ")"
				if r.OrFrom != "" {
					rule = r.Field + " (" + r.Compare + ", or from " + r.OrFrom + ")"
				}
				rules = append(rules, rule)
			}
			mergeAt, reviewAt := g.Match.Thresholds()
			fmt.Fprintf(w, "  fuzzy: blocks %s; rules %s; merge at %g, review from %g\n",
				strings.Join(blocks, ", "), strings.Join(rules, ", "), mergeAt, reviewAt)
		}
		if cl := g.Classification; cl != nil {
			printClassification(w, cl)
		}
		if by := cfg.ClassifiedBy(entity); len(by) > 0 {
			fmt.Fprintf(w, "  facts of  %s (classification)\n", strings.Join(by, ", "))
		}
		fmt.Fprintf(w, "  read from  %s\n  written to %s\n", listOr(cfg.Sources(entity)), listOr(cfg.Targets(entity)))
	}
	fmt.Fprintf(w, "\n%-10s %-10s %-10s %-18s %-9s %-7s %6s %8s %8s\n", "system", "connector", "entity", "object", "direction", "creates", "fields", "poll", "push")
	for _, name := range cfg.SystemNames() {
		s := cfg.Systems[name]
		for _, entity := range slices.Sorted(maps.Keys(s.Entities)) {
			b := s.Entities[entity]
			fmt.Fprintf(w, "%-10s %-10s %-10s %-18s %-9s %-7v %6d %8s %8s\n", name, s.Connector, entity, b.Object, b.Direction,
				b.Creates(), len(b.Fields), time.Duration(b.PollInterval), time.Duration(b.PushInterval))
		}
	}
}

func listOr(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// printClassification says how a golden model classifies its records.
func printClassification(w io.Writer, cl *config.Classification) {
	var facts []string
	for _, f := range cl.Facts {
		facts = append(facts, f.Entity)
	}
	fmt.Fprintf(w, "  classification from %s, again every %s\n", strings.Join(facts, ", "), cl.Interval())
	if l := cl.Lifecycle; l != nil {
		fmt.Fprintf(w, "    %s: active within %d days, silent after, churned after %d\n", l.Field, l.ActiveDays, l.ChurnedDays)
	}
	if t := cl.Tier; t != nil {
		in := ""
		if t.Currency != "" {
			in = " in " + t.Currency
		}
		fmt.Fprintf(w, "    %s: over %d days%s, high from %s, mid from %s, else low\n", t.Field, t.WindowDays, in, t.High, t.Mid)
	}
}
