package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

func openStore(ctx context.Context, g *globals) (*store.Store, error) {
	return store.Open(ctx, g.runnerOptions().DatabaseURL())
}

func statusCmd(g *globals) *cobra.Command {
	var entity string
	c := &cobra.Command{
		Use:   "status",
		Short: "Show what the golden store holds and how each sync stands",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.Read().Stats(cmd.Context(), entity)
			if err != nil {
				return err
			}
			cs, err := s.Read().AllCursors(cmd.Context())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "golden %s records: %d (%d from two or more systems, %d merged away)\n", entity, st.Golden, st.Contributed, st.Merged)
			fmt.Fprintf(w, "\n%-10s %-10s %9s %7s %10s %s\n", "inbound", "entity", "fetched", "pages", "caught up", "last poll")
			for _, c := range cs {
				last := "never"
				if c.LastPolledAt.Valid {
					last = c.LastPolledAt.Time.Local().Format("2006-01-02 15:04:05")
				}
				fmt.Fprintf(w, "%-10s %-10s %9d %7d %10v %s\n", c.System, c.Entity, c.RecordsRead, c.Pages, c.CaughtUp, last)
			}
			for _, c := range cs {
				if c.PausedReason != "" {
					fmt.Fprintf(w, "PAUSED %s/%s: %s\n", c.System, c.Entity, c.PausedReason)
				}
			}
			fmt.Fprintf(w, "\n%-10s %8s %8s %10s %7s %11s\n", "outbound", "created", "updated", "unchanged", "failed", "quarantined")
			for _, sys := range keys(st.Xrefs) {
				wr := st.Writes[sys]
				fmt.Fprintf(w, "%-10s %8d %8d %10d %7d %11d\n", sys, wr["created"], wr["updated"], wr["suppressed"], wr["failed"], st.Quarantined[sys])
			}
			fmt.Fprintf(w, "\noutbox: %d pending, %d in flight, %d failed, %d held for review\n", st.Outbox[store.OutboxPending],
				st.Outbox[store.OutboxClaimed], st.Outbox[store.OutboxFailed], st.Outbox[store.OutboxHeld])
			if st.Review > 0 {
				fmt.Fprintf(w, "review: %d open case(s) waiting for a data steward (accord review list)\n", st.Review)
			}
			return nil
		},
	}
	c.Flags().StringVar(&entity, "entity", "customer", "golden entity")
	return c
}

func goldenCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "golden", Short: "Look at golden records"}
	var limit, offset int
	list := &cobra.Command{
		Use:   "list",
		Short: "List golden customers",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			gs, err := s.Read().ListGolden(cmd.Context(), "customer", limit, offset)
			if err != nil {
				return err
			}
			for _, gr := range gs {
				f, err := gr.Fields()
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s  v%-3d %s\n", gr.ID, gr.Version, f["name"])
			}
			return nil
		},
	}
	list.Flags().IntVar(&limit, "limit", 20, "how many")
	list.Flags().IntVar(&offset, "offset", 0, "skip this many")
	var asJSON bool
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a golden record, where each value came from, and the system records it links",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			v, err := master.Describe(cmd.Context(), s.Read(), args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd, v)
			}
			printView(cmd, v)
			return nil
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(list, show, explainCmd(g), historyCmd(g), goldenLoadCmd(g))
	return c
}

func explainCmd(g *globals) *cobra.Command {
	var configDir string
	var asJSON bool
	c := &cobra.Command{
		Use:   "explain ID",
		Short: "Say why a golden record holds each value: the rule in words and what every linked record says",
		Long: `For each field: the golden value, the survivorship rule that chose it in words, and every
linked record's assertion (a value, empty, cleared or silent, with its source time), the winner
marked with *. The rules are those of the configuration in -f DIR, or else of the configuration
the worker recorded last in the store. The choice is worked out anew from the linked records; a
field whose stored value these rules would not choose (it was computed under other rules and has
not changed since) says so.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openStore(ctx, g)
			if err != nil {
				return err
			}
			defer s.Close()
			models, rules, err := survivorshipRules(ctx, s.Read(), configDir)
			if err != nil {
				return err
			}
			ex, err := master.Explain(ctx, s.Read(), models, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd, struct {
					Rules string `json:"rules"`
					*master.Explanation
				}{rules, ex})
			}
			printExplanation(cmd, ex, rules)
			return nil
		},
	}
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory whose rules to explain with (default: the configuration the worker recorded last)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// survivorshipRules returns the golden models to explain with and says where they come from:
// the configuration in dir, or the one a worker recorded last.
func survivorshipRules(ctx context.Context, tx *store.Tx, dir string) (map[string]*config.Golden, string, error) {
	if dir != "" {
		cfg, err := config.Load(dir)
		if err != nil {
			return nil, "", fmt.Errorf("configuration %s: %w", dir, err)
		}
		return cfg.Golden, fmt.Sprintf("configuration %s (version %s)", dir, cfg.Hash), nil
	}
	cv, err := tx.LatestConfigVersion(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", fmt.Errorf("no worker has recorded its configuration in this store: pass -f DIR: %w", err)
	}
	if err != nil {
		return nil, "", err
	}
	models, err := master.ModelsFromRecorded(cv.Content)
	if err != nil {
		return nil, "", fmt.Errorf("configuration version %d: %w", cv.Version, err)
	}
	return models, fmt.Sprintf("configuration version %d (%s), recorded last by a worker on %s", cv.Version, cv.Hash,
		cv.AppliedAt.UTC().Format("2006-01-02 15:04 UTC")), nil
}

func printExplanation(cmd *cobra.Command, ex *master.Explanation, rules string) {
	w := cmd.OutOrStdout()
	if ex.Requested != "" {
		fmt.Fprintf(w, "%s was merged into %s; explaining %s\n", ex.Requested, ex.ID, ex.ID)
	}
	fmt.Fprintf(w, "golden %s %s  version %d\nrules: %s\n* marks the record whose value the golden record holds\n", ex.Entity, ex.ID, ex.Version, rules)
	for _, f := range ex.Fields {
		value := fmt.Sprintf("%q", f.Value)
		if f.State != master.StateValue {
			value = "(" + f.State + ")"
		}
		fmt.Fprintf(w, "\n%s = %s\n  why:   %s\n  rules: %s\n", f.Field, value, f.Reason, strings.Join(f.Strategies, ", "))
		if f.Stale != "" {
			fmt.Fprintf(w, "  NOTE:  %s\n", f.Stale)
		}
		for _, a := range f.Assertions {
			mark := " "
			if a.Winner {
				mark = "*"
			}
			said := a.State
			if a.State == master.StateValue {
				said = fmt.Sprintf("%q", a.Value)
			}
			when := ""
			if a.SourceTime != nil {
				when = a.SourceTime.Format("2006-01-02 15:04:05 UTC")
			}
			if a.Note != "" {
				when = strings.TrimSpace(when + " (" + a.Note + ")")
			}
			line := fmt.Sprintf("  %s %-10s %-12s %-34s %s", mark, a.System, a.ExternalID, said, when)
			fmt.Fprintln(w, strings.TrimRight(line, " "))
		}
	}
	for _, u := range ex.Unlinked {
		fmt.Fprintf(w, "\nnot counted: %s %s (deleted there)\n", u.System, u.ExternalID)
	}
}

func historyCmd(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "history ID",
		Short: "List a golden record's versions: when, why, and each field's change (old → new) with its source",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			h, err := master.LoadHistory(cmd.Context(), s.Read(), args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd, h)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "golden %s %s: %d version(s)\n", h.Entity, h.ID, len(h.Versions))
			if h.MergedInto != "" {
				fmt.Fprintf(w, "merged into %s: its history goes on there\n", h.MergedInto)
			}
			for _, v := range h.Versions {
				fmt.Fprintf(w, "\nv%d  %s  %s\n", v.Version, v.At.Format("2006-01-02 15:04:05 UTC"), v.Reason)
				for _, c := range v.Changes {
					src := ""
					if c.System != "" {
						src = fmt.Sprintf("  (%s %s: %s)", c.System, c.ExternalID, c.Rule)
					}
					fmt.Fprintf(w, "  %-14s %s → %s%s\n", c.Field, c.Old, c.New, src)
				}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// printJSON writes v as indented JSON; "<", ">" and "&" in names stay as they are.
func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func printView(cmd *cobra.Command, v *master.View) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "golden %s %s  version %d  updated %s\n", v.Entity, v.ID, v.Version, v.UpdatedAt.Local().Format("2006-01-02 15:04:05"))
	if v.MergedInto != "" {
		fmt.Fprintf(w, "merged into %s\n", v.MergedInto)
	}
	fmt.Fprintf(w, "\n%-14s %-34s %s\n", "field", "value", "from")
	for _, l := range v.Lineage {
		src := fmt.Sprintf("%s %s (%s", l.System, l.ExternalID, l.Rule)
		if l.SourceTime != nil {
			src += ", changed " + l.SourceTime.Local().Format("2006-01-02 15:04")
		}
		value := fmt.Sprint(v.Fields[l.Field])
		if v.Fields[l.Field] == nil {
			value = "(cleared)"
		}
		fmt.Fprintf(w, "%-14s %-34s %s)\n", l.Field, value, src)
	}
	fmt.Fprintf(w, "\nsystems:\n")
	for _, s := range v.Sources {
		note := ""
		if s.Origin == "write" {
			note = " (created by Accord)"
		}
		if s.Deleted {
			note += " (deleted there)"
		}
		fmt.Fprintf(w, "  %-10s %s%s\n", s.System, s.ExternalID, note)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
