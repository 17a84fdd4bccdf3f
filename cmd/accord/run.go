package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-mdm/accord/demo"
	"github.com/accord-mdm/accord/runner"
)

func devCmd(g *globals) *cobra.Command {
	var (
		configDir, apiAddr string
		ephemeral          bool
		port, uiPort       int
	)
	c := &cobra.Command{
		Use:   "dev -f DIR",
		Short: "Run everything in one process on loopback: embedded Temporal server and UI, worker, admin API",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configDir == "" {
				return errors.New("dev needs a configuration directory: accord dev -f DIR (try examples/demo, or run accord demo)")
			}
			o := g.runnerOptions()
			o.ConfigDir, o.Worker, o.Ephemeral, o.FrontendPort, o.UIPort = configDir, true, ephemeral, port, uiPort
			host, err := newHost(filepath.Join(g.dataDir, "plugins"))
			if err != nil {
				return err
			}
			defer host.Close()
			o.Connectors = host.Registry()
			o.APIAddr = apiAddr
			token, err := apiToken(g.dataDir)
			if err != nil {
				return err
			}
			o.APIToken = token
			node, err := runner.Start(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer node.Stop()
			if err := node.StartWorkflows(cmd.Context(), true); err != nil {
				return err
			}
			if node.Dev != nil {
				cmd.Printf("Temporal frontend %s, UI %s\n", node.Dev.FrontendAddress(), node.Dev.UIURL())
			}
			cmd.Printf("Admin API %s (token in %s)\nSyncing; Ctrl-C stops.\n", node.APIURL, filepath.Join(g.dataDir, "api-token"))
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory (systems/, golden/)")
	c.Flags().StringVar(&apiAddr, "api-addr", "127.0.0.1:8080", "admin API listen address")
	c.Flags().BoolVar(&ephemeral, "ephemeral", false, "keep the embedded Temporal server's state in memory")
	c.Flags().IntVar(&port, "port", 7233, "embedded Temporal frontend port")
	c.Flags().IntVar(&uiPort, "ui-port", 8233, "Temporal UI port")
	return c
}

func demoCmd(g *globals) *cobra.Command {
	o := demo.Options{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Generate a CRM, an ERP and a finance system with messy overlapping customers, and sync them",
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, err := newHost(filepath.Join(g.dataDir, "plugins"))
			if err != nil {
				return err
			}
			defer host.Close()
			o.DataDir, o.Database, o.Connectors, o.Out = g.dataDir, g.database, host.Registry(), cmd.OutOrStdout()
			o.ExecutablePath = executableHint()
			_, err = demo.Run(cmd.Context(), o)
			if errors.Is(err, cmd.Context().Err()) && err != nil {
				return nil // Ctrl-C
			}
			return err
		},
	}
	c.Flags().BoolVar(&o.Once, "once", false, "exit after the demo edit has propagated (exit status 1 if anything failed to converge)")
	c.Flags().IntVar(&o.Companies, "companies", 2600, "distinct companies to generate")
	c.Flags().IntVar(&o.FrontendPort, "port", 7233, "embedded Temporal frontend port")
	c.Flags().IntVar(&o.UIPort, "ui-port", 8233, "Temporal UI port")
	c.Flags().DurationVar(&o.Timeout, "timeout", 0, "how long to wait for convergence (default 5m)")
	return c
}

func workerCmd(g *globals) *cobra.Command {
	var configDir string
	c := &cobra.Command{
		Use:   "worker -f DIR --temporal-address HOST:PORT --database URL",
		Short: "Run a worker against an existing Temporal cluster and golden store",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.temporalAddress == "" {
				return errors.New("worker needs --temporal-address (use accord dev to run an embedded server)")
			}
			o := g.runnerOptions()
			o.ConfigDir, o.Worker = configDir, true
			host, err := newHost(filepath.Join(g.dataDir, "plugins"))
			if err != nil {
				return err
			}
			defer host.Close()
			o.Connectors = host.Registry()
			node, err := runner.Start(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer node.Stop()
			if err := node.StartWorkflows(cmd.Context(), true); err != nil {
				return err
			}
			cmd.Println("Worker running; Ctrl-C stops.")
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory")
	return c
}

func apiCmd(g *globals) *cobra.Command {
	var addr, configDir string
	c := &cobra.Command{
		Use:   "api",
		Short: "Serve the admin API (bearer token from ACCORD_API_TOKEN)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			token := os.Getenv("ACCORD_API_TOKEN")
			if token == "" {
				return errors.New("set ACCORD_API_TOKEN: the admin API refuses unauthenticated calls")
			}
			o := g.runnerOptions()
			o.APIAddr, o.APIToken, o.ConfigDir = addr, token, configDir
			if configDir != "" { // webhooks: the systems' connectors verify them, Temporal carries the nudge
				if g.temporalAddress == "" {
					return errors.New("webhooks (-f) need --temporal-address: they nudge the syncs running there")
				}
				host, err := newHost(filepath.Join(g.dataDir, "plugins"))
				if err != nil {
					return err
				}
				defer host.Close()
				o.Connectors = host.Registry()
			}
			node, err := runner.Start(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer node.Stop()
			cmd.Printf("Admin API %s; Ctrl-C stops.\n", node.APIURL)
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVar(&addr, "listen", "127.0.0.1:8080", "listen address")
	c.Flags().StringVarP(&configDir, "config", "f", "", "configuration directory: also take systems' change notifications at POST /v1/webhooks/{system}")
	return c
}

// apiToken returns the dev API token, creating it (mode 0600) on first use.
func apiToken(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "api-token")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	token := hex.EncodeToString(buf)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write API token: %w", err)
	}
	return token, nil
}

func executableHint() string {
	if exe, err := os.Executable(); err == nil {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, exe); err == nil && !strings.HasPrefix(rel, "..") {
				return "./" + rel
			}
		}
	}
	return "accord"
}
