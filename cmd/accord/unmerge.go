package main

import (
	"fmt"
	"os/user"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

func unmergeCmd(g *globals) *cobra.Command {
	var configDir, contributor, by string
	c := &cobra.Command{
		Use:   "unmerge ID --contributor SYSTEM:RECORD -f DIR",
		Short: "Split a wrongly merged record out of a golden record, everywhere",
		Long: `The contributor (a system's record linked to golden record ID) becomes a golden record of its
own. Both are recomputed with the survivorship rules of DIR and queued for every system, so the
running pushes write the split: each half is created where it is missing and updated where it
changed. The pair is remembered as not a match, so no shared key or score merges them again,
and each side's history (accord golden history) says who split them.

A record whose system was already given the merged values (a push after the merge) holds those
values now: split out, it contributes them, and its system's own values must be set again there.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			system, record, ok := strings.Cut(contributor, ":")
			if !ok || system == "" || record == "" {
				return fmt.Errorf("--contributor %q: want SYSTEM:RECORD, as accord golden show lists them", contributor)
			}
			cfg, err := config.Load(configDir)
			if err != nil {
				return err
			}
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			gr, err := s.Read().GetGolden(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			engine, err := master.NewEngine(cfg, gr.Entity)
			if err != nil {
				return err
			}
			if by == "" {
				if u, err := user.Current(); err == nil {
					by = u.Username
				}
			}
			var split string
			if err := s.InTx(cmd.Context(), func(tx *store.Tx) (err error) {
				split, err = engine.Unmerge(cmd.Context(), tx, args[0], system, record, by)
				return err
			}); err != nil {
				return err
			}
			cmd.Printf("%s:%s split out of %s into golden record %s (by %s); both are queued for every system\n",
				system, record, args[0], split, by)
			return nil
		},
	}
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory (its survivorship rules recompute both records)")
	c.Flags().StringVar(&contributor, "contributor", "", "the record to split out, as SYSTEM:RECORD")
	c.Flags().StringVar(&by, "by", "", "who splits, for the audit trail (default: the current user)")
	for _, f := range []string{"config", "contributor"} {
		_ = c.MarkFlagRequired(f)
	}
	return c
}
