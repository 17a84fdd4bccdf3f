package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

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
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			printView(cmd, v)
			return nil
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(list, show)
	return c
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
