package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/mapping"
	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
)

func quarantineCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "quarantine", Short: "Records that failed to sync: list, show, replay or discard them"}
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List open quarantine entries, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			es, err := s.Read().ListQuarantine(cmd.Context(), limit)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%-6s %-10s %-10s %-8s %-20s %8s  %s\n", "id", "system", "entity", "stage", "record", "attempts", "error")
			for _, e := range es {
				fmt.Fprintf(w, "%-6d %-10s %-10s %-8s %-20s %8d  %s\n", e.ID, e.System, e.Entity, e.Stage, e.ExternalID, e.Attempts, e.Error)
			}
			if len(es) == 0 {
				fmt.Fprintln(w, "(nothing in quarantine)")
			}
			return nil
		},
	}
	list.Flags().IntVar(&limit, "limit", 100, "at most this many entries")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one entry: the record's raw input as read (or the fields a push sent), the error, the attempts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withEntry(cmd, g, args[0], func(s *store.Store, e *store.QuarantineEntry) error {
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "entry %d: %s %s record %s, %s, %s, %d attempt(s), first %s, last %s\n", e.ID, e.System, e.Entity,
					e.ExternalID, e.Stage, e.Status, e.Attempts, e.CreatedAt.Local().Format(time.DateTime), e.UpdatedAt.Local().Format(time.DateTime))
				fmt.Fprintf(w, "error: %s\nraw:\n", e.Error)
				var pretty bytes.Buffer
				if json.Indent(&pretty, e.RawJSON, "  ", "  ") != nil {
					pretty.Write(e.RawJSON)
				}
				fmt.Fprintf(w, "  %s\n", pretty.String())
				return nil
			})
		},
	}

	discard := &cobra.Command{
		Use:   "discard ID",
		Short: "Close an open entry without syncing it (its raw input is kept)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withEntry(cmd, g, args[0], func(s *store.Store, e *store.QuarantineEntry) error {
				if err := s.InTx(cmd.Context(), func(tx *store.Tx) error {
					return tx.DiscardQuarantine(cmd.Context(), e.ID, time.Now().UTC())
				}); err != nil {
					return err
				}
				cmd.Printf("entry %d (%s record %s) discarded\n", e.ID, e.System, e.ExternalID)
				return nil
			})
		},
	}

	var configDir string
	replay := &cobra.Command{
		Use:   "replay ID -f DIR",
		Short: "Try an open entry again with the configuration in DIR (after fixing a mapping, say)",
		Long: `An inbound entry is mapped, standardized, matched and merged again from its raw input, as
if read anew; an outbound one queues the golden record for its system again, for the running
push to write. Failing again, an inbound entry stays in quarantine with one more attempt and
the new error. Exit status 1 if it failed again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(configDir)
			if err != nil {
				return err
			}
			return withEntry(cmd, g, args[0], func(s *store.Store, e *store.QuarantineEntry) error {
				b, m, engine, err := compiled(cfg, e.System, e.Entity)
				if err != nil {
					return err
				}
				tables, err := replayTables(cmd.Context(), filepath.Join(g.dataDir, "plugins"), cfg, e.System, m)
				if err != nil {
					return err
				}
				var ok bool
				if err := s.InTx(cmd.Context(), func(tx *store.Tx) error {
					ok, err = engine.Replay(cmd.Context(), tx, m, b, e, tables)
					return err
				}); err != nil {
					return err
				}
				if !ok {
					after, err := s.Read().GetQuarantine(cmd.Context(), e.ID)
					if err != nil {
						return err
					}
					cmd.SilenceUsage = true
					return fmt.Errorf("entry %d failed again (attempt %d): %s", e.ID, after.Attempts, after.Error)
				}
				if e.Stage == "outbound" {
					cmd.Printf("entry %d: golden record queued for %s again\n", e.ID, e.System)
				} else {
					cmd.Printf("entry %d: %s record %s synced into the golden store\n", e.ID, e.System, e.ExternalID)
				}
				return nil
			})
		},
	}
	replay.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory")
	_ = replay.MarkFlagRequired("config")

	c.AddCommand(list, show, replay, discard)
	return c
}

// withEntry opens the store and runs fn on quarantine entry id.
func withEntry(cmd *cobra.Command, g *globals, id string, fn func(*store.Store, *store.QuarantineEntry) error) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("entry ID %q is not a number (see accord quarantine list)", id)
	}
	s, err := openStore(cmd.Context(), g)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := s.Read().GetQuarantine(cmd.Context(), n)
	if err != nil {
		return err
	}
	return fn(s, e)
}

// replayTables reads the lookup tables m needs through the system's connector, as the sync would;
// none when m has no object lookup.
func replayTables(ctx context.Context, pluginsDir string, cfg *config.Config, system string, m *mapping.Mapping) (master.Tables, error) {
	need := false
	for _, l := range m.Lookups() {
		need = need || l.Object != ""
	}
	if !need {
		return nil, nil
	}
	conn, done, err := openConnector(ctx, pluginsDir, cfg.Systems[system])
	if err != nil {
		return nil, err
	}
	defer done()
	return master.LoadTables(ctx, conn, m, nil, time.Now().UTC())
}
