package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/connectors/tryton"
	"github.com/accord-mdm/accord/runner"
)

// globals are the flags every command shares.
type globals struct {
	dataDir, database, temporalAddress, namespace string
}

func (g *globals) runnerOptions() runner.Options {
	return runner.Options{DataDir: g.dataDir, Database: g.database, TemporalAddress: g.temporalAddress,
		Namespace: g.namespace, Connectors: builtins()}
}

// builtins lists the connectors compiled into accord.
func builtins() connectors.Registry {
	return connectors.Registry{"sqltable": sqltable.New, "tryton": tryton.New}
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "accord",
		Short:         "Keep one golden customer record consistent across CRM, ERP and finance systems",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.dataDir, "data-dir", "./.accord", "directory for the embedded Temporal server and the SQLite golden store")
	pf.StringVar(&g.database, "database", "", "golden store: a postgres:// URL, or a SQLite file (default <data-dir>/accord.db)")
	pf.StringVar(&g.temporalAddress, "temporal-address", "", "host:port of an external Temporal frontend (default: run one embedded)")
	pf.StringVar(&g.namespace, "namespace", "default", "Temporal namespace")
	golden := goldenCmd(g)
	golden.AddCommand(unmergeCmd(g))
	root.AddCommand(devCmd(g), demoCmd(g), workerCmd(g), apiCmd(g), statusCmd(g), golden, connectorCmd(g), mappingCmd(), planCmd(), quarantineCmd(g), reviewCmd(g), versionCmd())
	return root
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := "(devel)"
			if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
				v = bi.Main.Version
			}
			cmd.Printf("accord %s\n", v)
			return nil
		},
	}
}
