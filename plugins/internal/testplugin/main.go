// Command testplugin is the plugin the plugins package tests start through the real boundary:
// the sqltable connector, named "testplugin", with hooks that make it misbehave on purpose.
// Settings are sqltable's plus an optional "test" object (hooks), which is removed before
// sqltable sees them:
//
//	{"driver": "sqlite", "dsn": "…", "tables": {…},
//	 "test": {"block": "Read" | "Write" | "Check", "once": "/tmp/…/once", "signal": "/tmp/…/pid"}}
//
// With block set, the first call of that method in any process (the one that creates the file
// once) writes the process ID to signal and then never answers, ignoring its context: Read
// blocks before reading, Write after writing (committed, answer lost), Check before checking.
// The test then kills the process or lets the host's deadline do it.
//
// Discover adds an entity "_process" whose fields are named "pid=<pid>" and "env:<KEY>=<VALUE>"
// for every variable of the process's environment, so a test can see what the host passed.
package main

import (
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/plugins"
)

func main() {
	plugins.Serve(&hooked{Connector: sqltable.New()})
}
