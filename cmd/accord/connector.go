package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/plugins"
)

func connectorCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "connector", Short: "Serve, install, list and check connectors (plugins)"}
	pluginsDir := func() string { return filepath.Join(g.dataDir, "plugins") }

	serve := &cobra.Command{
		Use:    "serve NAME",
		Short:  "Serve a built-in connector as a plugin (started by Accord itself, not by hand)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		// The plugin handshake owns stdout: nothing may be printed before Serve.
		RunE: func(_ *cobra.Command, args []string) error { return plugins.ServeBuiltin(builtins(), args[0]) },
	}

	var env []string
	install := &cobra.Command{
		Use:   "install PATH",
		Short: "Install a third-party connector binary: copy it, record its SHA-256, ask it for its spec",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := plugins.Install(cmd.Context(), pluginsDir(), args[0], plugins.InstallOptions{Env: env, Reserved: builtins().Names()})
			if err != nil {
				return err
			}
			cmd.Printf("installed %s %s (sha256 %s) in %s\n", e.Name, e.Version, e.SHA256, pluginsDir())
			return nil
		},
	}
	install.Flags().StringSliceVar(&env, "env", nil, "host environment variable the plugin may see (repeatable)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List built-in and installed connectors with version and capabilities",
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%-14s %-10s %-10s %s\n", "connector", "kind", "version", "capabilities")
			for _, name := range builtins().Names() {
				s := builtins()[name]().Spec()
				fmt.Fprintf(w, "%-14s %-10s %-10s %s\n", name, "built-in", s.Version, caps(s.Capabilities.Read, s.Capabilities.Write, s.Capabilities.Delete, s.Capabilities.Incremental, s.Capabilities.MaxBatch))
			}
			entries, err := plugins.List(pluginsDir())
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			for _, e := range entries {
				state := "installed"
				if err := e.Verify(pluginsDir()); err != nil {
					state = "CHECKSUM MISMATCH"
				}
				fmt.Fprintf(w, "%-14s %-10s %-10s %s\n", e.Name, state, e.Version, caps(e.Capabilities.Read, e.Capabilities.Write, e.Capabilities.Delete, e.Capabilities.Incremental, e.Capabilities.MaxBatch))
			}
			return nil
		},
	}

	var configDir string
	check := &cobra.Command{
		Use:   "check SYSTEM -f DIR",
		Short: "Configure a system's connector (through the plugin boundary) and run its Check",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(configDir)
			if err != nil {
				return err
			}
			sys, ok := cfg.Systems[args[0]]
			if !ok {
				return fmt.Errorf("no system %q in %s (systems: %v)", args[0], configDir, cfg.SystemNames())
			}
			conn, done, err := openConnector(cmd.Context(), pluginsDir(), sys)
			if err != nil {
				return err
			}
			defer done()
			if err := conn.Check(cmd.Context()); err != nil {
				return fmt.Errorf("%s: check failed: %w", sys.Name, err)
			}
			cmd.Printf("%s: %s connector OK\n", sys.Name, sys.Connector)
			return nil
		},
	}
	check.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory")
	_ = check.MarkFlagRequired("config")

	c.AddCommand(serve, install, list, check)
	return c
}

// openConnector starts sys's connector as a plugin process, as a worker would, and configures
// it; done stops it.
func openConnector(ctx context.Context, pluginsDir string, sys *config.System) (conn connectors.Connector, done func(), err error) {
	host, err := newHost(pluginsDir)
	if err != nil {
		return nil, nil, err
	}
	if conn, err = host.Registry().New(sys.Connector); err != nil {
		host.Close()
		return nil, nil, err
	}
	done = func() { conn.Close(); host.Close() }
	settings, err := sys.SettingsJSON()
	if err == nil {
		err = conn.Configure(ctx, settings)
	}
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("%s: configure %s: %w", sys.Name, sys.Connector, err)
	}
	return conn, done, nil
}

// newHost starts a plugin host for the built-ins (this executable, re-executed) and the
// connectors installed in dir.
func newHost(dir string) (*plugins.Host, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable: %w", err)
	}
	launches, err := plugins.Builtins(exe, builtins().Names())
	if err != nil {
		return nil, err
	}
	installed, err := plugins.Installed(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for name, l := range installed {
		if _, dup := launches[name]; dup {
			return nil, fmt.Errorf("installed connector %q has the name of a built-in", name)
		}
		launches[name] = l
	}
	return plugins.NewHost(launches, plugins.Options{})
}

func caps(read, write, del, incr bool, maxBatch int) string {
	s := ""
	for _, c := range []struct {
		on   bool
		name string
	}{{read, "read"}, {write, "write"}, {del, "delete"}, {incr, "incremental"}} {
		if c.on {
			s += c.name + " "
		}
	}
	return fmt.Sprintf("%smax batch %d", s, maxBatch)
}
